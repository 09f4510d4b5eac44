import type mongoose from 'mongoose';
import { RateLimiterMongo } from 'rate-limiter-flexible';
import { isDuplicateKey } from '../db/errors';

/** One window as rate-limiter-flexible's MongoDB store keeps it (its `_getRateLimiterRes` reads this shape). */
export interface WindowState {
  points: number;
  expire: Date | null;
}

/**
 * Every window of one rule for one key, in ONE document: `_id` is `rule:key`
 * (`reports:<resident>`), `w.<seconds>` each window, `expire` the latest of
 * them (for MongoDB's TTL index and for housekeeping on the embedded database).
 */
export interface RuleDoc {
  _id: string;
  w?: Record<string, WindowState>;
  expire?: Date | null;
}

/** The document of `rule`'s windows for `key` (`reports:<resident>`). */
export function ruleDocId(rule: string, key: string): string {
  return `${rule}:${key}`;
}

type Change = { window: string; points: number; msDuration: number; resolve: (w: WindowState) => void; reject: (err: unknown) => void };

/**
 * The windows of one rule, stored together and written together.
 *
 * Why (docs/LOG.md "Issue 8, submit path: rate limits keyed by `_id`"): the library's own `RateLimiterMongo`
 * keeps each window in its own document, found by a `key` field. A submit
 * (hour and day) then cost two read-modify-writes, each its own SQLite write
 * transaction on the embedded database, and with a filter that pins no `_id`
 * FerretDB (patch 0002) takes the whole collection's lock for each: every
 * submit of every resident queued there, twice.
 *
 * Here a document is found by `_id`, so the embedded database locks only that
 * resident's document, and the windows of one request that the limiters ask
 * for in the same tick (rateLimits.ts asks for all of them at once) go as one
 * `findOneAndUpdate` with `$inc` on each: one write per request instead of
 * one per window, and every request's windows change in the same atomic step,
 * so concurrent requests are counted in the same order in every window (taken
 * one after the other in separate writes, they could be ordered differently
 * per window, and then a request could be refused that fits).
 *
 * Grouped per document: while one write for a resident is in flight, further
 * changes of that resident's windows wait and then go as ONE `$inc` of their
 * sum per window. The database applies it atomically and answers with the
 * counts after it, so each waiter's own count is the answer minus what the
 * waiters after it added: the answers they would have had one by one, in
 * that order. Nobody is let through past a limit, nobody refused below it,
 * across any number of API instances (the count comes from the database).
 *
 * A window that has not started or has ended is started by a compare-and-set
 * on what was read (the windows' `expire`), or by an insert for a new
 * document (a lost race is a duplicate key, then read again).
 */
export class RuleWindows {
  private readonly waiting = new Map<string, { flushing: boolean; queue: Change[] }>();

  constructor(private readonly collectionOf: () => mongoose.mongo.Collection<RuleDoc>) {}

  /** Adds `points` (negative: gives back) to one window of `docId`; the window after it, as this change saw it. */
  change(docId: string, window: string, points: number, msDuration: number): Promise<WindowState> {
    return new Promise<WindowState>((resolve, reject) => {
      let entry = this.waiting.get(docId);
      if (!entry) this.waiting.set(docId, (entry = { flushing: false, queue: [] }));
      entry.queue.push({ window, points, msDuration, resolve, reject });
      if (!entry.flushing) {
        entry.flushing = true;
        // After the current tick: the other windows of the same request join this write.
        const e = entry;
        queueMicrotask(() => void this.flush(docId, e));
      }
    });
  }

  private async flush(docId: string, entry: { flushing: boolean; queue: Change[] }): Promise<void> {
    while (entry.queue.length) {
      const batch = entry.queue;
      entry.queue = [];
      const sums = new Map<string, { points: number; msDuration: number }>();
      for (const c of batch) {
        const s = sums.get(c.window) ?? { points: 0, msDuration: c.msDuration };
        s.points += c.points;
        sums.set(c.window, s);
      }
      try {
        const doc = await this.apply(docId, sums);
        // Applied in queue order: each change sees its window before the later changes' points.
        const after = new Map([...sums.keys()].map((w) => [w, doc.w?.[w]?.points ?? 0]));
        for (let i = batch.length - 1; i >= 0; i--) {
          const c = batch[i];
          const win = doc.w?.[c.window];
          c.resolve({ points: after.get(c.window)!, expire: win ? win.expire : null });
          after.set(c.window, after.get(c.window)! - c.points);
        }
      } catch (err) {
        for (const c of batch) c.reject(err);
      }
    }
    entry.flushing = false;
    this.waiting.delete(docId);
  }

