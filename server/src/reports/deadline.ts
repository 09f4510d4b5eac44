import type { ReportStatus } from '@ssp/shared';

/** A ticket whose category is unknown (or was deleted) gets the city's general time limit: five days. */
export const FALLBACK_DEADLINE_HOURS = 120;

interface DeadlineSubject {
  createdAt: Date;
  urgent?: boolean | null;
  timeline?: { at: Date; status: ReportStatus }[] | null;
}

/**
 * When a ticket must be handled by — computed here and nowhere else.
 *
 * The rule: the category's time limit (urgent or normal; 120 h when the
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
export function deadlineFor(report: DeadlineSubject, hours: { normal: number; urgent: number } | null): Date {
  const limit = hours ? (report.urgent ? hours.urgent : hours.normal) : FALLBACK_DEADLINE_HOURS;
  return new Date(roundStart(report).getTime() + limit * 3600_000);
}

function roundStart(report: DeadlineSubject): Date {
  const reopened = (report.timeline ?? []).filter((e) => e.status === 'reopened').at(-1);
  return reopened ? new Date(reopened.at) : report.createdAt;
}
