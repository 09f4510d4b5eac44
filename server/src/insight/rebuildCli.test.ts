/**
 * `npm run insight -- rebuild` as a person runs it: a child process, on the embedded database of a real
 * server (src/main.ts as `npm start` runs it, its own DATA_DIR, database `suishenpai`), first while the server
 * runs (the command finds it and asks its writer) and then with the server stopped (the command opens the
 * data directory itself). Each time the rollups are deleted first, and what the command writes must equal
 * what the server maintained as the reports came in.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import mongoose from 'mongoose';
import { embeddedUriFile, freePort, startEmbeddedDatabase } from '../db/embeddedDatabase';
import { EMBEDDED_DB_NAME } from '../db/scriptDatabase';
import { insertRawReports } from '../../test/reportStore';
import { NO_QUOTAS, startServerProcess, stopServerProcess } from '../../test/serverProcess';
import { Bucket, Fact } from './insightModel';

const run = promisify(execFile);
const A = { code: 'road_damage', name: '道路破损', parentCode: 'roads_facilities', parentName: '道路与市政设施' };
const B = { code: 'property_service', name: '物业服务', parentCode: 'housing_property', parentName: '住房与物业' };
const H = { code: '310101', name: '黄浦区' };
const X = { code: '310104', name: '徐汇区' };

/** Reports of the last weeks, with histories and ratings (every bucket part gets entries: counters, days, hours, cells). */
function history(i: number) {
  const at = new Date(Date.now() - (i * 37 % 400) * 3600_000 - 3600_000);
  const status = ['submitted', 'accepted', 'resolved', 'closed'][i % 4];
  const steps = ['accepted', 'dispatched', 'resolved', 'closed'].slice(0, i % 4 === 0 ? 0 : i % 4 === 1 ? 1 : i % 4 === 2 ? 3 : 4);
  const point = { lat: 31.2 + (i % 5) * 0.004, lng: 121.45 + (i % 3) * 0.005 };
  return {
    _id: new mongoose.Types.ObjectId().toHexString(),
    ticketNo: `CLI-${i}-${randomUUID().slice(0, 6)}`,
    citizenId: new mongoose.Types.ObjectId(),
    idempotencyKey: randomUUID(),
    requestHash: 'cli',
    kind: i % 3 ? 'complaint' : 'snap',
    status,
    description: '测试',
    category: i % 2 ? A : B,
    urgent: i % 7 === 0,
    point,
    location: { ...point, coordSystem: 'gcj02' },
    district: i % 2 ? H : X,
    timeline: [{ at, status: 'submitted', actor: 'citizen', message: '已提交' }, ...steps.map((s, k) => ({ at: new Date(at.getTime() + (k + 1) * 5 * 3600_000), status: s, actor: 'admin', message: s }))],
    overdueAt: i % 5 === 0 ? new Date(at.getTime() + 48 * 3600_000) : null,
    rating: status === 'closed' ? { value: i % 8 === 3 ? 'unsatisfied' : 'satisfied', at } : null,
    delivery: { state: 'delivered', attempts: 1 },
    effects: [],
    createdAt: at,
    updatedAt: new Date(),
  };
}

/** The buckets as stored, without the writer's batch guard `j` and zero counters (as insight.test.ts compares them). */
async function snapshot() {
  const docs = await Bucket.find({}).sort({ _id: 1 }).lean<Record<string, unknown>[]>();
  const clean = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if (k !== 'j' && (v as Record<string, unknown>)[k] !== 0) out[k] = clean((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return docs.map(clean);
}

/** The command as README gives it (`npm run insight -- rebuild` runs this script in server/), with a fresh clone's environment: no NODE_ENV, no secrets. */
async function rebuildCommand(dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '' };
  delete env.NODE_ENV;
  delete env.JWT_SECRET;
  const { stdout, stderr } = await run('npm', ['run', '--silent', 'insight', '--', 'rebuild'], { cwd: path.resolve(import.meta.dirname, '../..'), env, timeout: 300_000 });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as { rebuilt: boolean; reports: number; buckets: number }, stderr };
}

