/**
 * Differential test of the embedded database's query pushdown (patches 0003
 * and 0004 in tools/ferretdb: equalities, date/number ranges, and the
 * streamed descending sort): the same randomised corpus of documents and filters runs
 * against the patched FerretDB build and against FerretDB v1.24.2 as
 * released, which reads every document and filters in Go. Results (which
 * documents, in which order), counts and the effect of multi-document updates
 * and deletes must be identical. The pushdown may only change how many rows
 * SQLite reads, which the last test checks through `explain`.
 *
 * Bounded in `npm test`; PUSHDOWN_SAMPLES=5000 runs a bigger sample, and
 * PUSHDOWN_SEED reproduces a run (the seed is printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { startFerretDbBuild, type EmbeddedDatabase } from './embeddedDatabase';

const { ObjectId, Double, Long } = mongoose.mongo;
type Doc = mongoose.mongo.Document;

const SAMPLES = Number(process.env.PUSHDOWN_SAMPLES ?? 150);
// Patch 0007 refreshes SQLite's planner statistics every SSP_STATS_INTERVAL (1 minute by default); this
// file's own FerretDB processes check every second, so the statistics test below sees them promptly (and
// the differential tests run while plans change under them).
process.env.SSP_STATS_INTERVAL = '1s';
const SEED = Number(process.env.PUSHDOWN_SEED ?? Date.now() % 1_000_000);

// Runs only where the tests run on FerretDB (the other engines have no patch to check).
const onFerret = !process.env.TEST_DATABASE_ENGINE || process.env.TEST_DATABASE_ENGINE === 'ferretdb';
const maybe = onFerret ? test.serial : test.serial.skip;

/** mulberry32: a small seeded PRNG, so a failing corpus can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const OID = new ObjectId('65a1b2c3d4e5f60718293a4b');
const DATE = new Date('2026-03-01T08:00:00.000Z');
// Values chosen to collide where a text encoding could: an ObjectId and the string of its hex,
// a date and its milliseconds, "null" and null, strings JSON escapes (<, &, U+2028, quotes,
// backslashes), strings that look like arrays, numbers equal across types.
const SCALARS: unknown[] = [
  'a', 'b', 'A', '', 'null', 'true', '[x]', '<tag>', 'a&b', 'q"uote', 'back\\slash', 'line\u2028sep', '中文', 'emoji😀', ' a', 'a ',
  OID, OID.toHexString(), new ObjectId('65a1b2c3d4e5f60718293a4c'),
  true, false, null,
  DATE, new Date(DATE.getTime() + 1), new Date(0), new Date(-86_400_000), new Date('9999-12-31T00:00:00Z'), new Date('1999-01-01T00:00:00Z'), DATE.getTime(),
  0, -0, 1, new Double(1), new Long(1), 2.5, -1,
];
const FIELDS = ['a', 'b', 'c', 'n.x', 'n.y', 'arr.x', 'deep.n.x'] as const;

/** FerretDB v1 stores no array directly inside an array; everything else goes. */
function randomValue(depth = 0, inArray = false): unknown {
  const r = rand();
  if (depth < 2 && !inArray && r < 0.12) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1, true));
  if (depth < 2 && r < 0.18) return { x: randomValue(depth + 1), ...(rand() < 0.5 ? { y: randomValue(depth + 1) } : {}) };
  return pick(SCALARS);
}

function setPath(doc: Doc, dotted: string, value: unknown) {
  const parts = dotted.split('.');
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null || Array.isArray(cur[p])) {
      // Sometimes an array of sub-documents on the way, which MongoDB traverses.
      cur[p] = rand() < 0.2 ? [{}] : {};
    }
    const next = cur[p];
    cur = (Array.isArray(next) ? next[0] : next) as Doc;
  }
  cur[parts[parts.length - 1]] = value;
}

// `t` is the date field sorts and ranges run on, shaped like createdAt/dueAt: mostly dates (with
// ties), sometimes missing, null, a number (its milliseconds too), an array of dates, a string, a bool.
// `cid` groups documents like citizenId, so that many groups hold dates only (the streamed sort) and
// others a stray value (its fallback).
const T_DATES = Array.from({ length: 40 }, (_, i) => new Date(DATE.getTime() - (i % 25) * 3_600_000 - (i > 30 ? 1 : 0)));
const T_BOUNDS = [...T_DATES.slice(0, 30), new Date(0), new Date(-1), new Date(8.64e15), DATE.getTime(), 0, 1.5, 'a', null];
function randomT(pure: boolean): unknown {
  const r = rand();
  // Half the groups hold dates, null and missing only: streamed to the end (null and missing sort last).
  if (pure) return r < 0.9 ? pick(T_DATES) : r < 0.95 ? null : undefined;
  if (r < 0.8) return pick(T_DATES);
  if (r < 0.84) return undefined;
  if (r < 0.87) return null;
  if (r < 0.9) return pick([DATE.getTime(), 1, 2.5, new Long(1), -1]);
  if (r < 0.93) return [pick(T_DATES), pick(T_DATES)];
  if (r < 0.95) return [];
  if (r < 0.97) return pick(['a', '2026-03-01', OID]);
  return pick([true, false, new Date(-86_400_000), new Date('9999-12-31T00:00:00Z')]);
}

