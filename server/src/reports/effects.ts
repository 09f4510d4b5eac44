import mongoose from 'mongoose';
import type { ReportStatus } from '@ssp/shared';

/** Follow-ups the pipeline is told about once it has the ticket. */
/**
 * `recategorized`: staff chose the category in triage, or folded the ticket's category into another (a category
 * merge, reports/categoryMoves.ts), which changes the deadline; the pipeline gets the
 * category and the deadline now stored, so what it was told at delivery (maybe the 120 h fallback of a report
 * without a category) does not stay different from ours.
 */
export type FollowUpEvent = 'urge' | 'supplement' | 'withdrawn' | 'reopened' | 'rated' | 'merged' | 'recategorized';

/** The category as the pipeline's payloads carry it. */
export type CategoryRef = { code: string; name: string; parentCode: string | null; parentName: string | null };

/**
 * An entry of a report's `effects` outbox (see reportModel). Ids are ObjectId
 * hex: unique, time-ordered, and reused as idempotency keys downstream.
 */
export type ReportEffect =
  | { id: string; type: 'notify'; status: ReportStatus; message: string; at: Date }
  | { id: string; type: 'forward'; event: FollowUpEvent; message: string; mediaIds?: string[]; rating?: string; category?: CategoryRef; dueAt?: Date; at: Date };

const newId = () => new mongoose.Types.ObjectId().toHexString();

export const notifyEffect = (status: ReportStatus, message: string, at: Date): ReportEffect => ({ id: newId(), type: 'notify', status, message, at });

export const forwardEffect = (event: FollowUpEvent, message: string, at: Date, extra: { mediaIds?: string[]; rating?: string; category?: CategoryRef; dueAt?: Date } = {}): ReportEffect => ({
  id: newId(),
  type: 'forward',
  event,
  message,
  at,
  ...(extra.mediaIds?.length ? { mediaIds: extra.mediaIds } : {}),
  ...(extra.rating ? { rating: extra.rating } : {}),
  ...(extra.category ? { category: extra.category } : {}),
  ...(extra.dueAt ? { dueAt: extra.dueAt } : {}),
});
