/**
 * npm run bench:data — the report queries at scale, on the embedded database.
 *
 * Seeds realistic report documents (the shape of reports/reportModel.ts, its
 * indexes, ~25,000 reports a day over as many days as the size needs, many
 * residents with a few heavy ones, most old tickets closed, a few deliveries
 * and effects pending) in bulk, and at each size prints p50/p99 of:
 *   - 我的诉求: a resident's newest 20 (reportRepository listMine);
 *   - the console's newest 20 (诉求检索 without filters);
 *   - a report by ticketNo, and an update by ticketNo;
 *   - the dispatcher's scan (dueDeliveries), the effects worker's scan
 *     (idsWithPendingEffects), the deadline monitor's two scans (overdue,
 *     idsResolvedBefore), insight's catch-up (changedSince) and the
 *     similar-ticket query (recentInBox).
 * Env: BENCH_SIZES (100000,1000000) BENCH_RUNS (200 per query) BENCH_BATCH (5000
 * documents per insertMany) MONGODB_URI (else the embedded FerretDB, patched
 * build; BENCH_FERRETDB=upstream for FerretDB as released).
 * BENCH_DATA_DIR keeps the embedded database's files there (else a temporary
 * directory, removed at the end); each size is its own collection there, and
 * with BENCH_REUSE=1 a size already seeded in that directory is measured again
 * without seeding it again (1,000,000 reports take minutes to seed).
 * Seeding is bulk: insertMany of BENCH_BATCH documents, BENCH_CONCURRENCY (3) at a time.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { OPEN_STATUSES, type ReportStatus } from '@ssp/shared';
import { startFerretDbBuild } from '../src/db/embeddedDatabase';
import { declaredIndexes, EFFECTS_PENDING, UNDATED_PENDING, undelivered } from '../src/reports/reportRepository';

const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const PER_DAY = 25_000;
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const REUSE = process.env.BENCH_REUSE === '1';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 3);
const ONLY = process.env.BENCH_ONLY?.split(',');
const SLOWEST = Number(process.env.BENCH_SLOWEST ?? 0);

const { ObjectId } = mongoose.mongo;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

// Deterministic, so two runs seed the same data (and a reused data directory can be re-derived);
// the queries draw from their own sequence.
const lcg = (s: number) => () => {
  s = (s * 1103515245 + 12345) & 0x7fffffff;
  return s / 0x80000000;
};
let rand = lcg(42);
const qrand = lcg(7);

let NOW = Date.now();
const DAY = 24 * 3600_000;
const CATEGORIES = [
  { code: '0101', name: '道路破损', parentCode: '01', parentName: '市政设施' },
  { code: '0102', name: '路灯故障', parentCode: '01', parentName: '市政设施' },
  { code: '0201', name: '噪声扰民', parentCode: '02', parentName: '环境保护' },
  { code: '0301', name: '占道经营', parentCode: '03', parentName: '市容环卫' },
];
const DISTRICTS = [
  { code: '310101', name: '黄浦区' },
  { code: '310104', name: '徐汇区' },
  { code: '310115', name: '浦东新区' },
];

function statusFor(ageDays: number): ReportStatus {
  const r = rand();
  // Open tickets are the recent ones: handling takes days, not weeks.
  if (ageDays < 0.05) return r < 0.7 ? 'submitted' : 'accepted';
  if (ageDays < 2) return r < 0.4 ? 'dispatched' : r < 0.8 ? 'in_progress' : 'resolved';
  if (ageDays < 7) return r < 0.1 ? 'in_progress' : r < 0.15 ? 'returned' : r < 0.5 ? 'resolved' : 'closed';
  return r < 0.9 ? 'closed' : r < 0.97 ? 'rejected' : 'withdrawn';
}

function shanghaiDay(t: number) {
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

interface Seeded {
  citizens: InstanceType<typeof ObjectId>[];
  ticketNos: string[];
}

function makeReport(i: number, total: number, state: Seeded, seqByDay: Map<string, number>) {
  const days = Math.max(4, total / PER_DAY);
  // Newest first: report i of `total` is i/total of the period ago. So the first
  // 100,000 are the last four days (with every open ticket, pending delivery and
  // effect), and growing to 1,000,000 adds history, as a real collection grows.
  const createdAt = new Date(NOW - (i / total) * days * DAY);
  const ageDays = (NOW - createdAt.getTime()) / DAY;
  const day = shanghaiDay(createdAt.getTime());
  const seq = (seqByDay.get(day) ?? 0) + 1;
  seqByDay.set(day, seq);
  const ticketNo = `SH${day}-${String(seq).padStart(6, '0')}`;
  // Many residents (one per 5 reports), a heavy 1% filing a fifth of everything.
  const pool = state.citizens;
  // Deterministic ids, so a reused directory's residents can be re-derived (a random ObjectId here made
  // every reused 我的诉求 query ask for a resident with no reports).
  if (pool.length < Math.max(1000, i / 5)) pool.push(new ObjectId(pool.length.toString(16).padStart(24, '0')));
  const citizenId = rand() < 0.2 ? pool[Math.floor(rand() * Math.max(1, pool.length / 100))] : pool[Math.floor(rand() * pool.length)];
  const status = statusFor(ageDays);
  const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
  const point = { lat: 31.1 + rand() * 0.3, lng: 121.3 + rand() * 0.4 };
  const secs = Math.floor(createdAt.getTime() / 1000);
  const _id = secs.toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0');
  const delivered = ageDays > 0.0005; // the last ~40 s: a few dozen pending deliveries
  if (state.ticketNos.length < 100_000 || rand() < 0.05) state.ticketNos.push(ticketNo);
  return {
    _id,
    ticketNo,
    citizenId,
    idempotencyKey: `k-${i}`,
    requestHash: 'h'.repeat(64),
    kind: rand() < 0.7 ? 'complaint' : 'snap',
    status,
    description: `第${i}号诉求：${category.name}，位置在某路某号附近，已经持续多日，请尽快处理。`,
    citizenCategory: null,
    category,
    classification: { model: 'v3', taxonomy: 't1', top3: [{ code: category.code, score: 0.8 }] },
    triage: { state: 'auto', reason: null, resolvedAt: null, resolvedBy: null },
    urgent: false,
    urgentReasons: [],
    location: { lat: point.lat, lng: point.lng, coordSystem: 'gcj02', accuracy: 20, address: '上海市某区某路' },
    point,
    district: DISTRICTS[Math.floor(rand() * DISTRICTS.length)],
    needsManualRouting: false,
    mediaIds: [],
    contactPhone: null,
    anonymous: false,
    timeline: [
      { at: createdAt, status: 'submitted', actor: 'citizen', message: '诉求已提交' },
      ...(status === 'submitted' ? [] : [{ at: new Date(createdAt.getTime() + 60_000), status: 'accepted', actor: 'system', message: '已受理' }]),
    ],
    delivery: {
      state: delivered ? 'delivered' : 'pending',
      attempts: delivered ? 1 : 0,
      nextAttemptAt: createdAt,
      lastError: null,
      deliveredAt: delivered ? new Date(createdAt.getTime() + 1000) : null,
      externalId: delivered ? `ext-${i}` : null,
      connector: 'local',
    },
    department: '市政管理处',
    dueAt: new Date(createdAt.getTime() + 5 * DAY),
    resolvedAt: ['resolved', 'closed'].includes(status) ? new Date(createdAt.getTime() + DAY) : null,
    // The deadline monitor escalated the open tickets already past due (all but the last ~10 minutes').
    overdueAt: ['dispatched', 'in_progress', 'returned'].includes(status) && createdAt.getTime() + 5 * DAY < NOW - 600_000 ? new Date(createdAt.getTime() + 5 * DAY + 60_000) : null,
    pipelineSeq: 1,
    rating: null,
    lastUrgedAt: null,
    effects: [],
    ...(ageDays < 0.0002 ? { effectsPending: createdAt } : {}),
    supporters: 0,
    mergedInto: null,
    createdAt,
    updatedAt: createdAt,
    __v: 0,
  };
}

// reports/reportModel.ts's indexes, with their options (unique ones), so the bench seeds exactly the indexes the
// application creates (it writes with the driver, not through the repository).
const { reports: INDEXES, deliveries: OUTBOX_INDEXES } = declaredIndexes();

/**
 * The report's document in the delivery outbox (`deliveries`, one per report, as reportRepository.insert
 * writes it): the dispatcher scans this collection, not the reports. Derived from the seeded report's
 * legacy `delivery` field, so the same reports are pending in both layouts.
 */
