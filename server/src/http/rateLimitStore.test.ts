/**
 * Rate limits shared by two API instances on one database, at the boundary:
 * two processes (test/rateLimitClient.ts), each with its own connection pool
 * and its own `createRateLimits` — so each groups its own writes, as two
 * instances do — send their requests for the same resident at once. Exactly
 * as many are let through as the windows have room for: none more (a limit
 * that leaks) and none fewer (a limit that refuses a request it should pass,
 * e.g. because a refused attempt's point was still counted in another window).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import test from 'ava';
import mongoose from 'mongoose';
import type { LimitOutcome } from '../../test/rateLimitClient';
import { RATE_LIMIT_COLLECTION, removeExpiredWindows, type LimitSettings } from './rateLimits';
import type { RuleDoc } from './rateLimitStore';

const CLIENT = path.resolve(import.meta.dirname, '../../test/rateLimitClient.ts');
const dbName = `ratelimits_${randomUUID().slice(0, 8)}`;
const LIMITS: Partial<LimitSettings> = { reportsPerHour: 7, reportsPerDay: 10, followUpsPerTicketPerHour: 5 };

let client: mongoose.mongo.MongoClient;
let children: ChildProcess[] = [];
let lines: AsyncIterator<string>[] = [];
const next = async (i: number) => {
  const r = await lines[i].next();
  if (r.done) throw new Error(`instance ${i} exited early`);
  return r.value;
};

test.before(async () => {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('run under scripts/with-database.ts');
  client = new mongoose.mongo.MongoClient(uri);
  await client.connect();
  children = [0, 1].map(() => spawn(process.execPath, ['--import=tsx', CLIENT, uri, dbName, JSON.stringify(LIMITS)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  for (let i = 0; i < children.length; i++) if ((await next(i)) !== 'ready') throw new Error('instance not ready');
});
test.after.always(async () => {
  for (const c of children) if (c.exitCode === null) c.kill();
  await client?.db(dbName).dropDatabase().catch(() => {});
  await client?.close();
});

const windows = () => client.db(dbName).collection<RuleDoc>(RATE_LIMIT_COLLECTION);

/** `count` operations in each instance (or only in `only`), released at once. */
async function fromBoth(op: { op: 'consume' | 'refund'; rule: string; key?: string; keys?: string[]; count: number; points?: number }, only?: number): Promise<LimitOutcome[]> {
  const which = only === undefined ? [0, 1] : [only];
  const { key, ...rest } = op;
  for (const i of which) children[i].stdin!.write(`${JSON.stringify({ ...rest, keys: op.keys ?? [key] })}\n`);
  const outputs = await Promise.all(which.map((i) => next(i)));
  return outputs.flatMap((o) => JSON.parse(o) as LimitOutcome[]);
}
const passed = (o: LimitOutcome[]) => o.filter((x) => 'ok' in x).length;
const refused = (o: LimitOutcome[]) => o.filter((x) => 'status' in x && x.status === 429).length;
const errors = (o: LimitOutcome[]) => o.filter((x) => 'error' in x);
const stored = async (key: string) => (await windows().findOne({ _id: `reports:${key}` }))?.w ?? {};

// Serial: the two instances are shared, and each test reads back what it left.
test.serial('a fresh window: 20 at once from two instances → exactly the hourly 7 pass; what was refused is not counted', async (t) => {
  const key = randomUUID();
  const outcomes = await fromBoth({ op: 'consume', rule: 'reports', key, count: 10 });
  t.deepEqual(errors(outcomes), []);
  t.is(passed(outcomes), 7);
  t.is(refused(outcomes), 13);
  const w = await stored(key);
  t.is(w['3600'].points, 7, 'the hour holds what was let through');
  t.is(w['86400'].points, 7, 'the day too: refused attempts were given back in both windows');
  for (const o of outcomes) if ('status' in o) t.true(o.retryAfter > 0 && o.retryAfter <= 3600, `Retry-After ${o.retryAfter}`);
});

