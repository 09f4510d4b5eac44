import type mongoose from 'mongoose';
import { createGroupCommit } from './groupCommit';

type Statement = { filter: Record<string, unknown>; update: mongoose.UpdateQuery<unknown> };

/**
 * Group commit for single-document updates of one model (see groupCommit.ts):
 * the updates that arrive while one write is in flight go together as one
 * `update` command of many statements (an unordered `bulkWrite` of
 * `updateOne`s). On MongoDB that is one round trip; on the embedded FerretDB
 * (patch 0005) statements that each pin a different `_id` are also one SQLite
 * transaction, where one update each cost a transaction each — the
 * dispatcher's bottleneck.
 *
 * Each statement keeps its own filter, so a compare-and-set stays one (the
 * database checks it and writes in one step, per document, as for a single
 * update). What a caller does NOT learn is whether its own statement matched:
 * the command answers with totals. Use it for writers that do not branch on
 * that (recording delivery outcomes), and `compareAndSet` for the others.
 *
 * Through mongoose, so values are cast to the schema and `updatedAt` is kept,
 * as `compareAndSet` does; a statement mongoose cannot cast fails the batch
 * (`throwOnValidationError`) rather than being skipped silently.
 */
export function createGroupUpdate(model: () => mongoose.Model<any>, opts: { maxBatch?: number; writeConcern?: mongoose.mongo.WriteConcernSettings } = {}) {
  const group = createGroupCommit<Statement>(
    (statements) =>
      model().bulkWrite(
        statements.map((s) => ({ updateOne: { filter: s.filter, update: s.update } })),
        { ordered: false, throwOnValidationError: true, ...(opts.writeConcern ? { writeConcern: opts.writeConcern } : {}) },
      ),
    { maxBatch: opts.maxBatch },
  );
  return { update: (filter: Record<string, unknown>, update: mongoose.UpdateQuery<unknown>): Promise<void> => group.add({ filter, update }) };
}
