/**
 * npm run bench:submit — POST /api/v1/reports (no photo) under load, against a
 * minimal baseline server that only inserts the same document into the same
 * database. Both run as separate processes on loopback; autocannon drives them
 * from this one. Prints req/s, p50/p99 and the ratio ours/baseline.
 *   BENCH_SECONDS (default 10)  BENCH_RATE (default 300)  BENCH_CONNECTIONS (default 20)
 *   BENCH_DISPATCHER=on also runs the outbox dispatcher (local connector) in
 *   our server, as a single-instance deployment does; default off, which
 *   measures the submit path as an API-only instance serves it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { NO_QUOTAS } from '../test/serverProcess';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { freePort, startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { cpuSeconds, databasePid } from './cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const body = {
  kind: 'complaint',
  description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃，晚上看不清很危险，请尽快处理。',
  location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' },
  contactPhone: '13812345678',
};

/**
 * The baseline: parse JSON, insert one document shaped like ours, answer 201.
 * Nothing else. With `indexed`, its collection carries the same four indexes
 * as ours (ticket number, idempotency key, 我的诉求 listing, outbox), which on
 * FerretDB cost a large share of an insert under concurrency.
 */
async function runBaseline(uri: string, port: number, indexed: boolean) {
  await mongoose.connect(uri, { dbName: indexed ? 'bench_baseline_indexed' : 'bench_baseline' });
  const coll = mongoose.connection.collection('reports');
  if (indexed) {
    await coll.createIndex({ ticketNo: 1 }, { unique: true });
    await coll.createIndex({ citizenId: 1, idempotencyKey: 1 }, { unique: true });
    await coll.createIndex({ citizenId: 1, _id: -1 });
    await coll.createIndex({ 'delivery.state': 1, 'delivery.nextAttemptAt': 1 });
  }
  let seq = 0;
  http
    .createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const now = new Date();
        const doc = { ...input, ticketNo: `B-${process.pid}-${++seq}`, citizenId: new mongoose.Types.ObjectId(), idempotencyKey: randomUUID(), status: 'submitted', delivery: { state: 'pending', attempts: 0, nextAttemptAt: now }, timeline: [{ at: now, status: 'submitted', actor: 'citizen', message: '诉求已提交' }], createdAt: now, updatedAt: now };
        await coll.insertOne(doc);
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: String(doc._id) }));
      });
    })
    .listen(port, '127.0.0.1', () => process.send?.('ready'));
}

function startChild(args: string[], env: NodeJS.ProcessEnv, readyWhen: (line: string) => boolean): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const profile = process.env.BENCH_PROFILE && args[0] === 'src/main.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    // BENCH_TRACE=<file>: our server records its requests, database commands, event-loop stalls and GCs there (bench/submitTrace.ts).
    const trace = process.env.BENCH_TRACE && args[0] === 'src/main.ts' ? [`--import=${path.join(import.meta.dirname, 'submitTrace.ts')}`] : [];
    const child = spawn(process.execPath, [...profile, '--import=tsx', ...trace, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const timer = setTimeout(() => reject(new Error('child did not start')), 90_000);
    child.on('message', (m) => m === 'ready' && (clearTimeout(timer), resolve(child)));
    child.stdout!.on('data', (d: Buffer) => {
      if (readyWhen(d.toString())) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
}

/**
 * Open-loop load at a fixed rate: one request every 1/rate s, latency measured
 * from when it was due (so a stalled server cannot hide its queue: no
 * coordinated omission). autocannon's overallRate sends in bursts, which
 * measures its own scheduling as much as the server.
 */
async function steadyLoad(url: string, headers: () => Record<string, string>, rate: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const payload = JSON.stringify(body);
  const latencies: number[] = [];
  let errors = 0;
  const total = rate * SECONDS;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers() } },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 201) latencies.push(performance.now() - due);
              else errors++;
              resolve();
            });
          },
        );
        req.on('error', () => (errors++, resolve()));
        req.end(payload);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN);
  return { rps: latencies.length / ((performance.now() - start) / 1000), p50: pct(50), p99: pct(99), errors, ok: latencies.length };
}

async function load(url: string, headers: () => Record<string, string>, rate?: number) {
  if (rate) return steadyLoad(url, headers, rate);
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { ...(req.headers as object), ...headers() } }) }],
  });
  const ok = result['2xx'];
  return { rps: ok / SECONDS, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, ok };
}

