/**
 * npm run bench:console — 诉求检索 on a realistic table: BENCH_REPORTS (200,000)
 * reports inserted straight into the database (insertMany, not the API), then
 * typical staff searches through the real HTTP API (each BENCH_RUNS times,
 * p50/p99) and a BENCH_EXPORT_ROWS (10,000)-row XLSX and CSV export.
 * Then 分类管理's figures and its keyword check (the last 1,000 reports re-classified twice).
 * Env: BENCH_REPORTS, BENCH_RUNS (20), BENCH_EXPORT_ROWS, MONGODB_URI/TEST_MONGODB_URI (else embedded FerretDB),
 * BENCH_ONLY=categories (skip the searches and exports, which take minutes each on the embedded database).
 */
import mongoose from 'mongoose';
import { SHANGHAI_DISTRICTS } from '@ssp/shared';
import { startTestServer } from '../test/harness';
import { insertRawReports } from '../test/reportStore';
import { DEFAULT_TREE } from '../src/categories/defaultTree';

const N = Number(process.env.BENCH_REPORTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 10_000);
const ONLY_CATEGORIES = process.env.BENCH_ONLY === 'categories';
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
    ticketNo: `SH${createdAt.toISOString().slice(0, 10).replace(/-/g, '')}-B${String(i).padStart(6, '0')}`,
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

async function main() {
  const s = await startTestServer();
  const admin = await s.loginAdmin();
  const t0 = performance.now();
  const now = Date.now();
  const BATCH = 2000;
  for (let i = 0; i < N; i += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => fakeReport(i + j, now));
    await insertRawReports(docs);
    if ((i / BATCH) % 10 === 0) process.stdout.write(`\rseeded ${i + docs.length}/${N}`);
  }
  console.log(`\nseeded ${N} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const week = new Date(now - 7 * 86400_000).toISOString();
  const searches: [string, string][] = [
    ['newest page, no filter', 'limit=50'],
    ['open 噪声 in 徐汇区 last week', `status=submitted,accepted,dispatched,in_progress&category=noise&district=310104&from=${week}`],
    ['ticket number', `q=SH${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-B000123`],
    ['text 路灯不亮', `q=${encodeURIComponent('路灯不亮')}`],
    ['urgent + overdue', 'urgent=1&overdue=1'],
    ['rated 不满意, 浦东新区', 'rating=unsatisfied&district=310115'],
    ['page 5 of 徐汇区 (cursor)', 'district=310104&limit=50'],
  ];
  if (!ONLY_CATEGORIES) console.log(`\n诉求检索 via GET /api/v1/admin/reports, ${RUNS} runs each (ms):`);
  for (const [name, qs] of ONLY_CATEGORIES ? [] : searches) {
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      let url = `/api/v1/admin/reports?${qs}`;
      const pages = name.startsWith('page 5') ? 5 : 1;
      const start = performance.now();
      for (let p = 0; p < pages; p++) {
        const res = await s.request('GET', url, { token: admin.token });
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
        count = res.body.items.length;
        if (res.body.nextCursor) url = `/api/v1/admin/reports?${qs}&cursor=${res.body.nextCursor}`;
      }
      times.push(performance.now() - start);
    }
    console.log(`  ${name.padEnd(34)} p50 ${pct(times, 50).toFixed(0).padStart(6)}  p99 ${pct(times, 99).toFixed(0).padStart(6)}  (${count} rows on the page)`);
  }

  // The export: the first EXPORT_ROWS of a broad search (a date range covering about that many reports).
  const from = new Date(now - Math.ceil((EXPORT_ROWS / N) * 365 * 86400_000)).toISOString();
  for (const format of ONLY_CATEGORIES ? [] : ['xlsx', 'csv']) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < Math.max(1, Math.floor(RUNS / 5)); r++) {
      const start = performance.now();
      const res = await s.request('GET', `/api/v1/admin/reports/export?format=${format}&from=${from}`, { token: admin.token });
      times.push(performance.now() - start);
      bytes = (res.body as Buffer).length;
    }
    console.log(`export ${format} of ~${EXPORT_ROWS} rows: p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB`);
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
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