function randomDoc(i: number): Doc {
  const doc: Doc = { _id: rand() < 0.8 ? `d${String(i).padStart(4, '0')}` : new ObjectId() };
  const cid = Math.floor(rand() * 12);
  doc.cid = `c${cid}`;
  const t = randomT(cid < 6);
  if (t !== undefined) doc.t = t;
  for (const f of FIELDS) if (rand() < 0.75) setPath(doc, f, randomValue());
  // Sometimes a whole path is something other than a document.
  if (rand() < 0.05) doc.n = pick(SCALARS);
  if (rand() < 0.05) doc.arr = [pick(SCALARS), { x: pick(SCALARS) }];
  return doc;
}

function randomCondition(): unknown {
  const r = rand();
  if (r < 0.45) return pick(SCALARS);
  if (r < 0.55) return { $eq: pick(SCALARS) };
  if (r < 0.7) return { $in: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(SCALARS)) };
  if (r < 0.75) return { $in: [pick(SCALARS), [pick(SCALARS)]] };
  if (r < 0.8) return { $ne: pick(SCALARS) };
  if (r < 0.85) return { $exists: rand() < 0.5 };
  if (r < 0.86) return { $gte: pick(SCALARS), $eq: pick(SCALARS) };
  // Date ranges (pushed down as numbers), bounds around the corpus's dates, and other bounds (not pushed down).
  if (r < 0.9) return { [pick(['$gt', '$gte', '$lt', '$lte'])]: pick([DATE, new Date(DATE.getTime() + 1), new Date(0), new Date(-1), new Date(8.64e15), pick(SCALARS)]) };
  if (r < 0.95) return [pick(SCALARS)];
  return { x: pick(SCALARS) };
}

/** A range on `t` (one or two bounds, dates mostly, and numbers and other types that bracket differently). */
function randomRange(): Doc {
  const ops = ['$gt', '$gte', '$lt', '$lte'];
  const range: Doc = { [pick(ops)]: pick(T_BOUNDS) };
  if (rand() < 0.5) range[pick(ops)] = pick(T_BOUNDS);
  return range;
}

/** An `$in` list of 101–400 values: picked ones among strings that match nothing (patch 0015's long lists). */
function longList(value: () => unknown): unknown[] {
  return Array.from({ length: 101 + Math.floor(rand() * 300) }, (_, i) => (rand() < 0.1 ? value() : `none-${i}`));
}

function randomFilter(ids: unknown[]): Doc {
  const filter: Doc = {};
  const keys = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < keys; k++) {
    const r = rand();
    // Patch 0015: lists above 100 values go to SQLite as one json_each parameter (`_id` and the other keys).
    if (r < 0.12) filter._id = rand() < 0.6 ? pick(ids) : rand() < 0.6 ? { $in: [pick(ids), pick(ids)] } : { $in: longList(() => pick(ids)) };
    else if (r < 0.14) filter[pick(FIELDS)] = { $in: longList(() => pick(SCALARS)) };
    else if (r < 0.22) filter.cid = rand() < 0.8 ? `c${Math.floor(rand() * 12)}` : { $in: ['c1', 'c2'] };
    else if (r < 0.35) filter.t = rand() < 0.8 ? randomRange() : randomCondition();
    else filter[pick(FIELDS)] = randomCondition();
  }
  if (rand() < 0.1) return { $and: [filter, { [pick(FIELDS)]: randomCondition() }] };
  // `$or` (pushed down by patch 0007 when every branch pushes something): like the console's category
  // filter and its cursor, beside the other keys or alone.
  if (rand() < 0.15) {
    const branch = (): Doc => (rand() < 0.3 ? { t: randomRange() } : { [pick(FIELDS)]: randomCondition(), ...(rand() < 0.3 ? { cid: `c${Math.floor(rand() * 12)}` } : {}) });
    const or = { $or: Array.from({ length: 2 + Math.floor(rand() * 2) }, branch) };
    return rand() < 0.5 ? { ...filter, ...or } : or;
  }
  return filter;
}

let patched: EmbeddedDatabase;
let upstream: EmbeddedDatabase;
let clients: mongoose.mongo.MongoClient[] = [];
const dirs: string[] = [];

