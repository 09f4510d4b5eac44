/**
 * npm run bench:insight — the 数据看板 at scale.
 *
 * Seeds BENCH_REPORTS (default 1,000,000) reports over BENCH_DAYS (default 730) straight into the
 * database in bulk, with skew: Zipf-like weights over the second-level categories, the districts and
 * 3,000 "places" (a report lands within ~400 m of a place), more reports on weekdays and in recent months.
 * Then prints, as JSON lines:
 *   - seed and rebuild times;
 *   - p50/p99 of 概览 / 堵点 / 热点 / trends over 30 days and over a year (BENCH_QUERIES requests each, HTTP);
 *   - p50/p99 of 概览 / 堵点 / 热点 / trends over 30 days and over a year (BENCH_QUERIES requests each, HTTP),
 *     and the first (cold-cache) request of each on its own;
 *   - the submit p99 (POST /api/v1/reports, BENCH_SUBMITS at concurrency 8) with rollup maintenance on — the
 *     writer on its own instance (a child process, as the README documents: INSIGHT_WRITER=on on one
 *     instance only) — and off (no writer anywhere).
 * MONGODB_URI: use that database (it must be empty or a scratch one); unset, an embedded one in a temp dir,
 * or in BENCH_DATA_DIR: there the seeded reports are kept, and a later run with the same BENCH_REPORTS and
 * BENCH_DAYS reuses them (no seeding; the rebuild still runs).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os2 from 'node:os';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../src/app';
import { createWechatClient } from '../src/auth/wechatClient';
import { startWechatStandIn } from '../src/auth/wechatStandIn';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { addDays, shanghaiDay } from '../src/insight/contribution';
import { silentLogger } from '../src/log';
import { SHANGHAI_DISTRICTS } from '@ssp/shared';
import { insertRawReports } from '../test/reportStore';
import { tallyCommands } from './commandTally';
import { analyse, nowMs, traceCommands, traceEventLoop, traceRequests, type ClientSpan, type CommandSpan } from './insightSubmitTrace';

const N = Number(process.env.BENCH_REPORTS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 730);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 300);
const ROUNDS = Number(process.env.BENCH_SUBMIT_ROUNDS ?? 3);
/** uncounted submits before each arm's measured ones */
const WARMUP = Number(process.env.BENCH_SUBMIT_WARMUP ?? 24);
const WRITER_SCAN_MS = Number(process.env.BENCH_WRITER_SCAN_MS ?? 5000);
/** BENCH_TALLY=1: the writer arms print what the writer asked of the database (bench/commandTally.ts) */
const TALLY = process.env.BENCH_TALLY === '1';
/**
 * BENCH_TRACE=1: per arm, where the submits' time went (bench/submitTrace.ts): client vs handler vs database
 * wait, the event loop's delay, the writer's commands meanwhile, and the slowest 1 % lined up with them.
 * BENCH_TRACE_FILE=path: also every record, as JSON, for a closer look.
 */
const TRACE = process.env.BENCH_TRACE === '1';
/**
 * The arms, in round 0's order (reversed in odd rounds): `off`, `ownInstance`, `inProcess`, and `off2`, a
 * second writer-off arm, so the noise of the measure itself (off against off) is printed beside the ratios.
 */
