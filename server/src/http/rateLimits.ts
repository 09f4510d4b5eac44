import mongoose from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { isFerretDb } from '../db/dialect';
import type { AppContext } from './context';
import { rateLimited } from './errors';

/**
 * Quotas and rate limits (README "Limits and abuse"). Counters live in the
 * database (`ratelimits`, one document per key and window, through
 * rate-limiter-flexible's MongoDB store), so every API instance on one database
 * shares them. Each consume is one `findOneAndUpdate` upsert with `$inc`:
 * atomic on MongoDB and on our FerretDB build (patch 0002; upstream v1.24 is
 * not, and would undercount concurrent requests).
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
  let limiters: Map<LimitRule, { limiter: RateLimiterMongo; points: number }[]> | null = null;
  let indexes: Promise<unknown> | null = null;

  /** Built on first use: the database connection exists by then. */
  function limitersFor(rule: LimitRule) {
    if (!limiters) {
      limiters = new Map();
      for (const [name, windows] of Object.entries(rules) as [LimitRule, { points: number; duration: number }[]][]) {
        limiters.set(
          name,
          windows.map((w) => ({
            points: w.points,
            limiter: new RateLimiterMongo({
              storeClient: mongoose.connection,
              tableName: RATE_LIMIT_COLLECTION,
              keyPrefix: `${name}:${w.duration}`,
              points: w.points,
              duration: w.duration,
              // Ours below: the library's TTL index is not supported the same way everywhere.
              disableIndexesCreation: true,
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
      await collection.createIndex({ key: 1 }, { unique: true });
      // MongoDB expires windows by itself; FerretDB v1.24 does not, so housekeeping removes them there.
      if (!isFerretDb()) await collection.createIndex({ expire: 1 }, { expireAfterSeconds: 0 });
    })().catch((err) => {
      indexes = null;
      throw err;
    });
    return indexes;
  }

  /**
   * Takes `points` from every window of `rule` for `key`, or throws 429
   * RATE_LIMITED (with Retry-After) having taken nothing: points taken from
   * windows that had room are given back.
   */
  async function consume(rule: LimitRule, key: string, points = 1): Promise<void> {
    await ensureIndexes();
    const taken: RateLimiterMongo[] = [];
    for (const { limiter } of limitersFor(rule)) {
      try {
        await limiter.consume(key, points);
        taken.push(limiter);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // The store counted this attempt too: give it back, so only what was let through counts.
        // (Counts stay ≥ what was let through at every moment, so concurrent refusals never let one more in.)
        await Promise.all([...taken, limiter].map((l) => l.reward(key, points)));
        // A request larger than the whole window can never fit: say when the window starts afresh anyway.
        throw rateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
      }
    }
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