test.before(async (t) => {
  if (!onFerret) return;
  t.log(`PUSHDOWN_SEED=${SEED} PUSHDOWN_SAMPLES=${SAMPLES}`);
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(path.join(os.tmpdir(), 'ssp-pushdown-')));
  [patched, upstream] = await Promise.all([startFerretDbBuild('patched', dirs[0]), startFerretDbBuild('upstream', dirs[1])]);
  clients = [new mongoose.mongo.MongoClient(patched.uri), new mongoose.mongo.MongoClient(upstream.uri)];
  await Promise.all(clients.map((c) => c.connect()));
});
test.after.always(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([patched?.stop(), upstream?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const colls = () => clients.map((c) => c.db('pushdown').collection<Doc>('corpus'));
const both = <T>(f: (c: mongoose.mongo.Collection<Doc>) => Promise<T>) => Promise.all(colls().map(f));
const ids = (docs: Doc[]) => docs.map((d) => String(d._id));
const readable = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));

const corpus: Doc[] = [];

maybe('seed the same corpus into both builds', async (t) => {
  for (let i = 0; i < Math.max(200, SAMPLES); i++) corpus.push(randomDoc(i));
  await both(async (c) => {
    // Indexes on every field the filters use, including a compound one, so the pushdown has something to use.
    for (const key of [{ a: 1 }, { b: 1, c: -1 }, { 'n.x': 1 }, { 'arr.x': 1 }, { 'deep.n.x': 1 }, { cid: 1, t: -1, _id: -1 }, { t: -1 }]) await c.createIndex(key as never);
    await c.insertMany(corpus.map((d) => ({ ...d })), { ordered: true });
  });
  const [p, u] = await both((c) => c.find({}).toArray());
  t.is(p.length, corpus.length);
  t.deepEqual(ids(p), ids(u));
});

maybe('find: the same documents in the same order for every filter', async (t) => {
  t.timeout(60_000 + SAMPLES * 500);
  const allIds = corpus.map((d) => d._id);
  let nonEmpty = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const filter = randomFilter(allIds);
    const [p, u] = await both((c) => c.find(filter).toArray().catch((err: Error) => `error: ${err.message}`));
    if (typeof p === 'string' || typeof u === 'string') {
      t.is(typeof p, typeof u, `only one build failed for ${readable(filter)}: ${p} / ${u}`);
      continue;
    }
    if (p.length) nonEmpty++;
    if (readable(ids(p)) !== readable(ids(u))) t.fail(`find(${readable(filter)}): patched ${readable(ids(p))}, upstream ${readable(ids(u))} (PUSHDOWN_SEED=${SEED})`);
  }
  t.log(`${SAMPLES} filters, ${nonEmpty} with results`);
  t.true(nonEmpty > SAMPLES / 10, 'the corpus should make many filters match something');
});

maybe('countDocuments and sorted, limited finds agree', async (t) => {
  t.timeout(60_000 + SAMPLES * 500);
  const allIds = corpus.map((d) => d._id);
  for (let i = 0; i < Math.ceil(SAMPLES / 4); i++) {
    const filter = randomFilter(allIds);
    const [pc, uc] = await both((c) => c.countDocuments(filter).catch((err: Error) => `error: ${err.message}`));
    t.is(pc, uc, `countDocuments(${readable(filter)})`);
    // Every sort ends with _id, a total order: upstream's sort is not stable (Go's sort.Sort), so on
    // ties its order depends on the order rows were read in, which the pushdown changes.
    const sort = pick([{ _id: -1 }, { a: 1, _id: 1 }, { b: 1, c: -1, _id: 1 }, { 'n.x': -1, _id: 1 }, { t: -1, _id: -1 }, { t: -1, _id: 1 }, { t: 1, _id: -1 }, { a: -1, _id: 1 }]);
    const [p, u] = await both((c) => c.find(filter).sort(sort as never).limit(5).toArray().catch((err: Error) => `error: ${err.message}`));
    t.deepEqual(typeof p === 'string' ? p : ids(p), typeof u === 'string' ? u : ids(u), `find(${readable(filter)}).sort(${readable(sort)}).limit(5)`);
  }
});

maybe('date sorts (descending ones streamed) give upstream order, with and without limits, over mixed types', async (t) => {
  t.timeout(60_000 + SAMPLES * 1500);
  const allIds = corpus.map((d) => d._id);
  let compared = 0;
  for (let i = 0; i < SAMPLES; i++) {
    // Mostly the shapes the app uses: a resident's list ({cid} by t desc), the console's newest page, ranges.
    const r = rand();
    const filter: Doc = r < 0.4 ? { cid: `c${Math.floor(rand() * 12)}` } : r < 0.55 ? {} : r < 0.75 ? { t: randomRange() } : randomFilter(allIds);
    const sort = pick([{ t: -1, _id: -1 }, { t: -1, _id: 1 }, { t: -1, a: 1, _id: 1 }, { t: 1, _id: 1 }]);
    const limit = pick([0, 1, 3, 5, 20, 50]);
    const skip = rand() < 0.2 ? pick([1, 7]) : 0;
    const [p, u] = await both((c) => c.find(filter).sort(sort as never).skip(skip).limit(limit).batchSize(pick([2, 101])).toArray().catch((err: Error) => `error: ${err.message}`));
    compared++;
    const show = (x: Doc[] | string) => (typeof x === 'string' ? x : readable(ids(x)));
    if (show(p) !== show(u)) t.fail(`find(${readable(filter)}).sort(${readable(sort)}).skip(${skip}).limit(${limit}): patched ${show(p)}, upstream ${show(u)} (PUSHDOWN_SEED=${SEED})`);
  }
  t.log(`${compared} sorted finds compared`);
  t.pass();
});

