import type mongoose from 'mongoose';
import { createGroupCommit } from './groupCommit';

/**
 * Group commit for inserts into one collection (see groupCommit.ts): the
 * documents that arrive while one insert is in flight go together in the
 * next one (unordered, so each document succeeds or fails on its own). A
 * document that lost to a unique index rejects with a duplicate-key error
 * (code 11000, as an `insertOne` would); the others resolve once the write is
 * acknowledged with the given write concern.
 *
 * The batch goes as the database's own `insert` command, not the driver's
 * `insertMany`: that one builds a bulk operation per call and measures every
 * document's BSON size to split batches (ours are far below the 16 MB and
 * 100,000-document limits: `maxBatch`), about a tenth of a millisecond of our
 * CPU per submit for nothing (docs/ARCHITECTURE.md, "Submit path: our
 * server's CPU"). The documents are serialised by the same driver with the
 * same options, so what is stored is the same (groupInsert.test.ts compares
 * the two). Documents carry their `_id` (the driver's `insertMany` would add
 * one; this command does not).
 * What differs: the driver's single automatic retry of a write after a
 * network error (retryable writes, on a MongoDB replica set) is not made; the
 * batch's callers get the error, so their submits fail before any
 * acknowledgement and the client retries with the same Idempotency-Key.
 */
export function createGroupInsert(db: () => mongoose.mongo.Db, collectionName: string, opts: { maxBatch?: number; writeConcern?: mongoose.mongo.WriteConcernSettings } = {}) {
  const group = createGroupCommit<unknown>(async (docs) => {
    const res = await db().command({ insert: collectionName, documents: docs, ordered: false, ...(opts.writeConcern ? { writeConcern: opts.writeConcern } : {}) });
    // Per-document failures (a unique index): groupCommit fails exactly those callers, by index.
    if (res.writeErrors?.length) throw Object.assign(new Error(`insert failed: ${res.writeErrors[0].errmsg}`), { writeErrors: res.writeErrors });
    // Stored, but not as durably as asked: not an acknowledgement, for any of them.
    if (res.writeConcernError) throw Object.assign(new Error(`write concern not satisfied: ${res.writeConcernError.errmsg}`), { code: res.writeConcernError.code });
  }, { maxBatch: opts.maxBatch });
  return { insert: (doc: unknown): Promise<void> => group.add(doc) };
}
