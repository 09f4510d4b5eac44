import type { Logger } from '../log';
import { periodic } from '../periodic';
import { AppError } from '../http/errors';
import type { ReportRepository } from '../reports/reportRepository';
import type { TicketService } from '../reports/ticketService';
import { REOPEN_WINDOW_MS } from '../reports/followUp';

/**
 * Runs inside every server on an interval. Marks tickets past their deadline
 * as overdue (超期) and escalates them (督办) for staff; closes tickets 7 days
 * after resolution when the resident did not rate or reopen.
 *
 * Each action is one compare-and-set on the report and nothing else, so with
 * several instances it happens once (the others find the report changed) and
 * a process that dies at any point leaves nothing behind: the next pass, here
 * or elsewhere, simply finds the ticket still due. (A claim inserted before
 * the write, as this once took, was lost for good by a process that died
 * between the claim and the write: the ticket was never escalated or closed.)
 */
export function createDeadlineMonitor(deps: { repo: ReportRepository; tickets: TicketService; log: Logger; intervalMs?: number }) {
  async function tick(now = Date.now()): Promise<{ escalated: number; closed: number }> {
    let escalated = 0;
    let closed = 0;
    const late = await deps.repo.overdue(new Date(now));
    for (const doc of late) {
      // Only while it is still in the state we found it in (not handled, re-dispatched or escalated meanwhile).
      const marked = await deps.repo.update(doc._id, { status: doc.status, dueAt: doc.dueAt!, overdueAt: null }, {
        set: { overdueAt: new Date(now) },
        timeline: { at: new Date(now), status: doc.status, actor: 'system', message: '已超过办理时限，已督办承办部门' },
      });
      if (marked) escalated++;
    }
    const stale = await deps.repo.idsResolvedBefore(new Date(now - REOPEN_WINDOW_MS));
    for (const id of stale) {
      try {
        // A compare-and-set on `resolved` (ticketService): another instance, a rating or a reopen that got there
        // first makes it a 409, which is not a failure.
        await deps.tickets.systemClose(id);
        closed++;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 409)) deps.log.warn('auto-close failed', { reportId: id, error: err });
      }
    }
    return { escalated, closed };
  }

  const runner = periodic('deadline monitor', () => tick(), { everyMs: deps.intervalMs ?? 60_000, firstAfterMs: deps.intervalMs ?? 60_000, log: deps.log });
  return { tick, start: () => runner.start(), stop: () => runner.stop() };
}