// Hand-picked cases where a sort read in the order of the SQL values would differ from MongoDB's
// order (why ascending sorts, dotted keys and a number among dates are not streamed): each must
// give upstream's order. A build that streamed ascending sorts fails the first two.
const SORT_CASES: { docs: Doc[]; sort: Doc }[] = [
  // An array sorts ascending by its smallest element; its SQL value is text, which comes last.
  { docs: [{ _id: 1, t: new Date(2000) }, { _id: 2, t: [new Date(1000), new Date(3000)] }, { _id: 3, t: new Date(3000) }], sort: { t: 1, _id: 1 } },
  // A number sorts before every date; its SQL value can be larger than theirs.
  { docs: [{ _id: 1, t: new Date(2000) }, { _id: 2, t: 5000 }, { _id: 3, t: new Date(3000) }], sort: { t: 1, _id: 1 } },
  // Descending: a number between dates sorts after all of them (the stream falls back there).
  { docs: [{ _id: 1, t: new Date(2000) }, { _id: 2, t: 2500 }, { _id: 3, t: new Date(3000) }, { _id: 4 }], sort: { t: -1, _id: 1 } },
  // Descending: an array sorts by its largest element, a boolean below dates, null and missing last.
  { docs: [{ _id: 1, t: new Date(2000) }, { _id: 2, t: [new Date(1000), new Date(2500)] }, { _id: 3, t: true }, { _id: 4, t: null }, { _id: 5, t: new Date(3000) }], sort: { t: -1, _id: 1 } },
  // A dotted key: an array on the way hides the value from SQL.
  { docs: [{ _id: 1, n: { t: new Date(2000) } }, { _id: 2, n: [{ t: new Date(3000) }] }], sort: { 'n.t': -1, _id: 1 } },
];

maybe('hand-picked sorts over mixed types give upstream order', async (t) => {
  for (const [i, { docs, sort }] of SORT_CASES.entries()) {
    const [p, u] = await both(async (c) => {
      const coll = c.db.collection<Doc>(`sortcase${i}`);
      await coll.createIndex({ t: -1 });
      await coll.createIndex({ 'n.t': -1 });
      await coll.insertMany(docs.map((d) => ({ ...d })));
      return Promise.all([coll.find({}).sort(sort as never).toArray(), coll.find({}).sort(sort as never).limit(2).toArray()]);
    });
    t.deepEqual(p.map(ids), u.map(ids), `case ${i}: sort(${readable(sort)})`);
  }
});