function outboxOf(r: ReturnType<typeof makeReport>) {
  const d = r.delivery;
  return { _id: r._id, state: d.state, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastError: null, deliveredAt: d.deliveredAt, externalId: d.externalId, connector: d.connector, createdAt: r.createdAt, ...(d.state === 'pending' ? { due: d.nextAttemptAt } : {}) };
}

interface Timed {
  p50: number;
  p99: number;
  rows: number;
  /** each run's time, its position in the sequence and what it asked (set by the query through `note`) */
  runs: { ms: number; i: number; note: string }[];
}

async function time(runs: number, f: (i: number, note: (s: string) => void) => Promise<unknown>): Promise<Timed> {
  const xs: Timed['runs'] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    let note = '';
    const t0 = performance.now();
    const r = await f(i, (s) => (note = s));
    xs.push({ ms: performance.now() - t0, i, note });
    if (Array.isArray(r)) rows += r.length;
  }
  const ms = xs.map((x) => x.ms);
  return { p50: pct(ms, 50), p99: pct(ms, 99), rows: Math.round(rows / runs), runs: xs };
}

/** What the bench writes and updates; the rest of a report is free-form here. */
interface BenchReport {
  _id: string;
  ticketNo?: string;
  lastUrgedAt?: Date;
  timeline?: { at: Date; status: string; actor: string; message: string }[];
}

