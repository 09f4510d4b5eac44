import { isOpen, canTransition, type AllowedActions, type ReportStatus } from '@ssp/shared';

export const DAY_MS = 24 * 3600_000;
export const REOPEN_WINDOW_MS = 7 * DAY_MS;

interface FollowUpState {
  status: ReportStatus;
  createdAt: Date;
  lastUrgedAt?: Date | null;
  resolvedAt?: Date | null;
  rating?: { value?: string | null } | null;
}

/** The rules a resident's buttons follow; the server enforces the same function. */
export function allowedActions(r: FollowUpState, now = Date.now()): AllowedActions {
  const open = isOpen(r.status);
  return {
    withdraw: canTransition(r.status, 'withdrawn', 'citizen'),
    urge: open && now - r.createdAt.getTime() >= DAY_MS && (!r.lastUrgedAt || now - r.lastUrgedAt.getTime() >= DAY_MS),
    supplement: open,
    rate: r.status === 'resolved' && !r.rating?.value,
    reopen: r.status === 'resolved' && Boolean(r.resolvedAt) && now - r.resolvedAt!.getTime() <= REOPEN_WINDOW_MS,
  };
}
