import type mongoose from 'mongoose';

type Statement = { id: string; filter: Record<string, unknown>; update: Record<string, unknown> };
type Pending = Statement & { resolve: (applied: boolean) => void; reject: (err: unknown) => void };

/** The field in which our FerretDB build (patch 0013) answers each statement's matched count. */
const PER_STATEMENT = 'sspMatched';

/**
 * Group commit of single-document compare-and-sets by `_id`, where each
 * caller learns whether ITS condition held (`true`: its update was applied).
 *
 * Why (docs/LOG.md "Submit path: one write transaction per batch"): the rate-limit
 * write is a compare-and-set per resident, and each was its own write
 * transaction on the embedded database — one per submit, while the report and
 * outbox inserts are one per batch. The statements that arrive while one
 * command is in flight go together as ONE `update` command: on the embedded
 * database one SQLite transaction (patch 0005: statements pinning different
 * `_id`s), each statement still checked and applied atomically on its own
 * document. A plain `update` answers only with totals; patch 0013 adds each
 * statement's matched count (`sspMatched`), which is what lets callers share
 * one command. A server that does not report it (MongoDB, an older build) gets
 * one command per statement instead, sent at once: MongoDB applies concurrent
 * single-document updates without queueing on one writer. Which one the
 * server does is learnt from its first answer (until then one statement goes
 * at a time), not from its name.
 *
 * A batch holds each `_id` once; a second statement for the same document waits
 * for the next command (its filter must see the first one's write). If the
 * command fails, every caller in it gets the error: which statements were
 * applied is then unknown, so callers must treat the error as "may have been
 * applied" (the rate limits then count a request that was not let through —
 * the safe side).
 */
export function createGroupCompareAndSet(
  db: () => mongoose.mongo.Db,
  collectionName: string,
  opts: { maxBatch?: number; perStatement?: boolean; writeConcern?: mongoose.mongo.WriteConcernSettings } = {},
) {
  const maxBatch = opts.maxBatch ?? 200;
  /** Whether the server answers per statement: unknown until its first answer (`false` forces one command per statement: tests). */
  let perStatement: boolean | undefined = opts.perStatement;
  let queue: Pending[] = [];
  let writing = false;
  let scheduled = false;

  async function send(batch: Pending[]): Promise<void> {
    const res = await db().command({
      update: collectionName,
      updates: batch.map((s) => ({ q: s.filter, u: s.update, multi: false, upsert: false })),
      ordered: false,
      ...(opts.writeConcern ? { writeConcern: opts.writeConcern } : {}),
    });
    if (res.writeErrors?.length) throw Object.assign(new Error(`compare-and-set failed: ${res.writeErrors[0].errmsg}`), { writeErrors: res.writeErrors });
    const matched = res[PER_STATEMENT] as number[] | undefined;
    perStatement ??= Array.isArray(matched);
    if (Array.isArray(matched) && matched.length === batch.length && perStatement) {
      batch.forEach((s, i) => s.resolve(matched[i] > 0));
      return;
    }
    // No per-statement answer: only a one-statement command can be read from its total.
    if (batch.length !== 1) throw new Error('the server did not answer per statement');
    batch[0].resolve(res.n > 0);
  }

  const settle = (p: Promise<void>, items: Pending[]) => p.catch((err: unknown) => items.forEach((s) => s.reject(err)));

  async function flush(): Promise<void> {
    writing = true;
    while (queue.length) {
      if (perStatement === false) {
        // The server cannot say per statement: everything queued goes now, one command each
        // (each is atomic on its own document, so they need not wait for one another).
        const all = queue;
        queue = [];
        await Promise.all(all.map((s) => settle(send([s]), [s])));
        continue;
      }
      // One statement per document and command (until the server is known, one statement in all).
      const limit = perStatement ? maxBatch : 1;
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const ids = new Set<string>();
      for (const p of queue) {
        if (batch.length < limit && !ids.has(p.id)) {
          ids.add(p.id);
          batch.push(p);
        } else rest.push(p);
      }
      queue = rest;
      await settle(send(batch), batch);
    }
    writing = false;
  }

  return {
    /** Applies `update` to the document `id` if it still matches `filter` (which must pin that `_id`); true when it did. */
    apply(id: string, filter: Record<string, unknown>, update: Record<string, unknown>): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ id, filter, update, resolve, reject });
        // As groupCommit.ts: with nothing in flight, the rest of this event-loop turn's statements join the first.
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (!writing) void flush();
          });
        }
      });
    },
  };
}
