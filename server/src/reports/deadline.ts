import type { ReportStatus } from '@ssp/shared';

/** A ticket whose category is unknown (or was deleted) gets the city's general time limit: five days. */
export const FALLBACK_DEADLINE_HOURS = 120;

interface DeadlineSubject {
  createdAt: Date;
  urgent?: boolean | null;
  /** 紧急 / 次紧急 / 普通; reports stored before it have only `urgent` */
  urgency?: 'urgent' | 'semi_urgent' | 'normal' | null;
  timeline?: { at: Date; status: ReportStatus }[] | null;
}

/**
 * When a ticket must be handled by — computed here and nowhere else.
 *
 * The rule: the category's time limit (紧急, 次紧急 or normal; 120 h when the
 * category is unknown), counted from the start of the current round of
 * handling. The first round starts when the resident filed the report; a
 * round the resident reopened starts at the reopen.
 *
 * Why from filing and not from dispatch: the time limit is the city's
 * promise to the resident, whose wait starts when they report; the ticket
 * system is told the deadline when it receives the ticket, before anyone
 * dispatched it, so counting from filing is the only rule under which what
 * the pipeline is told and what we store and show are the same date. It also
 * means a ticket bounced between departments (退回 → 再派发) does not get a
 * fresh deadline each time.
 */
export function deadlineFor(report: DeadlineSubject, hours: DeadlineHours | null): Date {
  return new Date(roundStart(report).getTime() + limitHours(report, hours) * 3600_000);
}

export interface DeadlineHours {
  normal: number;
  urgent: number;
  /** 次紧急 (must be handled within a day); categories stored before it get `defaultSemiUrgentHours` */
  semiUrgent?: number | null;
}

/**
 * 次紧急 when a category does not say: a day, the 12345 meaning of the level, but never shorter
 * than the category's 紧急 limit nor longer than its normal one (public safety: 1 h / 24 h / 48 h;
 * labour: 48 h / 48 h / 240 h).
 */
export function defaultSemiUrgentHours(hours: { normal: number; urgent: number }): number {
  return Math.min(hours.normal, Math.max(hours.urgent, 24));
}

/** The time limit in hours: the level's (紧急 / 次紧急 / 普通) limit of the category, 120 h when it is unknown. */
export function limitHours(report: Pick<DeadlineSubject, 'urgent' | 'urgency'>, hours: DeadlineHours | null): number {
  if (!hours) return FALLBACK_DEADLINE_HOURS;
  const level = report.urgency ?? (report.urgent ? 'urgent' : 'normal');
  if (level === 'urgent' || report.urgent) return hours.urgent;
  if (level === 'semi_urgent') return hours.semiUrgent ?? defaultSemiUrgentHours(hours);
  return hours.normal;
}

function roundStart(report: DeadlineSubject): Date {
  const reopened = (report.timeline ?? []).filter((e) => e.status === 'reopened').at(-1);
  return reopened ? new Date(reopened.at) : report.createdAt;
}
