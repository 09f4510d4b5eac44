import mongoose from 'mongoose';
import type { ReportStatus } from '@ssp/shared';

/** Follow-ups the pipeline is told about once it has the ticket. */
export type FollowUpEvent = 'urge' | 'supplement' | 'withdrawn' | 'reopened' | 'rated' | 'merged';

/**
 * An entry of a report's `effects` outbox (see reportModel). Ids are ObjectId
 * hex: unique, time-ordered, and reused as idempotency keys downstream.
 */
export type ReportEffect =
  | { id: string; type: 'notify'; status: ReportStatus; message: string; at: Date }
  | { id: string; type: 'forward'; event: FollowUpEvent; message: string; mediaIds?: string[]; rating?: string; at: Date };

const newId = () => new mongoose.Types.ObjectId().toHexString();

export const notifyEffect = (status: ReportStatus, message: string, at: Date): ReportEffect => ({ id: newId(), type: 'notify', status, message, at });

export const forwardEffect = (event: FollowUpEvent, message: string, at: Date, extra: { mediaIds?: string[]; rating?: string } = {}): ReportEffect => ({
  id: newId(),
  type: 'forward',
  event,
  message,
  at,
  ...(extra.mediaIds?.length ? { mediaIds: extra.mediaIds } : {}),
  ...(extra.rating ? { rating: extra.rating } : {}),
});