const ARMS = (process.env.BENCH_ARMS ?? 'off,ownInstance,inProcess').split(',') as Arm[];
type Arm = 'off' | 'off2' | 'ownInstance' | 'inProcess';
const STEPS = new Set((process.env.BENCH_STEPS ?? 'rebuild,pages,submit').split(','));
/** CPU seconds of this process and of the database child (Linux /proc), so figures can be read apart from the machine's load. */
let dbPid: number | undefined;
function cpuSeconds() {
  const self = process.cpuUsage();
  let db: number;
  try {
    // utime and stime (fields 14 and 15, after the parenthesised name), in clock ticks of 1/100 s.
    const f = readFileSync(`/proc/${dbPid}/stat`, 'utf8').split(') ')[1].split(' ');
    db = (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    db = NaN;
  }
  return { node: (self.user + self.system) / 1e6, db };
}
const cpuSince = (a: ReturnType<typeof cpuSeconds>) => {
  const b = cpuSeconds();
  return { nodeCpuS: Math.round((b.node - a.node) * 10) / 10, dbCpuS: Math.round((b.db - a.db) * 10) / 10 };
};
const SEED_PARALLEL = Number(process.env.BENCH_SEED_PARALLEL ?? 3);
const SEED_BATCH = Number(process.env.BENCH_SEED_BATCH ?? 5000);
const DATA_DIR = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : null;
const load = () => os2.loadavg().map((x) => Math.round(x * 10) / 10).join(' ');
const out = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
function zipfPicker<T>(items: T[], s = 1.1) {
  const w = items.map((_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  w.reduce((acc, x, i) => (cum[i] = acc + x / total), 0);
  return () => {
    const r = rnd();
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}

const leaves = DEFAULT_TREE.flatMap((f) => f.children.map((c) => ({ code: c.code, name: c.name, parentCode: f.code, parentName: f.name })));
// Shuffle so the skew does not follow the tree's order.
leaves.sort(() => rnd() - 0.5);
const pickCategory = zipfPicker(leaves, 1.0);
const districtCentres: Record<string, [number, number]> = {
  '310101': [31.2317, 121.4846], '310104': [31.1885, 121.4365], '310105': [31.2204, 121.4242], '310106': [31.2286, 121.4481],
  '310107': [31.2495, 121.3972], '310109': [31.2646, 121.5052], '310110': [31.2595, 121.5259], '310112': [31.1128, 121.3817],
  '310113': [31.4050, 121.4896], '310114': [31.3747, 121.2655], '310115': [31.2214, 121.5447], '310116': [30.7413, 121.3420],
  '310117': [31.0325, 121.2276], '310118': [31.1510, 121.1244], '310120': [30.9180, 121.4740], '310151': [31.6230, 121.3976],
};
const districts = [...SHANGHAI_DISTRICTS].sort(() => rnd() - 0.5);
const places = Array.from({ length: 3000 }, () => {
  const d = districts[Math.floor(rnd() ** 1.6 * districts.length)];
  const [lat, lng] = districtCentres[d.code];
  return { district: d, lat: lat + (rnd() - 0.5) * 0.08, lng: lng + (rnd() - 0.5) * 0.08 };
});
const pickPlace = zipfPicker(places, 0.8);

const marker = DATA_DIR && path.join(DATA_DIR, 'insight-bench-seed.json');
const seeded: { reports: number; days: number; endDay: string } | null = marker && existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : null;
const reuse = Boolean(seeded && seeded.reports === N && seeded.days === DAYS);
// Reused data keeps the day it was seeded for, so its periods are the same ones.
const endDay = reuse ? seeded!.endDay : shanghaiDay(new Date());
const startMs = Date.parse(`${addDays(endDay, -DAYS + 1)}T00:00:00+08:00`);
const spanMs = DAYS * 86_400_000;

function makeReport(i: number) {
  // More recent reports than old ones (volume grows), none in the future (seeded today: none after now,
  // or the writer's scan cursor, at the newest seeded report, would be ahead of the submits' reports).
  const createdAt = new Date(startMs + Math.min(spanMs - 1, Date.now() - 60_000 - startMs, Math.sqrt(rnd()) * spanMs));
  const place = pickPlace();
  const category = pickCategory();
  const point = { lat: place.lat + (rnd() - 0.5) * 0.007, lng: place.lng + (rnd() - 0.5) * 0.008 };
  const r = rnd();
  const timeline: { at: Date; status: string; actor: string; message: string }[] = [{ at: createdAt, status: 'submitted', actor: 'citizen', message: '已提交' }];
  let t = createdAt.getTime();
  let status = 'submitted';
  const step = (s: string, maxH: number) => {
    t += rnd() * maxH * 3600_000;
    timeline.push({ at: new Date(t), status: s, actor: 'admin', message: s });
    status = s;
  };
  if (r > 0.05) step('accepted', 8);
  if (r > 0.12) step('dispatched', 24);
  if (r > 0.3) step('resolved', 200);
  if (r > 0.45) step('closed', 168);
  const rating = status === 'closed' ? { value: rnd() < 0.7 ? 'satisfied' : rnd() < 0.6 ? 'basically_satisfied' : 'unsatisfied', at: new Date(t) } : null;
  const id = new mongoose.Types.ObjectId(Math.floor(createdAt.getTime() / 1000)).toHexString();
  return {
    _id: id,
    ticketNo: `B${i}`,
    citizenId: new mongoose.Types.ObjectId(),
    idempotencyKey: `b${i}`,
    requestHash: 'b',
    kind: rnd() < 0.35 ? 'snap' : 'complaint',
    status,
    description: '',
    category,
    urgent: rnd() < 0.03,
    point,
    location: { ...point, coordSystem: 'gcj02' },
    district: { code: place.district.code, name: place.district.name },
    timeline,
    overdueAt: rnd() < 0.08 ? new Date(t) : null,
    rating,
    // As every stored report has (the schema's default): without it, the classifier's first training at
    // start (`triage.state` in confirmed/corrected) matched every report through the missing-field branch
    // and read all of them, ~20 min at 1M.
    triage: { state: 'auto', reason: null, resolvedAt: null, resolvedBy: null },
    delivery: { state: 'delivered', attempts: 1 },
    effects: [],
    createdAt,
    updatedAt: createdAt,
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 10) / 10;
};

async function startApp(writer: boolean, uri: string, dbName: string) {
  const wechat = await startWechatStandIn({ env: 'test' });
  const { app, prepare, services } = createApp({
    jwtSecret: 'bench-secret-bench-secret-bench-secret',
    wechat: createWechatClient({ baseUrl: wechat.baseUrl, appid: wechat.appid, secret: wechat.secret }),
    geocoder: null,
    log: silentLogger,
    insight: { writer, rebuildParallel: process.env.INSIGHT_REBUILD_PARALLEL ? Number(process.env.INSIGHT_REBUILD_PARALLEL) : undefined, tickMs: process.env.INSIGHT_TICK_MS ? Number(process.env.INSIGHT_TICK_MS) : undefined, maxLagMs: process.env.INSIGHT_MAX_LAG_MS ? Number(process.env.INSIGHT_MAX_LAG_MS) : undefined, cursor: process.env.INSIGHT_CURSOR === 'events' ? 'events' : undefined },
    classifier: { classifyPerMinute: 1e9 },
  });
  await prepare();
  await services.auth.seedAdmin('admin', 'bench-admin-password', () => {});
  const requests = TRACE ? traceRequests(app) : null;
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  void uri;
  void dbName;
  const login = await (await fetch(`${base}/api/v1/auth/admin-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })).json();
  return {
    base,
    services,
    requests,
    token: login.token as string,
    async close() {
      await services.insightWriter.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await wechat.close();
    },
  };
}

async function submitP99(app: Awaited<ReturnType<typeof startApp>>, count = SUBMITS) {
  const SUBMITS = count;
  // A resident may file 10 reports a day (RATE_LIMIT defaults): one resident per 5 submits.
  // A login that fails (under heavy load the WeChat stand-in may time out) is said as such: before, its missing
  // token went out as "Bearer undefined" and the run stopped later on a submit's 401.
  // 50 logins at a time: a sustained arm (BENCH_SUBMITS=15000) needs 3,000, which all at once were as many
  // connections to the WeChat stand-in.
  const citizens: string[] = [];
  for (let i = 0; i < Math.ceil(SUBMITS / 5); i += 50) {
    citizens.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, Math.ceil(SUBMITS / 5) - i) }, async () => {
          const res = await fetch(`${app.base}/api/v1/auth/wechat-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: `c-${randomUUID()}` }) });
          const body = (await res.json()) as { token?: string; error?: { code: string } };
          if (res.status !== 200 || !body.token) throw new Error(`resident login ${res.status} ${body.error?.code ?? ''}`);
          return body.token;
        }),
      )),
    );
  }
  const times: number[] = [];
  const ids: string[] = [];
  const spans: ClientSpan[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < SUBMITS) {
        const token = citizens[Math.floor(next / 5)];
        next++;
        const t0 = performance.now();
        const a0 = nowMs();
        const res = await fetch(`${app.base}/api/v1/reports`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ kind: 'complaint', description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃', location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' } }),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status !== 201) throw new Error(`submit ${res.status}`);
        times.push(performance.now() - t0);
        spans.push({ t0: a0, t1: nowMs(), req: Number(res.headers.get('x-bench-req') ?? 0), id: body.id! });
        ids.push(body.id!);
      }
    }),
  );
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), n: times.length, ids, times, spans };
}