test.serial('two left: one request from each instance at once → both pass; the next two → both refused', async (t) => {
  const key = randomUUID();
  t.is(passed(await fromBoth({ op: 'consume', rule: 'reports', key, count: 5 }, 0)), 5);
  const atBoundary = await fromBoth({ op: 'consume', rule: 'reports', key, count: 1 });
  t.is(passed(atBoundary), 2, 'both fit, and neither is refused for the other');
  const over = await fromBoth({ op: 'consume', rule: 'reports', key, count: 1 });
  t.is(refused(over), 2);
  t.is((await stored(key))['3600'].points, 7);
});

test.serial('the day is the tighter window: exactly its room passes, and the refusal names the day', async (t) => {
  const key = randomUUID();
  t.is(passed(await fromBoth({ op: 'consume', rule: 'reports', key, count: 7 }, 1)), 7);
  // An hour later: the hourly window has ended, the day's has 3 left.
  await windows().updateOne({ _id: `reports:${key}` }, { $set: { 'w.3600.expire': new Date(Date.now() - 1000) } });
  const outcomes = await fromBoth({ op: 'consume', rule: 'reports', key, count: 4 });
  t.deepEqual(errors(outcomes), []);
  t.is(passed(outcomes), 3);
  for (const o of outcomes) if ('status' in o) t.true(o.retryAfter > 3600, `the day's window: Retry-After ${o.retryAfter}`);
  const w = await stored(key);
  t.is(w['3600'].points, 3, 'a new hour started with the three let through');
  t.true(w['3600'].expire!.getTime() > Date.now() + 3500_000);
  t.is(w['86400'].points, 10);
});

test.serial('refunds and consumes at once from both instances: the count ends where the requests let through say', async (t) => {
  const key = randomUUID();
  t.is(passed(await fromBoth({ op: 'consume', rule: 'reports', key, count: 4 }, 0)), 4);
  // Instance 0 gives back 3 (reports refused as invalid) while instance 1 asks for 6: between 3 and 6 fit,
  // depending on how they interleave, and the count ends at 4 - 3 + what passed.
  const [refunds, consumes] = await Promise.all([fromBoth({ op: 'refund', rule: 'reports', key, count: 3 }, 0), fromBoth({ op: 'consume', rule: 'reports', key, count: 6 }, 1)]);
  t.deepEqual(errors([...refunds, ...consumes]), []);
  const let_ = passed(consumes);
  t.true(let_ >= 3 && let_ <= 6, `${let_} passed`);
  t.is((await stored(key))['3600'].points, 4 - 3 + let_);
  t.true((await stored(key))['3600'].points <= 7);
});

test.serial('many residents at once: each has their own windows, each exactly at its limit', async (t) => {
  const keys = Array.from({ length: 6 }, () => randomUUID());
  // Each instance sends 4 for every resident, all at once: 8 per resident, 48 in all.
  const outcomes = await fromBoth({ op: 'consume', rule: 'followUps', keys, count: 4 });
  t.deepEqual(errors(outcomes), []);
  // Outcomes come instance by instance, key by key, 4 each.
  const perKey = keys.map((_, k) => [...outcomes.slice(k * 4, k * 4 + 4), ...outcomes.slice(24 + k * 4, 24 + k * 4 + 4)]);
  for (const o of perKey) t.is(passed(o), 5);
  for (const key of keys) t.is((await windows().findOne({ _id: `followUps:${key}` }))?.w?.['3600'].points, 5);
});

test.serial('ended windows are removed; running ones are kept', async (t) => {
  const key = randomUUID();
  await fromBoth({ op: 'consume', rule: 'reports', key, count: 1 }, 0);
  const old = randomUUID();
  await windows().insertOne({ _id: `reports:${old}`, w: { '3600': { points: 3, expire: new Date(Date.now() - 2000) } }, expire: new Date(Date.now() - 1000) });
  const ids = (await windows().find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  t.true(ids.includes(`reports:${old}`));
  // removeExpiredWindows uses the app's connection.
  await mongoose.connect(process.env.TEST_MONGODB_URI!, { dbName });
  try {
    t.true((await removeExpiredWindows()) >= 1);
  } finally {
    await mongoose.disconnect();
  }
  t.falsy(await windows().findOne({ _id: `reports:${old}` }));
  t.truthy(await windows().findOne({ _id: `reports:${key}` }));
});