if (process.argv[2] === 'baseline') {
  await runBaseline(process.argv[3], Number(process.argv[4]), process.argv[5] === 'indexed');
} else {
  let uri = process.env.MONGODB_URI;
  let stopDb = async () => {};
  const dbStartedAt = Date.now(); // FerretDB's statistics loop (patch 0007) ticks every minute from here
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-')) });
    uri = db.uri;
    stopDb = db.stop;
    console.log(`database: ${db.engine}`);
  }
  const oursPort = await freePort();
  const basePort = await freePort();
  const ours = await startChild(['src/main.ts'], { NODE_ENV: 'test', ...NO_QUOTAS, MONGODB_URI: `${uri}/bench_ours`, PORT: String(oursPort), HOST: '127.0.0.1', LOG_LEVEL: 'error', ADMIN_PASSWORD: 'bench-console-passphrase', PIPELINE_DISPATCHER: process.env.BENCH_DISPATCHER === 'on' ? 'on' : 'off', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-data-')) }, (l) => l.includes('is running'));
  const idxPort = await freePort();
  const baseline = await startChild([import.meta.filename, 'baseline', uri, String(basePort), 'bare'], {}, () => false);
  const indexedBaseline = await startChild([import.meta.filename, 'baseline', uri, String(idxPort), 'indexed'], {}, () => false);

  // One token per simulated resident, as on a real busy day.
  const tokens: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${oursPort}/api/v1/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `bench-${i}` }) });
    tokens.push(((await res.json()) as { token: string }).token);
  }
  let n = 0;
  const oursHeaders = () => ({ authorization: `Bearer ${tokens[n++ % tokens.length]}`, 'idempotency-key': randomUUID() });

  // CPU per acknowledged request: the server under test and the database, over each run (the others sit idle meanwhile).
  const dbPid = process.env.MONGODB_URI ? null : databasePid();
  const measured = async (server: ChildProcess, run: () => ReturnType<typeof load>) => {
    const cpu = () => ({ server: cpuSeconds(server.pid!) ?? NaN, db: dbPid ? (cpuSeconds(dbPid) ?? NaN) : NaN });
    const before = cpu();
    const from = Date.now();
    const r = await run();
    const after = cpu();
    // When (epoch ms), to line a run up with BENCH_TRACE's records.
    return { ...r, from, to: Date.now(), cpuMs: { server: Number((((after.server - before.server) * 1000) / r.ok).toFixed(2)), db: Number((((after.db - before.db) * 1000) / r.ok).toFixed(2)) } };
  };
  const fmt = (r: Awaited<ReturnType<typeof measured>>) => `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}   CPU/request: server ${r.cpuMs.server} ms, database ${r.cpuMs.db} ms`;
  console.log(`\nPOST /api/v1/reports, ${CONNECTIONS} connections, ${SECONDS} s per run, loopback, ${os.cpus().length} cores, dispatcher in our server: ${process.env.BENCH_DISPATCHER === 'on' ? 'on' : 'off'}\n`);
  const oursMax = await measured(ours, () => load(`http://127.0.0.1:${oursPort}/api/v1/reports`, oursHeaders));
  console.log(`ours      max      ${fmt(oursMax)}`);
  // The baselines get the same request bytes (token, idempotency key) so the load generator does the same work for each.
  const baseMax = await measured(baseline, () => load(`http://127.0.0.1:${basePort}/`, oursHeaders));
  console.log(`baseline  max      ${fmt(baseMax)}`);
  const idxMax = await measured(indexedBaseline, () => load(`http://127.0.0.1:${idxPort}/`, oursHeaders));
  console.log(`baseline+idx max   ${fmt(idxMax)}`);
  const oursRate = await measured(ours, () => load(`http://127.0.0.1:${oursPort}/api/v1/reports`, oursHeaders, RATE));
  console.log(`ours      @${RATE}/s  ${fmt(oursRate)}`);
  const baseRate = await measured(baseline, () => load(`http://127.0.0.1:${basePort}/`, oursHeaders, RATE));
  console.log(`baseline  @${RATE}/s  ${fmt(baseRate)}`);
  const ratio = oursMax.rps / baseMax.rps;
  const ratioIndexed = oursMax.rps / idxMax.rps;
  console.log(`\nratio ours/baseline (max throughput): ${ratio.toFixed(2)}   (target ≥ 0.50, issue 8)`);
  console.log(`ratio ours/baseline with our indexes:  ${ratioIndexed.toFixed(2)}`);
  console.log(`p99 at ${RATE} req/s offered: ${oursRate.p99} ms   (target ≤ 50 ms)`);
  console.log(JSON.stringify({ oursMax, baseMax, idxMax, oursRate, baseRate, ratio: Number(ratio.toFixed(3)), ratioIndexed: Number(ratioIndexed.toFixed(3)), dbStartedAt }));
  // Stop the servers and wait until they have exited before the database goes: our server's graceful shutdown
  // (finishing requests, stopping its workers, closing its pool) can take longer than a fixed pause, and a
  // database stopped under it made it print ECONNREFUSED stacks after the figures.
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 15_000);
      child.once('exit', () => (clearTimeout(timer), resolve()));
      child.kill('SIGTERM');
    });
  await Promise.all([ours, baseline, indexedBaseline].map(exited));
  await stopDb();
  process.exit(0);
}