/**
 * How far behind the writer was when the submits ended, and how long it took to catch up: the submitted
 * reports not yet counted (no fact yet) at once, then polled every 50 ms until every one is. The writer
 * yields to the submits (INSIGHT_MAX_LAG_MS), so its work is partly after them: this is that work's time.
 */
async function catchUp(ids: string[]) {
  const t0 = performance.now();
  // Under BENCH_TALLY, polled on a connection of its own, so the tally counts only the writer's commands.
  const own = TALLY ? await new mongoose.mongo.MongoClient(pollUri!).connect() : null;
  const facts = (own ? own.db(mongoose.connection.db!.databaseName) : mongoose.connection.db!).collection('insight_facts');
  // Only the ones not counted yet are asked for, by `_id` (index lookups; a count would scan).
  const left = new Set(ids);
  // (≤ 100 ids per `$in`: a longer one is not pushed down by FerretDB patch 0003 and reads every fact.)
  const poll = async () => {
    const ask = [...left];
    for (let i = 0; i < ask.length; i += 100) {
      const rows = await facts.find({ _id: { $in: ask.slice(i, i + 100) } } as never, { projection: { _id: 1 } }).toArray();
      for (const r of rows) left.delete(String(r._id));
    }
  };
  await poll();
  const behind = left.size;
  while (left.size > 0) {
    if (performance.now() - t0 > 120_000) throw new Error(`the writer did not catch up in 120 s (${left.size} left)`);
    await new Promise((r) => setTimeout(r, 50));
    await poll();
  }
  await own?.close();
  return { behindAtEnd: behind, catchUpMs: Math.round(performance.now() - t0) };
}

