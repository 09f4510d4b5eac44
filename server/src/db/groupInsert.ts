import type mongoose from 'mongoose';
import { DUPLICATE_KEY } from './errors';

type Pending = { doc: unknown; resolve: () => void; reject: (err: unknown) => void };

/**
 * Group commit for inserts into one collection: while one `insertMany` is in
 * flight, the documents that arrive meanwhile queue up and go together in the
 * next one (unordered, so each document succeeds or fails on its own). At low
 * load every insert goes alone at once; under load many go in one write — one
 * transaction on the embedded database instead of one each, which is where a
 * submit's time went (see docs/ARCHITECTURE.md, "Speed").
 *
 * Each caller's promise settles with its own document's outcome: a document
 * that lost to a unique index rejects with a duplicate-key error (code 11000,
 * as an `insertOne` would), the others resolve once the write is acknowledged
 * with the given write concern.
 */
export function createGroupInsert(collection: () => mongoose.mongo.Collection, opts: { maxBatch?: number; writeConcern?: mongoose.mongo.WriteConcernSettings } = {}) {
  const maxBatch = opts.maxBatch ?? 200;
  let queue: Pending[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await collection().insertMany(
          batch.map((p) => p.doc) as never[],
          { ordered: false, ...(opts.writeConcern ? { writeConcern: opts.writeConcern } : {}) },
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        settleAfterError(batch, err);
      }
    }
    writing = false;
  }

  function settleAfterError(batch: Pending[], err: unknown) {
    const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
    if (!writeErrors) {
      // Not a per-document failure (connection, server): every caller gets it.
      for (const p of batch) p.reject(err);
      return;
    }
    const list = (Array.isArray(writeErrors) ? writeErrors : Object.values(writeErrors as object)) as { index?: number; code?: number; errmsg?: string; err?: { index?: number; code?: number; errmsg?: string } }[];
    const failed = new Map<number, { code?: number; errmsg?: string }>();
    for (const w of list) failed.set((w.index ?? w.err?.index)!, { code: w.code ?? w.err?.code, errmsg: w.errmsg ?? w.err?.errmsg });
    batch.forEach((p, i) => {
      const f = failed.get(i);
      if (!f) return p.resolve();
      p.reject(Object.assign(new Error(f.errmsg ?? 'insert failed'), { code: f.code ?? (f.errmsg?.includes('E11000') ? DUPLICATE_KEY : undefined) }));
    });
  }

  return {
    insert(doc: unknown): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ doc, resolve, reject });
        if (!writing) void flush();
      });
    },
  };
}