const dataDir = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-data-'));
mkdirSync(dataDir, { recursive: true });
let uri = process.env.MONGODB_URI;
let stop = async () => {};
if (!uri) {
  const db = await startFerretDbBuild(process.env.BENCH_FERRETDB === 'upstream' ? 'upstream' : 'patched', path.join(dataDir, 'ferretdb'));
  uri = db.uri;
  stop = db.stop;
}
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const client = new mongoose.mongo.MongoClient(uri);
await client.connect();
const database = client.db(process.env.BENCH_DATA_DIR ? 'bench_data' : `bench_data_${Date.now()}`);
// What each size's collection was seeded with: the clock it was seeded at (the seed depends on it).
const meta = database.collection<{ _id: string; now: number }>('bench_meta');

console.log(`bench:data on ${process.env.MONGODB_URI ? 'MONGODB_URI' : `embedded FerretDB (${process.env.BENCH_FERRETDB === 'upstream' ? 'upstream v1.24.2' : 'patched'})`}, ${RUNS} runs per query, data in ${dataDir}`);
for (const size of [...SIZES].sort((a, b) => a - b)) {
  // One collection per size, seeded as its own collection of that size (newest first over
  // max(4, size / 25,000) days), so a size can be measured again from a kept directory.
  const coll = database.collection<BenchReport>(`reports_${size}`);
  const outbox = database.collection<{ _id: string }>(`deliveries_${size}`);
  const state: Seeded = { citizens: [], ticketNos: [] };
  const seqByDay = new Map<string, number>();
  rand = lcg(42);
  const previous = REUSE ? await meta.findOne({ _id: `seed-${size}` }) : null;
  if (previous && (await coll.estimatedDocumentCount()) === size) {
    NOW = previous.now;
    // Re-derive what the reports are (who filed them, their ticket numbers) without writing them; a
    // directory seeded before the delivery outbox existed gets its `deliveries` collection now.
    const outboxMissing = (await outbox.estimatedDocumentCount()) !== size;
    if (outboxMissing) await outbox.drop().catch(() => {});
    // Every index the model has now (one added since the directory was seeded is built here).
    for (const [key, options] of OUTBOX_INDEXES) await outbox.createIndex(key, { unique: Boolean(options.unique) });
    let batch: ReturnType<typeof outboxOf>[] = [];
    for (let i = 0; i < size; i++) {
      const r = makeReport(i, size, state, seqByDay);
      if (!outboxMissing) continue;
      batch.push(outboxOf(r));
      if (batch.length === BATCH || i === size - 1) {
        await outbox.insertMany(batch as never[], { ordered: false });
        batch = [];
      }
    }
    // Outbox seeded before `due`: date its pending deliveries, as the dispatcher's sweep does.
    for (const d of await outbox.find({ state: 'pending', due: null } as never).toArray()) {
      await outbox.updateOne({ _id: d._id, due: null } as never, { $set: { due: (d as unknown as { nextAttemptAt: Date }).nextAttemptAt } } as never);
    }
    // Seeded before the effects flag became a date: date the `true` flags once, as the server's migration does.
    const flagsDated = (await coll.updateMany({ effectsPending: true } as never, { $set: { effectsPending: new Date(NOW) } } as never)).modifiedCount;
    if (flagsDated) console.log(`  (${flagsDated} effectsPending flags dated, as reportRepository.datePendingEffectsOnce does)`);
    console.log(`\n== ${size.toLocaleString('en')} reports (reused from ${dataDir}${outboxMissing ? '; delivery outbox seeded now' : ''}; load average ${load()})`);
  } else {
    NOW = Date.now();
    await coll.drop().catch(() => {});
    await outbox.drop().catch(() => {});
    await meta.replaceOne({ _id: `seed-${size}` }, { now: NOW }, { upsert: true });
    // Bulk load: the indexes first (measured here: building them afterwards took longer than
    // maintaining them during the load), then insertMany of BENCH_BATCH documents, a few in flight
    // so that this process builds the next batch while the database decodes and writes the last.
    for (const [key, options] of INDEXES) await coll.createIndex(key, { unique: Boolean(options.unique) });
    for (const [key, options] of OUTBOX_INDEXES) await outbox.createIndex(key, { unique: Boolean(options.unique) });
    const t0 = performance.now();
    const inFlight = new Set<Promise<unknown>>();
    for (let seeded = 0; seeded < size; ) {
      const n = Math.min(BATCH, size - seeded);
      const docs = Array.from({ length: n }, (_, k) => makeReport(seeded + k, size, state, seqByDay));
      const p = Promise.all([coll.insertMany(docs as never[], { ordered: false }), outbox.insertMany(docs.map(outboxOf) as never[], { ordered: false })]).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
      seeded += n;
      if (seeded % 100_000 === 0) console.log(`  seeded ${seeded} (${Math.round(seeded / ((performance.now() - t0) / 1000))}/s, load ${load()})`);
    }
    await Promise.all(inFlight);
    const took = (performance.now() - t0) / 1000;
    console.log(`\n== ${size.toLocaleString('en')} reports (seeded in ${took.toFixed(0)} s: ${Math.round(size / took)} reports/s; load average ${load()})`);
  }
  const now = NOW;
  const someCitizen = () => state.citizens[Math.floor(qrand() * Math.min(state.citizens.length, size / 5))];
  const someTicket = () => state.ticketNos[Math.floor(qrand() * state.ticketNos.length)];
  if (!(await coll.findOne({ citizenId: state.citizens[0] }))) {
    // Seeded before the ids were deterministic: take 1,000 residents from the reports themselves
    // (drawn through random reports, so frequent filers come up as often as they file).
    const ids: InstanceType<typeof ObjectId>[] = [];
    for (let k = 0; k < 1000; k++) {
      const d = await coll.findOne({ ticketNo: someTicket() }, { projection: { citizenId: 1 } });
      if (d) ids.push((d as unknown as { citizenId: InstanceType<typeof ObjectId> }).citizenId);
    }
    state.citizens = ids;
    console.log(`  (residents re-read from ${ids.length} reports: this directory was seeded with random ids)`);
  }
  // Each figure is printed as soon as it is measured (the unpatched build takes minutes per query at 100,000).
  // BENCH_ONLY (comma-separated parts of names) measures only those queries (the others' draws are skipped, so
  // the residents and tickets asked differ from a full run). BENCH_SLOWEST=n prints each query's n slowest runs
  // and three around the median, with what they asked (`describe` looks that up after the timing).
  const row = async (name: string, runs: number, f: (i: number, note: (s: string) => void) => Promise<unknown>, describe?: (note: string) => Promise<string>) => {
    if (ONLY && !ONLY.some((o) => name.includes(o))) return;
    const r = await time(runs, f);
    console.log(`  ${name.padEnd(50)} p50 ${r.p50.toFixed(1).padStart(8)} ms   p99 ${r.p99.toFixed(1).padStart(8)} ms   (${r.rows} rows; load ${load()})`);
    if (!SLOWEST) return;
    const byTime = [...r.runs].sort((a, b) => b.ms - a.ms);
    const mid = Math.floor(byTime.length / 2);
    const shown = [...byTime.slice(0, SLOWEST).map((x) => ['slow', x] as const), ...byTime.slice(mid - 1, mid + 2).map((x) => ['median', x] as const)];
    for (const [what, x] of shown) console.log(`      ${what.padEnd(6)} run ${String(x.i).padStart(3)} ${x.ms.toFixed(1).padStart(7)} ms  ${x.note} ${describe && x.note ? await describe(x.note) : ''}`);
  };
  // For the slowest runs: how many reports the resident owns (the seed has a few heavy residents).
  const ownerOf = async (hex: string) => {
    const owned = await coll.countDocuments({ citizenId: new ObjectId(hex) } as never);
    const rank = state.citizens.findIndex((c) => c.toHexString() === hex);
    return `owns ${owned} (resident #${rank}${rank < state.citizens.length / 100 ? ', heavy' : ''})`;
  };
  const ticketInfo = async (ticketNo: string) => {
    const d = (await coll.findOne({ ticketNo }, { projection: { status: 1, createdAt: 1, timeline: 1 } })) as unknown as { status: string; createdAt: Date; timeline: unknown[] } | null;
    return d ? `${d.status}, ${((now - d.createdAt.getTime()) / DAY).toFixed(1)} days old, ${d.timeline.length} timeline entries, ${JSON.stringify(d).length} bytes` : 'not found';
  };
  await row(
    '我的诉求 (citizenId, newest 20 by createdAt, _id)',
    RUNS,
    (_i, note) => {
      const c = someCitizen();
      note(c.toHexString());
      return coll.find({ citizenId: c }).sort({ createdAt: -1, _id: -1 }).limit(20).toArray();
    },
    ownerOf,
  );
  await row('console newest 20 (no filter, createdAt, _id)', RUNS, () => coll.find({}).sort({ createdAt: -1, _id: -1 }).limit(20).toArray());
  await row(
    'report by ticketNo',
    RUNS,
    (_i, note) => {
      const t = someTicket();
      note(t);
      return coll.findOne({ ticketNo: t }).then((d) => [d]);
    },
    ticketInfo,
  );
  await row(
    'update by ticketNo',
    RUNS,
    (i, note) => {
      const t = someTicket();
      note(t);
      return coll.updateOne({ ticketNo: t }, { $set: { lastUrgedAt: new Date(now) }, $push: { timeline: { at: new Date(now), status: 'in_progress', actor: 'citizen', message: `催办 ${i}` } } });
    },
    ticketInfo,
  );
  // As reportRepository.dueDeliveries: the outbox collection, a range on `due` (present only while pending), no sort.
  await row('dispatcher scan (outbox: due range; limit 100)', Math.ceil(RUNS / 4), () => outbox.find({ due: { $gte: new Date(0), $lte: new Date(now) } } as never).limit(100).toArray());
  // The sweep for undated deliveries (every 10 minutes) and the dead letters: the equality on `state` read the whole
  // outbox; `deliveredAt: null` (branch drain3) reads the undelivered ones through their index. Both shown.
  await row('undated-delivery sweep, former (state pending, no due)', 4, () => outbox.find({ state: 'pending', due: null } as never).limit(500).toArray());
  await row('undated-delivery sweep (+ deliveredAt: null)', Math.ceil(RUNS / 4), () => outbox.find(UNDATED_PENDING as never).limit(500).toArray());
  await row('dead letters (state dead, deliveredAt: null; limit 200)', Math.ceil(RUNS / 4), () => outbox.find(undelivered({ state: 'dead' }) as never).limit(200).toArray());
  // The flag is a date since issue 8's drain pass (reportModel); a reused directory's `true` flags were dated above.
  await row('effects worker scan (effectsPending date range; limit 200)', Math.ceil(RUNS / 4), () => coll.find(EFFECTS_PENDING, { projection: { _id: 1 } }).limit(200).toArray());
  await row('deadline monitor: overdue (open, past dueAt)', Math.ceil(RUNS / 4), () =>
    coll.find({ status: { $in: ['dispatched', 'in_progress', 'returned', 'reopened'] }, dueAt: { $lt: new Date(now) }, overdueAt: null }, { projection: { _id: 1, status: 1, dueAt: 1 } }).toArray(),
  );
  await row('deadline monitor: resolved > 7 days', Math.ceil(RUNS / 4), () => coll.find({ status: 'resolved', resolvedAt: { $lt: new Date(now - 7 * DAY) } }, { projection: { _id: 1 } }).toArray());
  await row('insight catch-up (updatedAt ≥ 5 min ago; limit 500)', Math.ceil(RUNS / 4), () => coll.find({ updatedAt: { $gte: new Date(now - 300_000) } }).sort({ updatedAt: 1 }).limit(500).toArray());
  await row('similar tickets (7 days, open, 200 m box)', Math.ceil(RUNS / 4), () => {
    const lat = 31.1 + qrand() * 0.3;
    const lng = 121.3 + qrand() * 0.4;
    const d = 200 / 111_000;
    return coll
      .find({ createdAt: { $gte: new Date(now - 7 * DAY) }, status: { $in: [...OPEN_STATUSES] }, 'point.lat': { $gte: lat - d, $lte: lat + d }, 'point.lng': { $gte: lng - d * 1.2, $lte: lng + d * 1.2 } })
      .sort({ createdAt: -1 })
      .limit(500)
      .toArray();
  });
}

await client.close();
await stop();
if (!process.env.BENCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
