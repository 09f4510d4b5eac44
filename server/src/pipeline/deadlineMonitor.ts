import type { Logger } from '../log';
import { periodic } from '../periodic';
import { updateReport } from '../reports/reportLock';
import { Report, type ReportDoc } from '../reports/reportModel';
import type { TicketService } from '../reports/ticketService';
import { REOPEN_WINDOW_MS } from '../reports/followUp';
import { DeliveryLease } from './dispatcher';

/**
 * Runs inside every server on an interval. Marks tickets past their deadline
 * as overdue (超期) and escalates them (督办) for staff; closes tickets 7 days
 * after resolution when the resident did not rate or reopen. Each action is
 * claimed by a unique insert first, so with several instances it happens once.
 */
export function createDeadlineMonitor(deps: { tickets: TicketService; log: Logger; intervalMs?: number }) {
  async function once(key: string): Promise<boolean> {
    try {
      await DeliveryLease.create({ _id: key, owner: 'deadline-monitor', at: new Date() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async function tick(now = Date.now()): Promise<{ escalated: number; closed: number }> {
    let escalated = 0;
    let closed = 0;
    const late = await Report.find(
      { status: { $in: ['dispatched', 'in_progress', 'returned', 'reopened'] }, dueAt: { $lt: new Date(now) }, overdueAt: null },
      { _id: 1, status: 1, dueAt: 1, timeline: 1 },
    ).lean<ReportDoc[]>();
    for (const doc of late) {
      if (!(await once(`overdue:${doc._id}:${doc.dueAt!.getTime()}`))) continue;
      await updateReport(String(doc._id), { $set: { overdueAt: new Date(now) }, $push: { timeline: { at: new Date(now), status: doc.status, actor: 'system', message: '已超过办理时限，已督办承办部门' } } });
      escalated++;
    }
    const stale = await Report.find({ status: 'resolved', resolvedAt: { $lt: new Date(now - REOPEN_WINDOW_MS) } }, { _id: 1 }).lean<ReportDoc[]>();
    for (const doc of stale) {
      if (!(await once(`autoclose:${doc._id}`))) continue;
      await deps.tickets.systemClose(String(doc._id)).catch((err) => deps.log.warn('auto-close failed', { reportId: doc._id, error: err }));
      closed++;
    }
    return { escalated, closed };
  }

  const runner = periodic('deadline monitor', () => tick(), { everyMs: deps.intervalMs ?? 60_000, firstAfterMs: deps.intervalMs ?? 60_000, log: deps.log });
  return { tick, start: () => runner.start(), stop: () => runner.stop() };
}
