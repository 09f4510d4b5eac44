/**
 * npm run bench:insight — the 数据看板 at scale.
 *
 * Seeds BENCH_REPORTS (default 1,000,000) reports over BENCH_DAYS (default 730) straight into the
 * database in bulk, with skew: Zipf-like weights over the second-level categories, the districts and
 * 3,000 "places" (a report lands within ~400 m of a place), more reports on weekdays and in recent months.
 * Then prints, as JSON lines:
 *   - seed and rebuild times;
 *   - p50/p99 of 概览 / 堵点 / 热点 / trends over 30 days and over a year (BENCH_QUERIES requests each, HTTP);
 *   - the submit p99 (POST /api/v1/reports, BENCH_SUBMITS at concurrency 8) with rollup maintenance on and off.
 * MONGODB_URI: use that database (it must be empty or a scratch one); unset, an embedded one in a temp dir.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
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

const N = Number(process.env.BENCH_REPORTS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 730);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 300);
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

const endDay = shanghaiDay(new Date());
const startMs = Date.parse(`${addDays(endDay, -DAYS + 1)}T00:00:00+08:00`);
const spanMs = DAYS * 86_400_000;

function makeReport(i: number) {
  // More recent reports than old ones (volume grows), none in the future.
  const createdAt = new Date(startMs + Math.min(spanMs - 1, Math.sqrt(rnd()) * spanMs));
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

async function startApp(writer: boolean) {
  const wechat = await startWechatStandIn({ env: 'test' });
  const { app, prepare, services } = createApp({
    jwtSecret: 'bench-secret-bench-secret-bench-secret',
    wechat: createWechatClient({ baseUrl: wechat.baseUrl, appid: wechat.appid, secret: wechat.secret }),
    geocoder: null,
    log: silentLogger,
    insight: { writer },
    classifier: { classifyPerMinute: 1e9 },
  });
  await prepare();
  await services.auth.seedAdmin('admin', 'bench-admin-password', () => {});
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await (await fetch(`${base}/api/v1/auth/admin-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })).json();
  return {
    base,
    services,
    token: login.token as string,
    async close() {
      await services.insightWriter.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await wechat.close();
    },
  };
}

async function submitP99(app: Awaited<ReturnType<typeof startApp>>) {
  const citizens = await Promise.all(
    Array.from({ length: 8 }, async () => (await (await fetch(`${app.base}/api/v1/auth/wechat-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: `c-${randomUUID()}` }) })).json()).token as string),
  );
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    citizens.map(async (token) => {
      while (next < SUBMITS) {
        next++;
        const t0 = performance.now();
        const res = await fetch(`${app.base}/api/v1/reports`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ kind: 'complaint', description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃', location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' } }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`submit ${res.status}`);
        times.push(performance.now() - t0);
      }
    }),
  );
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), n: times.length };
}

async function main() {
  let uri = process.env.MONGODB_URI;
  let stopDb = async () => {};
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-insight-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  await connectDatabase(uri, `bench_insight_${Date.now()}`);
  out({ reports: N, days: DAYS, database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB' });

  let t0 = performance.now();
  const BATCH = 5000;
  for (let i = 0; i < N; i += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => makeReport(i + k));
    await insertRawReports(docs);
    if ((i / BATCH) % 20 === 19) process.stderr.write(`seeded ${i + BATCH}\n`);
  }
  out({ step: 'seed', seconds: Math.round((performance.now() - t0) / 100) / 10, perSecond: Math.round(N / ((performance.now() - t0) / 1000)) });

  const app = await startApp(true);
  t0 = performance.now();
  const rebuilt = await app.services.insightWriter.rebuild();
  out({ step: 'rebuild', seconds: Math.round((performance.now() - t0) / 100) / 10, ...rebuilt });
  // Hotspots are found as reports arrive, not by the rebuild: let the last day's reports go through detection.
  await app.services.insightWriter.drain();

  for (const [label, days] of [['30 days', 30], ['1 year', 365]] as const) {
    const from = addDays(endDay, -days + 1);
    for (const page of ['overview', 'blockers', 'hotspots', 'trends']) {
      const times: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t = performance.now();
        const res = await fetch(`${app.base}/api/v1/admin/insight/${page}?from=${from}&to=${endDay}`, { headers: { Authorization: `Bearer ${app.token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${page} ${res.status}`);
        times.push(performance.now() - t);
      }
      out({ page, period: label, p50ms: pct(times, 0.5), p99ms: pct(times, 0.99), n: times.length });
    }
  }
  const on = await submitP99(app);
  await app.close();
  const offApp = await startApp(false);
  const off = await submitP99(offApp);
  await offApp.close();
  out({ step: 'submit', rollupsOn: on, rollupsOff: off, p99Ratio: Math.round((on.p99 / off.p99) * 100) / 100 });
  await mongoose.connection.dropDatabase().catch(() => {});
  await mongoose.disconnect();
  await stopDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