let pollUri: string | undefined;

/**
 * Waits until the database process is idle: its CPU below 5 % of a core over two 250 ms windows in a row (at
 * most 15 s). Called before every arm, so work left by the arm before (a writer's deferred flush, SQLite's
 * checkpoint after it) is not charged to the next one: with a long INSIGHT_MAX_LAG_MS the in-process writer
 * writes most of an arm's reports after the arm, and off2 follows it. Returns the time waited (ms).
 */
async function databaseIdle(): Promise<number> {
  if (!dbPid) return 0;
  const t0 = performance.now();
  let calm = 0;
  while (calm < 2 && performance.now() - t0 < 15_000) {
    const c0 = cpuSeconds().db;
    await new Promise((r) => setTimeout(r, 250));
    calm = cpuSeconds().db - c0 < 0.0125 ? calm + 1 : 0;
  }
  return Math.round(performance.now() - t0);
}

/** The rollup writer on its own instance: a child process running only the writer (INSIGHT_WRITER=on there, off here). */
function startWriterProcess(uri: string, dbName: string) {
  // BENCH_TRACE: the child records its commands on the same clock and leaves them in this file when it stops.
  const traceFile = TRACE ? path.join(os.tmpdir(), `ssp-writer-trace-${process.pid}-${Date.now()}.json`) : '';
  const child = spawn(process.execPath, ['--import=tsx', path.join(import.meta.dirname, 'insightWriterProcess.ts')], {
    env: { ...process.env, MONGODB_URI: uri, BENCH_DB: dbName, INSIGHT_SCAN_MS: String(WRITER_SCAN_MS), WRITER_TRACE_FILE: traceFile },
    // (its BENCH_TALLY line goes to stderr)
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Not left running if the bench fails.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`insight writer process exited (${code}) before it was ready`)));
  });
  return {
    ready,
    /** the writer's commands since it said `ready` (BENCH_TRACE), else [] */
    async stop(): Promise<CommandSpan[]> {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      process.off('exit', kill);
      return traceFile && existsSync(traceFile) ? JSON.parse(readFileSync(traceFile, 'utf8')) : [];
    },
  };
}