maybe('updateMany, updateOne and deleteMany change the same documents', async (t) => {
  t.timeout(60_000 + SAMPLES * 500);
  const allIds = corpus.map((d) => d._id);
  for (let i = 0; i < Math.ceil(SAMPLES / 8); i++) {
    const filter = randomFilter(allIds);
    const op = pick(['updateMany', 'updateOne', 'deleteMany'] as const);
    const [p, u] = await both(async (c) => {
      try {
        if (op === 'deleteMany') return (await c.deleteMany(filter)).deletedCount;
        const r = await c[op](filter, { $inc: { hits: 1 }, $set: { [`touched${i}`]: true } });
        return [r.matchedCount, r.modifiedCount];
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    });
    t.deepEqual(p, u, `${op}(${readable(filter)})`);
  }
  const [p, u] = await both((c) => c.find({}).toArray());
  t.is(readable(p), readable(u), 'both collections end up identical');
});

maybe('equality and range filters on indexed fields are answered from the index', async (t) => {
  // On a collection with the corpus's indexes and no rows: SQLite has no statistics for it and plans for a
  // large table. The corpus itself is 200 documents, and with statistics (patch 0007) SQLite rightly reads
  // such a table in full.
  const ranges = [{ t: { $gte: T_DATES[5], $lt: T_DATES[0] } }, { t: { $lt: DATE } }, { cid: 'c1', t: { $gt: T_DATES[20] } }, { cid: { $in: ['c1', 'c2'] }, t: { $lte: DATE } }];
  const filters = [{ a: 'a' }, { b: 'b', c: 'a' }, { 'n.x': OID }, { a: { $in: ['a', 'b'] } }, { _id: 'd0001', a: 'a' }, { a: null }, ...ranges];
  /** what is wrong with each filter's plan on a fresh collection of that name (nothing: []) */
  const problems = async (name: string) => {
    const c = clients[0].db('pushdown').collection<Doc>(name);
    for (const key of [{ a: 1 }, { b: 1, c: -1 }, { 'n.x': 1 }, { 'arr.x': 1 }, { 'deep.n.x': 1 }, { cid: 1, t: -1, _id: -1 }, { t: -1 }]) await c.createIndex(key as never);
    const found: string[] = [];
    for (const filter of filters) {
      const plan = (await c.find(filter as Doc).explain()) as { queryPlanner?: { Plan?: string[] }; filterPushdown?: boolean };
      const lines = plan.queryPlanner?.Plan ?? [];
      if (!plan.filterPushdown) found.push(`no pushdown for ${readable(filter)}`);
      if (!lines.some((l) => l.includes('USING INDEX'))) found.push(`${readable(filter)} uses no index: ${lines.join(' | ')}`);
      if (lines.some((l) => /detail=SCAN/.test(l))) found.push(`${readable(filter)} reads a table in full: ${lines.join(' | ')}`);
    }
    return found;
  };
  // In one whole-suite run at load 5–18 (2026-11-30), {b, c} was planned as a full scan right after its index was
  // made; not reproduced when the file ran alone (14 of 14, with the same seed), cause not found. A planner that is wrong every time still fails
  // here; one that was caught mid-way by something in the background gets a second, fresh collection, and the
  // first answer is kept in the log for whoever looks into it.
  let found = await problems('shape');
  if (found.length > 0) {
    t.log(`first try on a fresh collection: ${found.join(' ; ')}`);
    found = await problems('shape_again');
  }
  t.deepEqual(found, []);
});

maybe('planner statistics (patch 0007): a status list with a week of dates reads the week, newest first, on every pooled connection', async (t) => {
  t.timeout(120_000);
  const c = clients[0].db('pushdown').collection<Doc>('planner');
  // The report model's shapes: a status index (like {status, point.lat}) and a date index ({createdAt, status}).
  await c.createIndex({ s: 1, lat: 1 });
  await c.createIndex({ t: -1, s: 1 });
  const weekAgo = new Date(DATE.getTime() - 7 * 86_400_000);
  const filter = { $and: [{ s: { $in: ['s0', 's1', 's2', 's3'] } }, { t: { $gte: weekAgo } }] };
  const plan = async () => ((await c.find(filter).sort({ t: -1, _id: -1 }).limit(20).explain()) as { queryPlanner?: { Plan?: string[] } }).queryPlanner?.Plan ?? [];
  // Several pooled SQLite connections load the schema before any statistics exist.
  await Promise.all(Array.from({ length: 8 }, plan));
  // A year of documents, ten statuses: the four statuses match 4,000, the week ~190.
  const N = 10_000;
  const docs = Array.from({ length: N }, (_, i) => ({ _id: `p${String(i).padStart(5, '0')}`, s: `s${i % 10}`, lat: i % 97, t: new Date(DATE.getTime() - Math.floor((i / N) * 365 * 86_400_000)) }));
  for (let i = 0; i < N; i += 2_000) await c.insertMany(docs.slice(i, i + 2_000) as never[]);
  const good = (lines: string[]) => lines.some((l) => l.includes('_t_-1_s_1')) && !sortsAll(lines, /_t_-1_s_1/);
  let plans: string[][] = [];
  for (let tries = 0; tries < 60; tries++) {
    plans = await Promise.all(Array.from({ length: 8 }, plan));
    if (plans.every(good)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const lines of plans) t.true(good(lines), `walks the date index in order, no sort of the status matches: ${lines.join(' | ')}`);
  // And the answer is the newest 20 of the four statuses, as the filter says.
  const got = await c.find(filter).sort({ t: -1, _id: -1 }).limit(20).toArray();
  const want = docs.filter((d) => ['s0', 's1', 's2', 's3'].includes(d.s) && d.t >= weekAgo).sort((a, b) => b.t.getTime() - a.t.getTime() || (a._id < b._id ? 1 : -1)).slice(0, 20);
  t.deepEqual(ids(got), want.map((d) => d._id));
});

// ---- patch 0014: a streamed sort over an OR merges one SELECT per branch ----

/** `explain` plan lines as SQLite's EXPLAIN QUERY PLAN rows. */
const planRows = (lines: string[]) =>
  lines.map((l) => {
    const m = /id=(\d+) parent=(\d+) notused=\d+ detail=(.*)/.exec(l);
    return { id: Number(m?.[1]), parent: Number(m?.[2]), detail: m?.[3] ?? l };
  });

/**
 * Whether the rows read through an index matching `reads` are all sorted before the first comes out: a
 * `USE TEMP B-TREE FOR ORDER BY` (not `… FOR LAST n TERMS OF ORDER BY`, which sorts ties of the index's
 * order only) over the whole statement, or inside the arm of a compound SELECT that reads that index.
 */
function sortsAll(lines: string[], reads: RegExp): boolean {
  const rows = planRows(lines);
  return rows.some((r) => /TEMP B-TREE FOR ORDER BY/.test(r.detail) && rows.some((x) => (r.parent === 0 || x.parent === r.parent) && reads.test(x.detail)));
}

maybe('a resident\'s newest page (patch 0014): the equality walks the compound index in order, the array branch apart, however many the resident has', async (t) => {
  t.timeout(120_000);
  // 我的诉求's shape: {citizenId, createdAt: -1, _id: -1}; one heavy resident with 3,000 documents among 600 light ones.
  const c = clients[0].db('pushdown').collection<Doc>('mine');
  await c.createIndex({ cid: 1, t: -1, _id: -1 });
  const docs = Array.from({ length: 6000 }, (_, i) => ({ _id: `m${String(i).padStart(5, '0')}`, cid: i % 2 ? 'heavy' : `r${i % 600}`, t: new Date(DATE.getTime() - Math.floor(i / 3) * 60_000) }));
  await c.insertMany(docs as never[]);
  const filter = { cid: 'heavy' };
  const plan = async () => ((await c.find(filter).sort({ t: -1, _id: -1 }).limit(20).explain()) as { queryPlanner?: { Plan?: string[] } }).queryPlanner?.Plan ?? [];
  // Let the statistics (every second in this file) say that `heavy` holds half the collection.
  await new Promise((r) => setTimeout(r, 3000));
  const lines = await plan();
  t.true(lines.some((l) => /_cid_1_t_-1__id_-1 \(<expr>=\?\)/.test(l)), `reads the compound index by the equality: ${lines.join(' | ')}`);
  t.false(sortsAll(lines, /_cid_1_t_-1__id_-1 \(<expr>=\?\)/), `the equality's rows are not all sorted first: ${lines.join(' | ')}`);
  const want = docs.filter((d) => d.cid === 'heavy').sort((a, b) => b.t.getTime() - a.t.getTime() || (a._id < b._id ? 1 : -1));
  t.deepEqual(ids(await c.find(filter).sort({ t: -1, _id: -1 }).limit(20).toArray()), want.slice(0, 20).map((d) => d._id));
  // The next page (the cursor of listByCitizen) too.
  const last = want[19];
  const next: Doc = { cid: 'heavy', $or: [{ t: { $lt: last.t } }, { t: last.t, _id: { $lt: last._id } }] };
  t.deepEqual(ids(await c.find(next).sort({ t: -1, _id: -1 }).limit(20).toArray()), want.slice(20, 40).map((d) => d._id));
});

maybe('a value that both an equality and its array branch hold comes back once, in upstream order (patch 0014)', async (t) => {
  // `'[x]'` is a string whose SQL value also lies in the array range ('[' to '\\'): both arms of the merge read
  // the document, and UNION must keep it once.
  const docs: Doc[] = [
    { _id: 1, a: '[x]', t: new Date(3000) },
    { _id: 2, a: ['[x]', 'y'], t: new Date(2000) },
    { _id: 3, a: '[x]', t: new Date(2000) },
    { _id: 4, a: 'b', t: new Date(4000) },
    { _id: 5, a: ['[x]'], t: null },
    { _id: 6, a: '[x]' },
  ];
  const [p, u] = await both(async (c) => {
    const coll = c.db.collection<Doc>('unioncase');
    await coll.createIndex({ a: 1, t: -1 });
    await coll.createIndex({ t: -1 });
    await coll.insertMany(docs.map((d) => ({ ...d })));
    return Promise.all([
      coll.find({ a: '[x]' }).sort({ t: -1, _id: 1 }).toArray(),
      coll.find({ a: '[x]' }).sort({ t: -1, _id: 1 }).limit(2).toArray(),
      coll.find({ a: { $in: ['[x]', 'b'] }, t: { $gte: new Date(0) } }).sort({ t: -1, _id: -1 }).toArray(),
    ]);
  });
  t.deepEqual(p.map(ids), u.map(ids));
  t.deepEqual(ids(p[0]), ['1', '2', '3', '5', '6']);
});

// ---- patch 0012: an `_id` equality is the whole SQL clause ----

maybe('a filter with an `_id` equality reads that document through the `_id` index alone, whatever the statistics say of its other keys', async (t) => {
  t.timeout(120_000);
  // The delivery outbox's shape: a compare-and-set `{_id, state: 'pending'}` while every document is pending.
  const c = clients[0].db('pushdown').collection<Doc>('idcas');
  await c.createIndex({ s: 1, t: 1 });
  const N = 3000;
  for (let i = 0; i < N; i += 1000) await c.insertMany(Array.from({ length: 1000 }, (_, j) => ({ _id: `i${String(i + j).padStart(5, '0')}`, s: 'pending', t: new Date(DATE.getTime() + i + j) })) as never[]);
  const plan = async (filter: Doc) => ((await c.find(filter).explain()) as { queryPlanner?: { Plan?: string[] } }).queryPlanner?.Plan ?? [];
  // Statistics (patch 0007, every second in this file): give them a few seconds to say `s` is one value for every row.
  for (let tries = 0; tries < 12; tries++) {
    if ((await plan({ s: 'pending', t: { $lte: DATE } })).some((l) => /detail=SCAN/.test(l))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const filter of [{ _id: 'i01234', s: 'pending' }, { _id: { $in: ['i00001', 'i02999'] }, s: 'pending', t: { $lte: new Date(DATE.getTime() + 5000) } }, { $and: [{ s: 'pending' }, { _id: 'i00007' }] }]) {
    const lines = await plan(filter);
    const reads = lines.filter((l) => /detail=(SEARCH|SCAN)/.test(l));
    t.is(reads.length, 1, `${readable(filter)} reads one way: ${lines.join(' | ')}`);
    t.regex(reads[0] ?? '', /USING INDEX idcas_[0-9a-f]+__id_ /, `${readable(filter)} through the _id index: ${lines.join(' | ')}`);
  }
  // The handler still applies the rest of the filter.
  t.deepEqual(ids(await c.find({ _id: 'i01234', s: 'done' } as Doc).toArray()), []);
  t.deepEqual(ids(await c.find({ _id: { $in: ['i00001', 'i02999'] }, t: { $lte: new Date(DATE.getTime() + 5) } } as Doc).toArray()), ['i00001']);
});

// ---- patch 0015: an `$in` of any length is pushed down ----

maybe('an `_id` $in of 300 values reads through the `_id` index, and a long list on another indexed key through its index', async (t) => {
  t.timeout(120_000);
  // Before 0015, a list above 100 values was not pushed down at all: the whole table was read and decoded
  // (7.8 s for 200 ids at 100,000 reports). The `idcas` collection of the test above: 3,000 documents.
  const c = clients[0].db('pushdown').collection<Doc>('idcas');
  const plan = async (filter: Doc) => ((await c.find(filter).explain()) as { queryPlanner?: { Plan?: string[] } }).queryPlanner?.Plan ?? [];
  const wanted = Array.from({ length: 300 }, (_, i) => `i${String((i * 37) % 3000).padStart(5, '0')}`);
  const asked = [...wanted, 'missing-1', 'i99999'];
  // json_each is a table-valued function: SQLite lists it as `SCAN json_each VIRTUAL TABLE`, not a read of the table.
  const tableScans = (lines: string[]) => lines.filter((l) => /detail=SCAN/.test(l) && !/VIRTUAL TABLE/.test(l));
  // A long list on a non-unique index: on the corpus's index shapes without statistics (the `shape` collection above).
  const shape = clients[0].db('pushdown').collection<Doc>('shape');
  const shapePlan = async (filter: Doc) => ((await shape.find(filter).explain()) as { queryPlanner?: { Plan?: string[] } }).queryPlanner?.Plan ?? [];
  for (const [filter, explain] of [
    [{ _id: { $in: asked } }, plan],
    [{ _id: { $in: asked }, s: 'pending' }, plan],
    [{ a: { $in: Array.from({ length: 150 }, (_, i) => `a-${i}`) } }, shapePlan],
  ] as const) {
    const lines = await explain(filter);
    t.deepEqual(tableScans(lines), [], `${readable(filter).slice(0, 80)}… reads no table in full: ${lines.join(' | ')}`);
    t.true(
      lines.some((l) => /USING (COVERING )?INDEX (idcas|shape)_/.test(l)),
      `${readable(filter).slice(0, 80)}… uses an index: ${lines.join(' | ')}`,
    );
  }
  // The documents asked for, each once, in the order upstream returns them (rowid: insertion order).
  const got = ids(await c.find({ _id: { $in: asked } } as Doc).toArray());
  t.deepEqual(got, [...new Set(wanted)].sort());
  t.deepEqual(ids(await c.find({ _id: { $in: asked }, t: { $lt: new Date(DATE.getTime() + 300) } } as Doc).toArray()), [...new Set(wanted)].filter((id) => Number(id.slice(1)) < 300).sort());
  t.is(await c.countDocuments({ s: { $in: ['pending', ...Array.from({ length: 150 }, (_, i) => `state-${i}`)] } }), 3000);
  // Strings that a JSON parameter would not carry unchanged (a NUL) keep the list out of SQL: still exact.
  await c.insertOne({ _id: 'nul\u0000id', s: 'pending', t: DATE } as never);
  t.deepEqual(ids(await c.find({ _id: { $in: ['nul\u0000id', ...wanted.slice(0, 120)] } } as Doc).toArray()).filter((id) => id.startsWith('nul')), ['nul\u0000id']);
  await c.deleteOne({ _id: 'nul\u0000id' } as never);
});

// ---- patch 0010: the one-pass sjson decoder ----
// Every document FerretDB returns is decoded from its stored text; 0010 decodes it in one pass and falls
// back to upstream's decoder for anything it does not handle. Here whole documents (values, BSON types,
// key order) and projections of them must come back from the patched build exactly as from upstream.

const { Int32, Binary, BSONRegExp, Timestamp, EJSON } = mongoose.mongo.BSON;
/** Canonical Extended JSON keeps what a plain comparison would lose: Int32 vs Long vs Double, -0, key order. */
const exact = (v: unknown) => EJSON.stringify(v as never, { relaxed: false });
const DECODE_SCALARS: unknown[] = [
  ...SCALARS,
  new Int32(2147483647), new Int32(-2147483648), new Long('9007199254740993'), new Long('-9223372036854775808'),
  new Double(1e300), new Double(-1.5e-300), new Double(0.1), new Double(-0), new Double(123456789.125), new Double(5e-324),
  'tab\there', 'nul\u0000byte', 'ctrl\u001f', 'slash/', 'uni\u00e9\u4e2d', '\ud83d\ude00pair', 'x'.repeat(300),
  new Date(1), new Date(-62135596800000),
  // Types 0010 hands back to upstream's decoder: they must still come back the same.
  new Binary(Buffer.from([0, 1, 2, 255]), 0), new Binary(Buffer.from('abc'), 4), new BSONRegExp('^a.c$', 'i'), new Timestamp({ t: 5, i: 7 }),
];
const DECODE_KEYS = ['a', 'b', 'n', 'arr', 'k<&>', 'q"k', 'b\\s', '中文键', 'e😀', 'z'] as const;

function decodeValue(depth = 0, inArray = false): unknown {
  const r = rand();
  if (depth < 3 && !inArray && r < 0.15) return Array.from({ length: Math.floor(rand() * 4) }, () => decodeValue(depth + 1, true));
  if (depth < 3 && r < 0.3) {
    const doc: Doc = {};
    for (const k of DECODE_KEYS) if (rand() < 0.3) doc[k] = decodeValue(depth + 1);
    return doc;
  }
  return pick(DECODE_SCALARS);
}

const DECODE_PROJECTIONS: Doc[] = [
  { a: 1 }, { a: 1, _id: 0 }, { _id: 0 }, { a: 0 }, { a: 0, n: 0 }, { 'n.a': 1 }, { 'n.a': 1, 'arr.b': 1 }, { 'arr.a': 1, _id: 0 },
  { missing: 1 }, { 'missing.x': 1, a: 1 }, { 'n.n.a': 1 }, { 'k<&>': 1, '中文键': 1 }, { 'arr.n': 0 }, { _id: 1 },
];

maybe('decoding (patch 0010): whole documents and projections come back exactly as from upstream', async (t) => {
  t.timeout(120_000);
  const docs: Doc[] = [];
  for (let i = 0; i < Math.max(300, SAMPLES); i++) {
    const doc: Doc = { _id: rand() < 0.7 ? `x${i}` : rand() < 0.5 ? new ObjectId() : new Int32(i) };
    // Key order varies from document to document (the stored order must be kept).
    // (FerretDB v1 refuses top-level keys with `"` or `\` — both builds: SQLite's JSON path is malformed.)
    for (const k of DECODE_KEYS.filter((k) => !/["\\]/.test(k)).sort(() => rand() - 0.5)) if (rand() < 0.6) doc[k] = decodeValue();
    if (i % 50 === 0) doc.empty = {};
    if (i % 50 === 1) doc.emptyArr = [];
    docs.push(doc);
  }
  const cs = clients.map((c) => c.db('pushdown').collection<Doc>('decode'));
  await Promise.all(cs.map((c) => c.insertMany(docs.map((d) => ({ ...d })) as never[], { ordered: true })));
  const read = (f: (c: mongoose.mongo.Collection<Doc>) => Promise<unknown>) => Promise.all(cs.map((c) => f(c).then(exact, (err: Error) => `error: ${err.message}`)));
  const [p, u] = await read((c) => c.find({}, { promoteValues: false }).toArray());
  t.is(p, u, 'find({}) returns the same documents');
  // Every document came back (so the comparison above compares something).
  t.is((JSON.parse(p) as unknown[]).length, docs.length);
  for (const projection of DECODE_PROJECTIONS) {
    const [pp, up] = await read((c) => c.find({}, { projection, promoteValues: false }).toArray());
    t.is(pp, up, `find({}, {projection: ${readable(projection)}})`);
  }
  // Projections with filters and sorts on other fields, and findOne by _id.
  for (let i = 0; i < 40; i++) {
    const projection = pick(DECODE_PROJECTIONS);
    const filter = pick([{ a: pick(DECODE_SCALARS) }, { 'n.a': { $exists: true } }, { b: { $type: 'string' } }, { _id: pick(docs)._id }]);
    const [pp, up] = await read((c) => c.find(filter as never, { projection, promoteValues: false }).sort({ _id: 1 }).toArray());
    t.is(pp, up, `find(${readable(filter)}, {projection: ${readable(projection)}})`);
  }
});

maybe('string order and equality through indexes (patch 0016, vectorised memcmp): as upstream, and as the strings\' UTF-8 bytes', async (t) => {
  t.timeout(120_000);
  // Long shared prefixes that differ at every kind of position (first byte, inside and at the ends of 8-, 16- and
  // 32-byte words, the last byte), by ASCII and by bytes ≥ 0x80 (UTF-8 of 中文 and emoji, which a signed compare
  // would put first), and prefixes of one another; all of the same length now and then, so only the bytes decide.
  const alphabet = ['a', 'b', 'z', 'A', '~', ' ', '0', 'é', '中', '文', '😀', '\u007f', '\u0080'];
  const values = new Set<string>();
  for (let i = 0; values.size < 400; i++) {
    const prefix = 'p'.repeat(pick([0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 200]));
    const tail = Array.from({ length: Math.floor(rand() * 4) }, () => pick(alphabet)).join('');
    values.add(prefix + tail);
    if (i % 7 === 0) values.add(prefix + tail + 'x'.repeat(Math.floor(rand() * 40)));
  }
  const strings = [...values];
  const cs = clients.map((c) => c.db('pushdown').collection<Doc>('bytes'));
  await Promise.all(cs.map(async (c) => {
    await c.createIndex({ s: 1 });
    // Equal-length documents whose stored JSON differs only near the end: an index expression taking another
    // row's cached parse would index the wrong value.
    await c.insertMany(strings.map((s, i) => ({ _id: `b${String(i).padStart(4, '0')}`, pad: 'q'.repeat(1000), s })) as never[], { ordered: true });
  }));
  const byBytes = [...strings].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  // A range on the indexed field, sorted by it: SQLite walks the index, whose order is memcmp's.
  const [p, u] = await Promise.all(cs.map((c) => c.find({ s: { $gte: '' } }, { projection: { s: 1, _id: 0 } }).sort({ s: 1 }).toArray()));
  t.deepEqual(p.map((d) => d.s), u.map((d) => d.s), 'the same order as upstream');
  t.deepEqual(p.map((d) => d.s), byBytes, 'the UTF-8 byte order');
  for (const s of strings.filter(() => rand() < 0.12)) {
    const [pe, ue] = await Promise.all(cs.map((c) => c.find({ s }, { projection: { _id: 1 } }).toArray()));
    t.deepEqual(ids(pe), ids(ue), `s = ${JSON.stringify(s)}`);
    t.is(pe.length, 1, `exactly one document has s = ${JSON.stringify(s)}`);
    const [pg, ug] = await Promise.all(cs.map((c) => c.countDocuments({ s: { $gt: s } })));
    t.is(pg, ug, `s > ${JSON.stringify(s)}`);
    t.is(pg, byBytes.length - 1 - byBytes.indexOf(s), `s > ${JSON.stringify(s)} by bytes`);
  }
});
