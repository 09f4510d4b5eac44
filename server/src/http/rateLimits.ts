import mongoose from 'mongoose';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { expireByDate } from '../db/expiry';
import { createGroupCompareAndSet } from '../db/groupCompareAndSet';
import { RateLimiterMongoById, RuleWindows, ruleDocId, type RuleDoc } from './rateLimitStore';
import type { AppContext } from './context';
import { rateLimited } from './errors';

/**
 * Quotas and rate limits (README "Limits and abuse"). Counters live in the
 * database (`ratelimits`, one document per key and window, through
 * rate-limiter-flexible's MongoDB store), so every API instance on one database
 * shares them. The windows of one rule for one key share one document keyed
 * by `_id` (`reports:<resident>`), and a consume of all of them is one
 * `findOneAndUpdate` with `$inc` (rateLimitStore.ts: rate-limiter-flexible
 * with a store of ours on its store interface): atomic on MongoDB and on our
 * FerretDB build (patch 0002, which then locks that document only; upstream
 * v1.24 is not atomic, and would undercount concurrent requests).
 */
export interface LimitSettings {
  reportsPerHour: number;
  reportsPerDay: number;
  uploadsPerHour: number;
  uploadBytesPerDay: number;
  followUpsPerTicketPerHour: number;
  /** `/reports/similar` and `/reports/:id/join` together */
  similarPerHour: number;
  /** `/categories/nearby` and `/geo/reverse` together */
  geoPerHour: number;
  /** public `/classify`, per client address */
  classifyPerMinute: number;
}

export const DEFAULT_LIMITS: LimitSettings = {
  reportsPerHour: 10,
  reportsPerDay: 30,
  uploadsPerHour: 60,
  uploadBytesPerDay: 200 * 1024 * 1024,
  followUpsPerTicketPerHour: 10,
  similarPerHour: 60,
  geoPerHour: 120,
  classifyPerMinute: 60,
};

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Each rule is one or more windows; a request must fit in all of them. */
function rulesOf(s: LimitSettings) {
  return {
    reports: [{ points: s.reportsPerHour, duration: HOUR }, { points: s.reportsPerDay, duration: DAY }],
    uploads: [{ points: s.uploadsPerHour, duration: HOUR }],
    uploadBytes: [{ points: s.uploadBytesPerDay, duration: DAY }],
    followUps: [{ points: s.followUpsPerTicketPerHour, duration: HOUR }],
    similar: [{ points: s.similarPerHour, duration: HOUR }],
    geo: [{ points: s.geoPerHour, duration: HOUR }],
    classify: [{ points: s.classifyPerMinute, duration: 60 }],
  };
}

export type LimitRule = keyof ReturnType<typeof rulesOf>;
export const RATE_LIMIT_COLLECTION = 'ratelimits';

