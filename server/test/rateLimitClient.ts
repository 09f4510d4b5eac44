/**
 * One API instance's rate limits in a process of its own, for the test of
 * limits shared by several instances (src/http/rateLimitStore.test.ts): its
 * own connection pool and its own `createRateLimits` (so its own grouping of
 * writes), as a second API instance on the same database has. Says "ready";
 * then for each JSON line `{op, rule, keys, count, points}` on stdin (sent to
 * every process at once) runs `count` of that operation for each key, all
 * concurrently, and prints one JSON line with each outcome (key by key).
 *   node --import=tsx test/rateLimitClient.ts URI DB LIMITS_JSON
 */
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';
import { detectDialect } from '../src/db/dialect';
import { AppError, RateLimitedError } from '../src/http/errors';
import { createRateLimits, type LimitRule } from '../src/http/rateLimits';

const [uri, dbName, limitsJson] = process.argv.slice(2);
await mongoose.connect(uri, { dbName, maxPoolSize: 100 });
await detectDialect(mongoose.connection.db!);
const limits = createRateLimits(JSON.parse(limitsJson));

export type LimitOutcome = { ok: true } | { status: number; retryAfter: number } | { error: string };

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { op, rule, keys, count, points = 1 } = JSON.parse(line) as { op: 'consume' | 'refund'; rule: LimitRule; keys: string[]; count: number; points?: number };
  const results: LimitOutcome[] = await Promise.all(
    keys.flatMap((key) => Array.from({ length: count }, () => key)).map((key) =>
      (op === 'consume' ? limits.consume(rule, key, points) : limits.refund(rule, key, points)).then(
        (): LimitOutcome => ({ ok: true }),
        (err: unknown): LimitOutcome => (err instanceof RateLimitedError ? { status: err.status, retryAfter: err.retryAfterSeconds } : err instanceof AppError ? { status: err.status, retryAfter: NaN } : { error: String(err) }),
      ),
    ),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
await mongoose.disconnect();
process.exit(0);
