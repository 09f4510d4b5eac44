import mongoose, { Schema } from 'mongoose';
import type { PipelineEvent } from '@ssp/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/errors';
import type { ReportRepository } from '../reports/reportRepository';
import type { TicketService } from '../reports/ticketService';

/**
 * Every inbound event by id. Written before the event is applied and marked
 * after, so a pipeline retry after a crash in between is applied (the
 * report's sequence number keeps that idempotent), and a retry of an applied
 * event is answered as a duplicate.
 */
const eventLogSchema = new Schema(
  { _id: String, ticketNo: String, seq: Number, type: String, state: { type: String, default: 'received' }, receivedAt: Date },
  { versionKey: false },
);
export const PipelineEventLog = mongoose.model('PipelineEventLog', eventLogSchema);

export type EventOutcome = 'applied' | 'duplicate' | 'stale';

export function createPipelineEvents(deps: { repo: ReportRepository; tickets: TicketService }) {
  return {
    async receive(event: PipelineEvent): Promise<EventOutcome> {
      const report = await deps.repo.findByTicketNo(event.ticketNo);
      if (!report) throw notFound('REPORT_NOT_FOUND');
      try {
        await PipelineEventLog.create({ _id: event.eventId, ticketNo: event.ticketNo, seq: event.seq, type: event.type, receivedAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const seen = await PipelineEventLog.findById(event.eventId).lean();
        if (seen && seen.state !== 'received') return 'duplicate';
      }
      // Events can arrive out of order: the pipeline's sequence decides, late ones change nothing.
      if ((report.pipelineSeq ?? 0) >= event.seq) {
        await PipelineEventLog.updateOne({ _id: event.eventId }, { $set: { state: 'stale' } });
        return 'stale';
      }
      const media = event.mediaUrls?.length ? `（附图 ${event.mediaUrls.length} 张：${event.mediaUrls.join(' ')}）` : '';
      try {
        await deps.tickets.applyPipelineEvent(String(report._id), event, media);
      } catch (err) {
        if (err instanceof AppError) await PipelineEventLog.updateOne({ _id: event.eventId }, { $set: { state: `rejected:${err.code}` } });
        throw err;
      }
      await PipelineEventLog.updateOne({ _id: event.eventId }, { $set: { state: 'applied' } });
      return 'applied';
    },
  };
}