export function createRateLimits(settings: Partial<LimitSettings> = {}) {
  const rules = rulesOf({ ...DEFAULT_LIMITS, ...settings });
  let limiters: Map<LimitRule, { limiter: RateLimiterMongoById; points: number }[]> | null = null;
  let indexes: Promise<unknown> | null = null;
  // The fast path's conditional takes, of every rule and resident, grouped into one `update` command (see `take`).
  let takes: ReturnType<typeof createGroupCompareAndSet> | null = null;

  /**
   * The fast path of `consume`: takes `points` from every window of `rule` for `key` in ONE conditional
   * write that applies only if every window is running and has room for them; true when it did. The
   * condition and the `$inc` are one atomic single-document update (MongoDB; patch 0002 on the embedded
   * database), so nothing is let through past a limit, across instances. Concurrent takes of all
   * residents share one command (db/groupCompareAndSet.ts), on the embedded database one SQLite
   * transaction: the rate-limit write was one transaction per submit, the submit's only write that
   * was not grouped (docs/LOG.md "Submit path: one write transaction per batch"). False — a window not
   * started or ended, a request that does not fit, no document yet — sends the request the library's
   * way (`consume` below), which decides exactly as before.
   */
  async function take(rule: LimitRule, key: string, points: number): Promise<boolean> {
    const now = new Date();
    const id = ruleDocId(rule, key);
    const filter: Record<string, unknown> = { _id: id };
    const inc: Record<string, number> = {};
    for (const w of rules[rule]) {
      if (points > w.points) return false;
      filter[`w.${w.duration}.expire`] = { $gt: now };
      filter[`w.${w.duration}.points`] = { $lte: w.points - points };
      inc[`w.${w.duration}.points`] = points;
    }
    takes ??= createGroupCompareAndSet(() => mongoose.connection.db!, RATE_LIMIT_COLLECTION);
    return takes.apply(id, filter, { $inc: inc });
  }

  /** Built on first use: the database connection exists by then. */
  function limitersFor(rule: LimitRule) {
    if (!limiters) {
      limiters = new Map();
      const collection = () => mongoose.connection.collection<RuleDoc>(RATE_LIMIT_COLLECTION);
      for (const [name, windows] of Object.entries(rules) as [LimitRule, { points: number; duration: number }[]][]) {
        const store = new RuleWindows(collection);
        limiters.set(
          name,
          windows.map((w) => ({
            points: w.points,
            limiter: new RateLimiterMongoById({
              storeClient: mongoose.connection,
              tableName: RATE_LIMIT_COLLECTION,
              windows: store,
              rule: name,
              points: w.points,
              duration: w.duration,
            }),
          })),
        );
      }
    }
    return limiters.get(rule)!;
  }

  function ensureIndexes() {
    indexes ??= (async () => {
      const collection = mongoose.connection.collection(RATE_LIMIT_COLLECTION);
      // Windows used to be one document each, found by a `key` field with a unique index
      // (rate-limiter-flexible's own store); a rule's windows are one document keyed by `_id` now, and
      // that index would refuse a second document without `key`. The old documents run out by
      // themselves (MongoDB's TTL index, or housekeeping by `expire` on the embedded database).
      await collection.dropIndex('key_1').catch(() => {});
      // MongoDB expires windows by itself; FerretDB v1.24 does not, so housekeeping removes them there (removeExpiredWindows).
      await expireByDate(collection, 'expire');
    })().catch((err) => {
      indexes = null;
      throw err;
    });
    return indexes;
  }

  /**
   * Takes `points` from every window of `rule` for `key`, or throws 429
   * RATE_LIMITED (with Retry-After) having taken nothing: if any window is
   * over, the points are given back to all of them.
   *
   * All windows are asked in the same tick, so the store writes them in one
   * atomic step (rateLimitStore.ts): concurrent requests are then counted in
   * the same order in every window, and a refusal in one window never makes
   * another window refuse a request that fits. Counts stay ≥ what was let
   * through at every moment (a refused attempt is counted until it is given
   * back), so concurrent refusals never let one more in.
   */
  async function consume(rule: LimitRule, key: string, points = 1): Promise<void> {
    await ensureIndexes();
    if (points > 0 && (await take(rule, key, points))) return;
    const windows = limitersFor(rule);
    const results = await Promise.allSettled(windows.map(({ limiter }) => limiter.consume(key, points)));
    const failed = results.find((r) => r.status === 'rejected' && !(r.reason instanceof RateLimiterRes));
    const refused = results.flatMap((r, i) => (r.status === 'rejected' && r.reason instanceof RateLimiterRes ? [{ res: r.reason as RateLimiterRes, limit: windows[i].points }] : []));
    if (!failed && !refused.length) return;
    // Give back what was counted: every window that answered (a refusing one counted the attempt too).
    const counted = windows.filter((_, i) => results[i].status === 'fulfilled' || (results[i] as PromiseRejectedResult).reason instanceof RateLimiterRes);
    await Promise.all(counted.map(({ limiter }) => limiter.reward(key, points)));
    if (failed) throw (failed as PromiseRejectedResult).reason;
    // When to try again: when the window that is really full starts afresh. Several windows may refuse,
    // some only because concurrent attempts that will be refused are still counted; those attempts are
    // counted in every window alike (each request changes all windows in one step), so the window over
    // its limit by the most is the one with the least room of its own (on a tie, the later one). A
    // request larger than a whole window never fits, so say when the window starts afresh anyway.
    const over = (x: (typeof refused)[number]) => x.res.consumedPoints - x.limit;
    const binding = refused.reduce((a, b) => (over(b) > over(a) || (over(b) === over(a) && b.res.msBeforeNext > a.res.msBeforeNext) ? b : a));
    throw rateLimited(Math.max(1, Math.ceil(binding.res.msBeforeNext / 1000)));
  }

  /** Gives points back, e.g. for a report the server then refused as invalid. */
  async function refund(rule: LimitRule, key: string, points = 1): Promise<void> {
    await Promise.all(limitersFor(rule).map(({ limiter }) => limiter.reward(key, points)));
  }

  /** Middleware form, after requireRole (or keyed by something else, like the client address). */
  function guard(rule: LimitRule, keyOf: (ctx: AppContext) => string = (ctx) => ctx.state.user!.id) {
    return async (ctx: AppContext, next: () => Promise<unknown>) => {
      await consume(rule, keyOf(ctx));
      await next();
    };
  }

  return { consume, refund, guard, settings: { ...DEFAULT_LIMITS, ...settings } };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** Removes windows that have ended (FerretDB keeps them otherwise); returns how many. */
export async function removeExpiredWindows(now = new Date()): Promise<number> {
  const res = await mongoose.connection.collection(RATE_LIMIT_COLLECTION).deleteMany({ expire: { $lt: now } });
  return res.deletedCount;
}