/**
 * Seeded reports dated after now move back (createdAt, updatedAt and timeline alike) to an hour ago. A
 * directory seeded before the seed stopped at "now" (e.g. /tmp/rollup-100k, seeded at 03:29 Shanghai time for
 * that whole day) holds reports stamped hours ahead: the writer's scan cursor (the newest `updatedAt` it read)
 * then stood ahead of every submit, and a writer on its own instance never found the submitted reports.
 * The writer's cursor, if already ahead, goes back too. Changed reports are counted again by the writer's scan.
 */
async function noFutureReports() {
  const now = Date.now();
  const reports = mongoose.connection.db!.collection('reports');
  const ahead = (await reports.find({ updatedAt: { $gt: new Date(now - 60_000) } } as never, { projection: { createdAt: 1, updatedAt: 1, timeline: 1 } }).toArray()) as unknown as { _id: string; createdAt: Date; updatedAt: Date; timeline: { at: Date }[] }[];
  const back = (d: Date, by: number) => new Date(new Date(d).getTime() - by);
  let moved = 0;
  for (const r of ahead) {
    // Each to its own millisecond: the writer's scan cannot page past more than a page (200) of reports
    // stamped with one instant (it stops there, and the next pass starts at the same place).
    const by = new Date(r.updatedAt).getTime() - (now - 3600_000 - moved);
    if (by <= 0) continue; // a submit of an earlier run, just now
    await reports.updateOne({ _id: r._id } as never, { $set: { createdAt: back(r.createdAt, by), updatedAt: back(r.updatedAt, by), timeline: r.timeline.map((e) => ({ ...e, at: back(e.at, by) })) } });
    moved++;
  }
  const state = mongoose.connection.db!.collection('insight_state');
  const s = (await state.findOne({ _id: 'writer' } as never)) as { cursor?: number } | null;
  if (s?.cursor && s.cursor > now - 3600_000) await state.updateOne({ _id: 'writer' } as never, { $set: { cursor: now - 2 * 3600_000 } });
  out({ step: 'reports dated after now moved back', moved, cursorWas: s?.cursor ? new Date(s.cursor).toISOString() : null });
}

