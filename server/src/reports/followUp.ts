import { isOpen, canTransition, type AllowedActions, type ReportStatus } from '@ssp/shared';

export const DAY_MS = 24 * 3600_000;
export const REOPEN_WINDOW_MS = 7 * DAY_MS;

interface FollowUpState {
  status: ReportStatus;
  createdAt: Date;
  /** the handling deadline (set when filed, from the category's time limit and urgency) */
  dueAt?: Date | null;
  lastUrgedAt?: Date | null;
  resolvedAt?: Date | null;
  rating?: { value?: string | null } | null;
}

/**
 * When 催办 becomes possible (ms), for an open ticket: 24 h after filing, or once its deadline has passed if
 * that comes first (an urgent ticket's deadline can be an hour), and then at most once per 24 h.
 */
export function urgeAllowedFrom(r: FollowUpState): number {
  const filed = r.createdAt.getTime() + DAY_MS;
  const first = r.dueAt ? Math.min(filed, r.dueAt.getTime()) : filed;
  return r.lastUrgedAt ? Math.max(first, r.lastUrgedAt.getTime() + DAY_MS) : first;
}

/** The rules a resident's buttons follow; the server enforces the same function. */
export function allowedActions(r: FollowUpState, now = Date.now()): AllowedActions {
  const open = isOpen(r.status);
  return {
    withdraw: canTransition(r.status, 'withdrawn', 'citizen'),
    urge: open && now >= urgeAllowedFrom(r),
    supplement: open,
    rate: r.status === 'resolved' && !r.rating?.value,
    reopen: r.status === 'resolved' && Boolean(r.resolvedAt) && now - r.resolvedAt!.getTime() <= REOPEN_WINDOW_MS,
  };
}
