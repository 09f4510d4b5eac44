/**
 * npm run bench:console — 诉求检索 on a realistic table: BENCH_REPORTS (200,000)
 * reports inserted straight into the database (insertMany, not the API), then
 * typical staff searches through the real HTTP API (each BENCH_RUNS times,
 * p50/p99) and a BENCH_EXPORT_ROWS (10,000)-row XLSX and CSV export (time and
 * the process's peak RSS while it streams).
 * Then 分类管理's figures and its keyword check (the last 1,000 reports re-classified twice).
 * Env: BENCH_REPORTS, BENCH_RUNS (20), BENCH_EXPORT_ROWS, MONGODB_URI/TEST_MONGODB_URI (else embedded FerretDB),
 * BENCH_DATA_DIR=dir keeps the embedded database there (database `bench_console`) and
 * BENCH_REUSE=1 measures what an earlier run seeded there (same BENCH_REPORTS) without seeding again;
 * BENCH_ONLY=seed (seed, build indexes, stop: run it under nice, then measure under the bench lock),
 * BENCH_ONLY=search (searches and exports), BENCH_ONLY=categories (分类管理 only), BENCH_FROM=n (start at the n-th search).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { SHANGHAI_DISTRICTS } from '@ssp/shared';
import { startTestServer } from '../test/harness';
import { insertRawReports } from '../test/reportStore';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { formatTicketNo, shanghaiDate } from '../src/reports/ticketNumbers';

const N = Number(process.env.BENCH_REPORTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 10_000);
const ONLY = process.env.BENCH_ONLY ?? '';
const ONLY_CATEGORIES = ONLY === 'categories';
const DATA_DIR = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : null;
const REUSE = process.env.BENCH_REUSE === '1';
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
if (process.env.MONGODB_URI && !process.env.TEST_MONGODB_URI) process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const STATUSES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed', 'closed', 'closed', 'rejected', 'withdrawn'];
const leaves = DEFAULT_TREE.flatMap((f) => f.children.map((c) => ({ code: c.code, name: c.name, parentCode: f.code, parentName: f.name })));
const PHRASES = ['晚上施工噪声很大', '路灯不亮', '垃圾堆放没人清理', '窨井盖松动', '共享单车乱停', '小区电梯故障', '餐馆油烟扰民', '人行道破损', '违章停车堵路', '河道有异味'];

function fakeReport(i: number, now: number) {
  const createdAt = new Date(now - Math.floor((i / N) * 365 * 86400_000) - (i % 1000));
  const leaf = leaves[i % leaves.length];
  const district = SHANGHAI_DISTRICTS[i % SHANGHAI_DISTRICTS.length];
  const status = STATUSES[i % STATUSES.length];
  return {
    _id: mongoose.Types.ObjectId.createFromTime(Math.floor(createdAt.getTime() / 1000)).toHexString().slice(0, 16) + i.toString(16).padStart(8, '0'),
    ticketNo: formatTicketNo(shanghaiDate(createdAt), i), // the real format; i is unique, so the number is
    citizenId: new mongoose.Types.ObjectId(),
    idempotencyKey: `bench-${i}`,
    requestHash: 'bench',
    kind: i % 3 === 0 ? 'snap' : 'complaint',
    status,
    description: `${district.name}某路${i % 500}号附近${PHRASES[i % PHRASES.length]}，希望尽快处理（第${i}条）`,
    category: leaf,
    citizenCategory: null,
    classification: null,
    triage: { state: 'auto', reason: null, resolvedAt: null, resolvedBy: null },
    urgent: i % 17 === 0,
    // 紧急程度 (issue 12) on the newer half; the older half is stored as before the levels (only `urgent`), so
    // the urgency searches below read both forms, as on a system that has run since before issue 12.
    ...(i < N / 2 ? { urgency: i % 17 === 0 ? 'urgent' : i % 11 === 0 ? 'semi_urgent' : 'normal' } : {}),
    urgentReasons: [],
    location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02', address: `${district.name}某路${i % 500}号` },
    point: { lat: 31.2, lng: 121.4 },
    district: { code: district.code, name: district.name },
    needsManualRouting: false,
    mediaIds: [],
    contactPhone: i % 4 === 0 ? `139${String(i).padStart(8, '0')}` : null,
    anonymous: false,
    timeline: [{ at: createdAt, status: 'submitted', actor: 'citizen', message: '市民提交诉求' }],
    delivery: { state: 'delivered', attempts: 1, nextAttemptAt: createdAt, lastError: null, deliveredAt: createdAt, externalId: null, connector: 'local' },
    department: null,
    dueAt: new Date(createdAt.getTime() + 5 * 86400_000),
    resolvedAt: null,
    overdueAt: i % 23 === 0 ? createdAt : null,
    pipelineSeq: 0,
    rating: status === 'closed' && i % 5 === 0 ? { value: 'unsatisfied', comment: '', at: createdAt } : null,
    lastUrgedAt: null,
    effects: [],
    supporters: 0,
    mergedInto: null,
    createdAt,
    updatedAt: createdAt,
  };
}

/** Peak resident set size of this process (server and bench share it) while `run` goes on, sampled every 20 ms. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: peak / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  let stopDb = async () => {};
  if (DATA_DIR && !process.env.TEST_MONGODB_URI) {
    mkdirSync(DATA_DIR, { recursive: true });
    const db = await startEmbeddedDatabase({ dataDir: DATA_DIR });
    process.env.TEST_MONGODB_URI = db.uri;
    stopDb = db.stop;
  }
  // A reused directory remembers what was seeded and when (the searches' "last week" is relative to the seed).
  const marker = DATA_DIR ? path.join(DATA_DIR, 'bench-console.json') : null;
  const seeded = marker && existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as { reports: number; now: number }) : null;
  const reuse = REUSE && seeded?.reports === N;
  if (REUSE && !reuse) console.log(`BENCH_REUSE=1 but ${DATA_DIR} holds no seed of ${N} reports: seeding`);
  const t0 = performance.now();
  const s = await startTestServer(DATA_DIR ? { dbName: 'bench_console', keepDatabase: true } : {});
  console.log(`bench:console, ${N} reports, ${DATA_DIR ? `data in ${DATA_DIR}` : 'temporary database'}; server up (indexes ensured) in ${((performance.now() - t0) / 1000).toFixed(1)} s; load ${load()}`);
  const admin = await s.loginAdmin();
  let now = Date.now();
  if (reuse) now = seeded!.now;
  else {
    if (DATA_DIR) await mongoose.connection.collection('reports').deleteMany({});
    const t1 = performance.now();
    const BATCH = 2000;
    for (let i = 0; i < N; i += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => fakeReport(i + j, now));
      await insertRawReports(docs);
      if ((i / BATCH) % 10 === 0) process.stdout.write(`\rseeded ${i + docs.length}/${N}`);
    }
    console.log(`\nseeded ${N} reports in ${((performance.now() - t1) / 1000).toFixed(1)} s (load ${load()})`);
    if (marker) writeFileSync(marker, JSON.stringify({ reports: N, now }));
  }
  if (ONLY === 'seed') {
    await s.close();
    await stopDb();
    return;
  }

  const day = 86400_000;
  const week = new Date(now - 7 * day).toISOString();
  const month = new Date(now - 30 * day).toISOString();
  // A ticket number from the middle of the year (i = N/2), in the real format.
  const midI = Math.floor(N / 2);
  const midTicket = fakeReport(midI, now).ticketNo;
  const OPEN = 'submitted,accepted,dispatched,in_progress';
  // What the page sends (limit 20, one status from its picker) plus what the API allows (status lists).
  const searches: [string, string, number?][] = [
    ['newest page, no filter', ''],
    ['status 已受理 (one status)', 'status=accepted'],
    ['open (4 statuses)', `status=${OPEN}`],
    ['district 徐汇区', 'district=310104'],
    ['category 噪声扰民 (first level)', 'category=noise'],
    ['category 广场舞 (second level)', 'category=square_dancing'],
    ['open 噪声 in 徐汇区 last week', `status=${OPEN}&category=noise&district=310104&from=${week}`],
    ['last 30 days', `from=${month}`],
    ['urgent', 'urgent=1'],
    ['overdue', 'overdue=1'],
    ['urgent + overdue', 'urgent=1&overdue=1'],
    ['rated 不满意', 'rating=unsatisfied'],
    ['rated 不满意, 浦东新区', 'rating=unsatisfied&district=310115'],
    ['随申拍 in 徐汇区, open', `kind=snap&district=310104&status=${OPEN}`],
    ['ticket number', `q=${midTicket}`],
    ['text 路灯不亮', `q=${encodeURIComponent('路灯不亮')}`],
    ['text, rare (第12345条)', `q=${encodeURIComponent('第12345条')}`],
    ['text, no match', `q=${encodeURIComponent('无此内容')}`],
    ['text 路灯不亮 in 徐汇区 last week', `q=${encodeURIComponent('路灯不亮')}&district=310104&from=${week}`],
    ['2nd page of 徐汇区 (cursor)', 'district=310104', 2],
    ['2nd page of open (cursor)', `status=${OPEN}`, 2],
    // 紧急程度 (urgency=, an `$or` over the stored level and, for old reports, `urgent`), after the others so
    // BENCH_FROM=21 measures only these; `urgent=1` again beside them for comparison within the run.
    ['urgent (urgent=1, again)', 'urgent=1'],
    ['紧急 (urgency=urgent)', 'urgency=urgent'],
    ['次紧急 (urgency=semi_urgent)', 'urgency=semi_urgent'],
    ['open 紧急+次紧急 (what must be done today)', `status=${OPEN}&urgency=urgent,semi_urgent`],
    ['普通 (urgency=normal)', 'urgency=normal'],
    ['次紧急 in 徐汇区, open', `urgency=semi_urgent&district=310104&status=${OPEN}`],
    ['2nd page of open 紧急+次紧急 (cursor)', `status=${OPEN}&urgency=urgent,semi_urgent`, 2],
  ];
  if (ONLY !== 'categories') console.log(`\n诉求检索 via GET /api/v1/admin/reports?limit=20&…, ${RUNS} runs each (ms; load ${load()}):`);
  // BENCH_FROM=n starts at the n-th search (0-based): a run interrupted by the machine's load can be completed.
  for (const [name, qs, page = 1] of ONLY_CATEGORIES ? [] : searches.slice(Number(process.env.BENCH_FROM ?? 0))) {
    const times: number[] = [];
    let count = 0;
    let more = false;
    const base = `/api/v1/admin/reports?limit=20${qs ? `&${qs}` : ''}`;
    // A later page is timed alone: its cursor comes from an untimed first request.
    let url = base;
    if (page > 1) {
      const first = await s.request('GET', base, { token: admin.token });
      url = `${base}&cursor=${first.body.nextCursor}`;
    }
    for (let r = 0; r < RUNS; r++) {
      const start = performance.now();
      const res = await s.request('GET', url, { token: admin.token });
      times.push(performance.now() - start);
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      count = res.body.items.length;
      more = Boolean(res.body.nextCursor);
    }
    console.log(`  ${name.padEnd(36)} p50 ${pct(times, 50).toFixed(0).padStart(6)}  p99 ${pct(times, 99).toFixed(0).padStart(6)}  (${count} rows${more ? ', more' : ''}; load ${os.loadavg()[0].toFixed(1)})`);
  }

  // The export: the newest EXPORT_ROWS of a broad search (a date range covering about that many reports).
  const from = new Date(now - Math.ceil((EXPORT_ROWS / N) * 365 * day)).toISOString();
  for (const format of ONLY_CATEGORIES ? [] : ['xlsx', 'csv']) {
    const times: number[] = [];
    let bytes = 0;
    let peak = 0;
    const rssBefore = process.memoryUsage.rss() / 1e6;
    for (let r = 0; r < Math.max(1, Math.floor(RUNS / 5)); r++) {
      const start = performance.now();
      const { result: res, peakMb } = await peakRss(() => s.request('GET', `/api/v1/admin/reports/export?format=${format}&from=${from}`, { token: admin.token }));
      times.push(performance.now() - start);
      if (res.status !== 200) throw new Error(`export ${format}: ${res.status}`);
      bytes = (res.body as Buffer).length;
      peak = Math.max(peak, peakMb);
    }
    console.log(`export ${format} of ~${EXPORT_ROWS} rows: p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms (${times.length} runs), ${(bytes / 1e6).toFixed(1)} MB; process RSS ${rssBefore.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (the bench holds the whole file it receives); load ${load()}`);
  }
  if (ONLY === 'search') {
    await s.close();
    await stopDb();
    return;
  }
  // 分类管理: per-category figures (two grouped counts) and the keyword check on the last 1,000 reports.
  const timed = async (name: string, call: () => Promise<{ status: number; body: unknown }>) => {
    const times: number[] = [];
    let body: unknown;
    for (let r = 0; r < Math.max(3, Math.floor(RUNS / 2)); r++) {
      const start = performance.now();
      const res = await call();
      times.push(performance.now() - start);
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      body = res.body;
    }
    console.log(`  ${name.padEnd(34)} p50 ${pct(times, 50).toFixed(0).padStart(6)}  p99 ${pct(times, 99).toFixed(0).padStart(6)}`);
    return body;
  };
  console.log(`\n分类管理 (ms):`);
  const firstStart = performance.now();
  await s.request('GET', '/api/v1/admin/categories/figures', { token: admin.token });
  console.log(`  ${'figures, counted (first call)'.padEnd(34)} ${(performance.now() - firstStart).toFixed(0).padStart(10)}`);
  await timed('figures, counts reused (< 30 s)', () => s.request('GET', '/api/v1/admin/categories/figures', { token: admin.token }));
  const impact = (await timed('keyword check, 路灯 with 5 keywords', () =>
    s.request('POST', '/api/v1/admin/categories/street_lights/keyword-impact', { token: admin.token, json: { keywords: ['路灯', '灯不亮', '垃圾堆放', '没人清理', '油烟'] } }))) as { sampled: number; moved: number };
  console.log(`  (keyword check sampled ${impact.sampled} reports, ${impact.moved} would move)`);
  console.log(`(heap used at the end: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB)`);
  await s.close();
  await stopDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
