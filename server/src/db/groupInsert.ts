import type mongoose from 'mongoose';
import { createGroupCommit } from './groupCommit';

/**
 * Group commit for inserts into one collection (see groupCommit.ts): the
 * documents that arrive while one `insertMany` is in flight go together in the
 * next one (unordered, so each document succeeds or fails on its own). A
 * document that lost to a unique index rejects with a duplicate-key error
 * (code 11000, as an `insertOne` would); the others resolve once the write is
 * acknowledged with the given write concern.
 */
export function createGroupInsert(collection: () => mongoose.mongo.Collection, opts: { maxBatch?: number; writeConcern?: mongoose.mongo.WriteConcernSettings } = {}) {
  const group = createGroupCommit<unknown>(
    (docs) => collection().insertMany(docs as never[], { ordered: false, ...(opts.writeConcern ? { writeConcern: opts.writeConcern } : {}) }),
    { maxBatch: opts.maxBatch },
  );
  return { insert: (doc: unknown): Promise<void> => group.add(doc) };
}
