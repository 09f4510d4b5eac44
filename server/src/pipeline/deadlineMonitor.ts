import type { Logger } from '../log';
import { periodic } from '../periodic';
import { insertUnlessTaken } from '../db/errors';
import type { ReportRepository } from '../reports/reportRepository';
import type { TicketService } from '../reports/ticketService';
import { REOPEN_WINDOW_MS } from '../reports/followUp';
import { DeliveryLease } from './dispatcher';

/**
 * Runs inside every server on an interval. Marks tickets past their deadline
 * as overdue (超期) and escalates them (督办) for staff; closes tickets 7 days
 * after resolution when the resident did not rate or reopen. Each action is
 * claimed by a unique insert first, so with several instances it happens once.
 */
export function createDeadlineMonitor(deps: { repo: ReportRepository; tickets: TicketService; log: Logger; intervalMs?: number }) {
  const once = (key: string) => insertUnlessTaken(() => DeliveryLease.create({ _id: key, owner: 'deadline-monitor', at: new Date() }));

  async function tick(now = Date.now()): Promise<{ escalated: number; closed: number }> {
    let escalated = 0;
    let closed = 0;
    const late = await deps.repo.overdue(new Date(now));
    for (const doc of late) {
      if (!(await once(`overdue:${doc._id}:${doc.dueAt!.getTime()}`))) continue;
      // Only while it is still in the state we found it in (not handled or re-dispatched meanwhile).
      const marked = await deps.repo.update(doc._id, { status: doc.status, dueAt: doc.dueAt!, overdueAt: null }, {
        set: { overdueAt: new Date(now) },
        timeline: { at: new Date(now), status: doc.status, actor: 'system', message: '已超过办理时限，已督办承办部门' },
      });
      if (marked) escalated++;
    }
    const stale = await deps.repo.idsResolvedBefore(new Date(now - REOPEN_WINDOW_MS));
    for (const id of stale) {
      if (!(await once(`autoclose:${id}`))) continue;
      await deps.tickets.systemClose(id).catch((err) => deps.log.warn('auto-close failed', { reportId: id, error: err }));
      closed++;
    }
    return { escalated, closed };
  }

  const runner = periodic('deadline monitor', () => tick(), { everyMs: deps.intervalMs ?? 60_000, firstAfterMs: deps.intervalMs ?? 60_000, log: deps.log });
  return { tick, start: () => runner.start(), stop: () => runner.stop() };
}