async function main() {
  let uri = process.env.MONGODB_URI;
  let stopDb = async () => {};
  if (!uri) {
    const dataDir = DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-insight-'));
    mkdirSync(dataDir, { recursive: true });
    const db = await startEmbeddedDatabase({ dataDir });
    uri = db.uri;
    stopDb = db.stop;
    dbPid = db.pid;
  }
  const dbName = DATA_DIR ? 'bench_insight' : `bench_insight_${Date.now()}`;
  out({ reports: N, days: DAYS, database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB', reuse, load: load() });

  let t0 = performance.now();
  if (process.env.BENCH_REUSE === '1' && !reuse) throw new Error(`BENCH_REUSE=1: no seeded ${N} reports over ${DAYS} days in ${DATA_DIR ?? '(no BENCH_DATA_DIR)'}`);
  if (!reuse) {
    // Bulk: big insertMany batches, SEED_PARALLEL in flight (FerretDB serves each connection on its own
    // goroutine, so its BSON decoding and JSON encoding use both cores; SQLite's single writer is not the
    // limit), before the indexes exist: they are built once afterwards, each in one pass over the table.
    await mongoose.connect(uri, { dbName, autoIndex: false });
    await mongoose.connection.db!.dropDatabase();
    let done = 0;
    let nextBatch = 0;
    let reported = 0;
    await Promise.all(
      Array.from({ length: SEED_PARALLEL }, async () => {
        for (;;) {
          const i = nextBatch;
          if (i >= N) return;
          nextBatch += SEED_BATCH;
          const docs = Array.from({ length: Math.min(SEED_BATCH, N - i) }, (_, k) => makeReport(i + k));
          await insertRawReports(docs);
          done += docs.length;
          if (done - reported >= 50_000 || done === N) {
            reported = done;
            process.stderr.write(`seeded ${done} (${Math.round(done / ((performance.now() - t0) / 1000))}/s, load ${load()})\n`);
          }
        }
      }),
    );
    const seedS = (performance.now() - t0) / 1000;
    await mongoose.disconnect();
    const t1 = performance.now();
    await connectDatabase(uri, dbName);
    out({ step: 'seed', seconds: Math.round(seedS * 10) / 10, perSecond: Math.round(N / seedS), indexSeconds: Math.round((performance.now() - t1) / 100) / 10, parallel: SEED_PARALLEL, batch: SEED_BATCH, load: load() });
    if (marker) writeFileSync(marker, JSON.stringify({ reports: N, days: DAYS, endDay }));
  } else {
    pollUri = uri;
    if (TALLY || TRACE) {
      const u = new URL(uri);
      if (!u.pathname) u.pathname = '/';
      u.searchParams.set('monitorCommands', 'true');
      await connectDatabase(u.toString(), dbName);
    } else await connectDatabase(uri, dbName);
    out({ step: 'seed', reused: DATA_DIR });
  }
  const commands = TALLY ? tallyCommands(mongoose.connection.getClient()) : null;
  if (process.env.BENCH_SEED_ONLY === '1') {
    await mongoose.disconnect();
    await stopDb();
    return;
  }

  const app = await startApp(true, uri, dbName);
  if (STEPS.has('rebuild')) {
    t0 = performance.now();
    const cpu0 = cpuSeconds();
    const rebuilt = await app.services.insightWriter.rebuild();
    const cpu = cpuSince(cpu0);
    out({ step: 'rebuild', seconds: Math.round((performance.now() - t0) / 100) / 10, ...rebuilt, ...cpu, cpuMsPerReport: Math.round(((cpu.nodeCpuS + cpu.dbCpuS) / rebuilt.reports) * 1e5) / 100, load: load() });
    // Hotspots are found as reports arrive, not by the rebuild: let the last day's reports go through detection.
    await app.services.insightWriter.drain();
  }

  for (const [label, days] of STEPS.has('pages') ? ([['30 days', 30], ['1 year', 365]] as const) : []) {
    const from = addDays(endDay, -days + 1);
    for (const page of ['overview', 'blockers', 'hotspots', 'trends']) {
      const times: number[] = [];
      const query = async () => {
        const t = performance.now();
        const res = await fetch(`${app.base}/api/v1/admin/insight/${page}?from=${from}&to=${endDay}`, { headers: { Authorization: `Bearer ${app.token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${page} ${res.status}`);
        return performance.now() - t;
      };
      // The first request of a page reads its buckets from the database (cold cache); the rest mostly from the cache.
      const coldMs = Math.round(await query());
      for (let i = 0; i < QUERIES; i++) times.push(await query());
      out({ page, period: label, p50ms: pct(times, 0.5), p99ms: pct(times, 0.99), n: times.length, coldMs, load: load() });
    }
  }
  await app.close();
  // Submit p99 with rollup maintenance off and on, in ROUNDS rounds whose order alternates (off, on, in-process
  // / in-process, on, off …): the machine's load drifts, so each arm is measured on both sides of the others.
  //   off: no writer anywhere;
  //   ownInstance: the writer in its own process (INSIGHT_WRITER=on there, off in the API instance), its scan
  //     every WRITER_SCAN_MS (5 s) so it works through the submits while they are measured (each scan re-reads
  //     the last 10 s, SCAN_MARGIN_MS: at 1 s it read each report ~10 times, 9–12 ms of database CPU per submit);
  //   inProcess: the writer in the API instance itself (one instance doing everything), fed by the
  //     repository's events (a batch per INSIGHT_TICK_MS).
  // Each writer arm first catches up with the reports the arms before it filed while no writer ran, and the
  // own instance has started (it says `ready`): the arm measures the writer keeping up with the submits it
  // measures, not a backlog of others or a process starting (a fixed 3 s wait before left both inside).
  if (STEPS.has('submit')) await noFutureReports();
  const api = await startApp(false, uri, dbName);
  type Run = { p50: number; p99: number; n: number; submitMs: number; idleWaitMs: number; heldAtEnd?: number; behindAtEnd?: number; catchUpMs?: number; settledMs?: number };
  const runs = Object.fromEntries(ARMS.map((a) => [a, [] as Run[]])) as Record<Arm, Run[]>;
  /** every measured submit's latency per arm, all rounds: the pooled p99 is less noisy than a median of per-round p99s */
  const pooled = Object.fromEntries(ARMS.map((a) => [a, [] as number[]])) as Record<Arm, number[]>;
  const tracer = TRACE ? traceCommands(mongoose.connection.getClient()) : null;
  const traces: Record<string, unknown>[] = [];
  for (let round = 0; round < (STEPS.has('submit') ? ROUNDS : 0); round++) {
    const order = ARMS.slice();
    if (round % 2) order.reverse();
    for (const arm of order) {
      // CPU of the database and of this process while the arm's submits ran (the own instance's is its own),
      // and (writer arms) until the writer had counted every one of them: far less sensitive to the shared
      // machine's load than latencies, and the second one holds the writer's whole work, deferred or not.
      let cpu = { nodeCpuS: NaN, dbCpuS: NaN };
      let cpuAll = { nodeCpuS: NaN, dbCpuS: NaN };
      let clientSpans: ClientSpan[] = [];
      let loop: ReturnType<ReturnType<typeof traceEventLoop>['stop']> | null = null;
      /** `inProcess`: the writer that holds the arm's reports (its lag() and settle()) */
      const measured = async (app: Awaited<ReturnType<typeof startApp>>, writer: boolean, own?: { lag: () => Promise<{ held: number }> | { held: number }; settle: () => Promise<unknown> }) => {
        // Not counted: WARMUP submits first, so no arm measures an instance's first requests (the in-process
        // arm's instance is new: its classifier's lookup tables are built at its first classification).
        if (WARMUP) {
          const warm = await submitP99(app, WARMUP);
          if (writer) await catchUp(warm.ids);
        }
        // The previous arm's work (and the warm-up's) done: the database idle before the measured submits.
        const idleWaitMs = await databaseIdle();
        tracer?.take();
        app.requests?.take();
        const el = TRACE ? traceEventLoop() : null;
        const cpu0 = cpuSeconds();
        const t0 = performance.now();
        const { ids, times, spans, ...r } = await submitP99(app);
        const submitMs = Math.round(performance.now() - t0);
        cpu = cpuSince(cpu0);
        loop = el?.stop() ?? null;
        clientSpans = spans;
        pooled[arm].push(...times);
        // In-process: how many reports the writer held unwritten when the submits ended (its backlog), then
        // how long until every submitted report was counted (catchUp), and until the writer had nothing left
        // in flight (settle: the rest of its flush, hotspots, the journal log).
        const t1 = performance.now();
        const heldAtEnd = own ? (await own.lag()).held : undefined;
        const lag = writer ? await catchUp(ids) : {};
        if (own) await own.settle();
        const settledMs = own ? Math.round(performance.now() - t1) : undefined;
        cpuAll = cpuSince(cpu0);
        return { ...r, submitMs, idleWaitMs, heldAtEnd, ...lag, settledMs };
      };
      let writerSpans: CommandSpan[] = [];
      let app = api;
      if (arm === 'off' || arm === 'off2') runs[arm].push(await measured(api, false));
      else if (arm === 'ownInstance') {
        const writer = startWriterProcess(uri, dbName);
        await writer.ready;
        runs.ownInstance.push(await measured(api, true));
        writerSpans = await writer.stop();
      } else {
        const one = await startApp(true, uri, dbName);
        app = one;
        // Caught up first (the reports of the arms before, filed while no writer ran), as the own instance is.
        await one.services.insightWriter.drain();
        one.services.insightWriter.start();
        commands?.reset();
        runs.inProcess.push(await measured(one, true, one.services.insightWriter as never));
        if (commands) out({ step: 'in-process writer commands', reports: SUBMITS + WARMUP, ...commands.summary(SUBMITS + WARMUP) });
        // (main's writer, for a before/after pair, has no lag(); before the writer thread its lag() was not a promise)
        const w = one.services.insightWriter as { lag?: () => Record<string, number> | Promise<Record<string, number>>; where?: string };
        if (w.lag) out({ step: 'writer passes', where: w.where ?? 'here', ...(await w.lag()) });
        await one.close();
      }
      if (TRACE && loop) {
        const mine = tracer!.take();
        // In-process the writer's commands are this client's on insight_* (the submits write reports, outbox, quotas).
        if (arm === 'inProcess') writerSpans = mine.filter((c) => c.coll.startsWith('insight_'));
        const servers = app.requests!.take();
        const a = analyse(clientSpans, servers, writerSpans, loop, mine);
        out({ step: 'submit trace', round, arm, ...a });
        if (process.env.BENCH_TRACE_FILE) traces.push({ round, arm, clients: clientSpans, servers, writer: writerSpans, stalls: (loop as { stalls: unknown[] }).stalls, submitCommands: mine.filter((c) => !c.coll.startsWith('insight_')) });
      }
      const perSubmit = (s: number) => Math.round((s / SUBMITS) * 1e4) / 10;
      out({
        step: 'submit run',
        round,
        arm,
        ...runs[arm].at(-1),
        dbCpuMsPerSubmit: perSubmit(cpu.dbCpuS),
        nodeCpuMsPerSubmit: perSubmit(cpu.nodeCpuS),
        ...(arm === 'off' || arm === 'off2' ? {} : { withCatchUp: { dbCpuMsPerSubmit: perSubmit(cpuAll.dbCpuS), nodeCpuMsPerSubmit: perSubmit(cpuAll.nodeCpuS) } }),
        load: load(),
      });
    }
  }
  await api.close();
  if (process.env.BENCH_TRACE_FILE) writeFileSync(process.env.BENCH_TRACE_FILE, JSON.stringify(traces));
  const median = (xs: number[]) => pct(xs, 0.5);
  const summary = Object.fromEntries(
    Object.entries(runs).map(([arm, rs]) => [
      arm,
      {
        p99s: rs.map((r) => r.p99),
        medianP99: median(rs.map((r) => r.p99)),
        pooledP99: pct(pooled[arm as Arm], 0.99),
        pooledP50: pct(pooled[arm as Arm], 0.5),
        min: Math.min(...rs.map((r) => r.p99)),
        max: Math.max(...rs.map((r) => r.p99)),
        // Writer arms: reports not yet counted when the submits ended, and the time until all were.
        ...(arm === 'off' || arm === 'off2' ? {} : { heldAtEnd: rs.map((r) => r.heldAtEnd), behindAtEnd: rs.map((r) => r.behindAtEnd), catchUpMs: rs.map((r) => r.catchUpMs), settledMs: rs.map((r) => r.settledMs) }),
        submitMs: rs.map((r) => r.submitMs),
        idleWaitMs: rs.map((r) => r.idleWaitMs),
      },
    ]),
  );
  const ratio = (arm: Arm) => (runs[arm]?.length && runs.off?.length ? Math.round((median(runs[arm].map((r) => r.p99)) / median(runs.off.map((r) => r.p99))) * 100) / 100 : undefined);
  const pooledRatio = (arm: Arm) => (pooled[arm]?.length && pooled.off?.length ? Math.round((pct(pooled[arm], 0.99) / pct(pooled.off, 0.99)) * 100) / 100 : undefined);
  if (STEPS.has('submit')) out({
    step: 'submit',
    ...summary,
    ownInstanceVsOff: ratio('ownInstance'),
    inProcessVsOff: ratio('inProcess'),
    off2VsOff: ratio('off2'),
    // p99 of every measured submit of the arm, all rounds pooled, over off's
    pooledVsOff: { ownInstance: pooledRatio('ownInstance'), inProcess: pooledRatio('inProcess'), off2: pooledRatio('off2') },
    // the in-process arm's pooled p99 over off2's, and over the mean of the two off arms' (off against off is the noise)
    ...(pooled.inProcess?.length && pooled.off2?.length && pooled.off?.length
      ? {
          inProcessPooledVsOff2: Math.round((pct(pooled.inProcess, 0.99) / pct(pooled.off2, 0.99)) * 100) / 100,
          inProcessPooledVsOffMean: Math.round((pct(pooled.inProcess, 0.99) / ((pct(pooled.off, 0.99) + pct(pooled.off2, 0.99)) / 2)) * 100) / 100,
        }
      : {}),
    load: load(),
  });
  if (!DATA_DIR) await mongoose.connection.dropDatabase().catch(() => {});
  await mongoose.disconnect();
  await stopDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