  /** One atomic change of the document: `$inc` of running windows, a fresh start for the others. */
  private async apply(docId: string, sums: Map<string, { points: number; msDuration: number }>): Promise<RuleDoc> {
    const collection = this.collectionOf();
    for (;;) {
      const now = new Date();
      // The usual case: every window touched is running.
      const running: Record<string, unknown> = { _id: docId };
      const inc: Record<string, number> = {};
      for (const [w, s] of sums) {
        running[`w.${w}.expire`] = { $gt: now };
        inc[`w.${w}.points`] = s.points;
      }
      const fast = await collection.findOneAndUpdate(running as mongoose.mongo.Filter<RuleDoc>, { $inc: inc }, { returnDocument: 'after' });
      if (fast) return fast;

      // Some window has not started or has ended: start it, as a compare-and-set on what was read.
      const current = await collection.findOne({ _id: docId });
      const windows: Record<string, WindowState> = { ...(current?.w ?? {}) };
      const expected: Record<string, unknown> = { _id: docId };
      const set: Record<string, unknown> = {};
      const incRunning: Record<string, number> = {};
      for (const [w, s] of sums) {
        const win = current?.w?.[w];
        expected[`w.${w}.expire`] = win ? win.expire : { $exists: false };
        if (win && win.expire !== null && win.expire > now) {
          incRunning[`w.${w}.points`] = s.points;
          windows[w] = { ...win, points: win.points + s.points };
        } else if (s.points > 0) {
          windows[w] = { points: s.points, expire: new Date(now.getTime() + s.msDuration) };
          set[`w.${w}`] = windows[w];
        }
        // Points given back to a window that has ended are dropped: a new window starts from nothing.
      }
      const expire = latestExpire(windows);
      // Only points given back, and no document (it ran out and was removed): nothing to write.
      if (!current && !Object.keys(set).length) return { _id: docId, w: {} };
      if (!current) {
        try {
          await collection.insertOne({ _id: docId, w: windows, expire });
          return { _id: docId, w: windows, expire };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          continue; // another writer created it meanwhile
        }
      }
      // `$max`: the document lives as long as its longest window, whatever another writer set meanwhile.
      const update: mongoose.mongo.UpdateFilter<RuleDoc> = { $max: { expire } as never };
      if (Object.keys(set).length) update.$set = set as never;
      if (Object.keys(incRunning).length) update.$inc = incRunning as never;
      const done = await collection.findOneAndUpdate(expected as mongoose.mongo.Filter<RuleDoc>, update, { returnDocument: 'after' });
      if (done) return done;
      // Someone else started or ended a window meanwhile: go round.
    }
  }

  async read(docId: string, window: string): Promise<WindowState | null> {
    const doc = await this.collectionOf().findOne({ _id: docId });
    const win = doc?.w?.[window];
    return win && (win.expire === null || win.expire > new Date()) ? win : null;
  }

  /** set()/block(): overwrite one window whatever it holds (not used by our rules; part of the store's interface). */
  async overwrite(docId: string, window: string, state: WindowState): Promise<WindowState> {
    await this.collectionOf().updateOne({ _id: docId }, { $set: { [`w.${window}`]: state }, $max: { expire: state.expire ?? new Date(8.64e15) } } as never, { upsert: true });
    return state;
  }

  async remove(docId: string, window: string): Promise<boolean> {
    const res = await this.collectionOf().updateOne({ _id: docId, [`w.${window}`]: { $exists: true } }, { $unset: { [`w.${window}`]: '' } });
    return res.modifiedCount > 0;
  }
}

function latestExpire(windows: Record<string, WindowState>): Date | null {
  let latest: Date | null = null;
  for (const w of Object.values(windows)) if (w.expire && (!latest || w.expire > latest)) latest = w.expire;
  return latest;
}

/**
 * rate-limiter-flexible's MongoDB limiter for one window of one rule, stored
 * through `RuleWindows`. It is the library's `RateLimiterMongo` with the
 * three storage methods a store implements (`_upsert`, `_get`, `_delete`:
 * the library's documented extension point for stores, its README
 * "Contributions") written for the rule's document; the limiting itself —
 * points, durations, `consume`/`reward`, the `RateLimiterRes` a refusal
 * carries, reading a window (`_getRateLimiterRes`) — stays the library's.
 */
export class RateLimiterMongoById extends RateLimiterMongo {
  private readonly windows: RuleWindows;
  private readonly rule: string;
  private readonly window: string;

  constructor(opts: Omit<ConstructorParameters<typeof RateLimiterMongo>[0], 'disableIndexesCreation' | 'keyPrefix'> & { windows: RuleWindows; rule: string }) {
    // The library's own indexes (`key`, a TTL on `expire`) are not ours: rateLimits.ts makes the TTL index.
    super({ ...opts, keyPrefix: `${opts.rule}:${opts.duration}`, disableIndexesCreation: true });
    this.windows = opts.windows;
    this.rule = opts.rule;
    this.window = String(opts.duration);
  }

  /** `rule:seconds:key` (the library's key) → the rule's document for `key`. */
  private docIdOf(rlKey: string): string {
    return ruleDocId(this.rule, rlKey.slice(`${this.rule}:${this.window}:`.length));
  }

  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<WindowState> {
    if (forceExpire) return this.windows.overwrite(this.docIdOf(rlKey), this.window, { points, expire: msDuration > 0 ? new Date(Date.now() + msDuration) : null });
    return this.windows.change(this.docIdOf(rlKey), this.window, points, msDuration);
  }

  _get(rlKey: string): Promise<WindowState | null> {
    return this.windows.read(this.docIdOf(rlKey), this.window);
  }

  _delete(rlKey: string): Promise<boolean> {
    return this.windows.remove(this.docIdOf(rlKey), this.window);
  }
}