test('npm run insight -- rebuild on the embedded database: with the server running and stopped, it rewrites exactly the maintained rollups', async (t) => {
  t.timeout(900_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssp-insight-cli-'));
  const port = await freePort();
  const env = {
    MONGODB_URI: '',
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: 'insight-cli-console-passphrase',
    DATA_DIR: dataDir,
    JWT_SECRET: 'insight-cli-jwt-secret-0123456789-0123456789',
    INSIGHT_WRITER: 'on',
    INSIGHT_SCAN_MS: '1000',
    ...NO_QUOTAS,
  };
  // A fresh DATA_DIR: the server trains its classifier before it listens, which takes minutes on a loaded machine.
  const server = await startServerProcess(env, [], 420_000);
  try {
    // The server's own database, found as the command finds it (the address it notes in DATA_DIR).
    await mongoose.connect(readFileSync(embeddedUriFile(dataDir), 'utf8').trim(), { dbName: EMBEDDED_DB_NAME });
    const base = `http://127.0.0.1:${port}/api/v1`;
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${base}/auth/wechat-login`, { method: 'POST', headers: json, body: JSON.stringify({ code: 'insight-cli-resident' }) });
    const { token } = (await login.json()) as { token: string };
    const adminLogin = await fetch(`${base}/auth/admin-login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin', password: env.ADMIN_PASSWORD }) });
    const admin = ((await adminLogin.json()) as { token: string }).token;
    // Reports filed through the API (the writer hears them) and moved on by staff…
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${base}/reports`, {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ kind: 'complaint', description: i % 2 ? '小区物业不作为，电梯坏了没人修' : '人行道地砖破损，老人容易绊倒', location: { lat: 31.2304 + i * 0.0003, lng: 121.4737, coordSystem: 'gcj02' } }),
      });
      if (res.status !== 201) throw new Error(`submit: ${res.status} ${await res.text()}`);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const id of ids.slice(0, 4)) {
      const res = await fetch(`${base}/admin/reports/${id}/transitions`, { method: 'POST', headers: { ...json, authorization: `Bearer ${admin}` }, body: JSON.stringify({ to: 'accepted', message: '受理' }) });
      if (res.status !== 200) throw new Error(`transition: ${res.status} ${await res.text()}`);
    }
    // …and history written straight into the collection (the writer's scan finds it).
    await insertRawReports(Array.from({ length: 40 }, (_, i) => history(i)));
    const reports = 48;
    // Maintained: every report has its fact, and the buckets stay still.
    let maintained: unknown[] = [];
    for (let k = 0; k < 120; k++) {
      await new Promise((r) => setTimeout(r, 1000));
      if ((await Fact.countDocuments({})) < reports) continue;
      const a = await snapshot();
      await new Promise((r) => setTimeout(r, 1500));
      if (JSON.stringify(a) === JSON.stringify(await snapshot())) {
        maintained = a;
        break;
      }
    }
    t.true(maintained.length > 10, 'the server maintained the rollups');

    // 1. Server running: the command uses its database and asks its writer.
    await Bucket.deleteMany({});
    const running = await rebuildCommand(dataDir);
    t.regex(running.stderr, /running server's embedded database/);
    t.regex(running.stderr, /asked it to rebuild/);
    t.like(running.result, { rebuilt: true, reports });
    t.deepEqual(await snapshot(), maintained);

    // 2. Server stopped: the command opens the data directory itself.
    await mongoose.disconnect();
    await stopServerProcess(server);
    let db = await startEmbeddedDatabase({ dataDir });
    await mongoose.connect(db.uri, { dbName: EMBEDDED_DB_NAME });
    await Bucket.deleteMany({});
    t.deepEqual(await snapshot(), []);
    await mongoose.disconnect();
    await db.stop();
    const stopped = await rebuildCommand(dataDir);
    t.regex(stopped.stderr, /no server running on it/);
    t.like(stopped.result, { rebuilt: true, reports });
    db = await startEmbeddedDatabase({ dataDir });
    await mongoose.connect(db.uri, { dbName: EMBEDDED_DB_NAME });
    t.deepEqual(await snapshot(), maintained);
    t.is(await Fact.countDocuments({}), reports);
    await mongoose.disconnect();
    await db.stop();
  } finally {
    await mongoose.disconnect().catch(() => {});
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
