/**
 * npm run bench:pipeline — the outbox dispatcher delivering to a local webhook
 * receiver (real HTTP, signature checked), our server as its own process.
 *
 * 1. Latency when healthy: reports submitted at BENCH_RATE/s (open loop) for
 *    BENCH_SECONDS; submit→delivered is from sending the submit to the
 *    receiver getting the signed delivery. Prints p50/p99.
 * 2. Throughput: BENCH_BACKLOG reports stored with the dispatcher off, then
 *    a server with the dispatcher on drains them. Prints deliveries/s and CPU per delivery in three
 *    windows: first to last delivery, server start to last (start-up included), and the steady drain
 *    (10th to 90th percentile delivery, start-up excluded: the one to compare builds with).
 * Env: BENCH_RATE (50) BENCH_SECONDS (10) BENCH_BACKLOG (2000) MONGODB_URI (else embedded FerretDB).
 *   BENCH_ONLY=latency|backlog runs one part; BENCH_PROFILE=dir writes a `--cpu-prof` profile of each
 *   server process with the dispatcher on into dir (open in Chrome DevTools or speedscope).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpuSeconds, databasePid } from './cpu';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { startFakePipeline } from '../test/fakePipeline';
import type { ChildProcess } from 'node:child_process';
import { startServerProcess as startServer, NO_QUOTAS } from '../test/serverProcess';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 2000);
const SECRET = 'bench-pipeline-secret-0123456789';
const ONLY = process.env.BENCH_ONLY;
const PROFILE = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

/**
 * Our server processes still running, and the database's stop: on every way out (the figures printed, or a
 * failure such as a server that did not start in time) the servers are stopped and waited for BEFORE the
 * database goes. A server left running (the failure path) or still shutting down when the database stopped
 * printed ECONNREFUSED stacks after the bench had ended (as bench:submit did before d0e94f2).
 */
const servers = new Set<ChildProcess>();
let stopDb = async () => {};
async function startServerProcess(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = await startServer(env, nodeArgs);
  servers.add(child);
  return child;
}
/** SIGTERM, then SIGKILL after 15 s; resolves once it has exited. */
function stopServerProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    servers.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
async function shutdown(): Promise<void> {
  await Promise.all([...servers].map(stopServerProcess));
  await stopDb();
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function login(base: string, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `bench-${i}` }) });
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens;
}

async function submit(base: string, token: string, i: number): Promise<string> {
  const res = await fetch(`${base}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ kind: 'complaint', description: `第${i}号：路灯不亮，晚上很黑`, location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02' } }),
  });
  if (res.status !== 201) throw new Error(`submit HTTP ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

async function main() {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  const dbPid = process.env.MONGODB_URI ? null : databasePid();
  const fake = await startFakePipeline(SECRET);
  const arrivals = () => {
    const m = new Map<string, number>();
    for (const r of fake.received) if (r.signature === 'ok' && !m.has(r.body.reportId)) m.set(r.body.reportId, r.at);
    return m;
  };
  const env = (db: string, dispatcher: 'on' | 'off', port: number) => ({
    MONGODB_URI: `${uri}/${db}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    ...NO_QUOTAS,
    ADMIN_PASSWORD: 'bench-console-passphrase',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-bench-data-')),
    PIPELINE_CONNECTOR: 'webhook',
    PIPELINE_WEBHOOK_URL: fake.url,
    PIPELINE_SECRET: SECRET,
    PIPELINE_DISPATCHER: dispatcher,
    PIPELINE_POLL_MS: '1000',
    ...(process.env.BENCH_INSIGHT ? { INSIGHT_WRITER: process.env.BENCH_INSIGHT } : {}),
  });
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const lines: string[] = [];

  // 1. Latency, healthy pipeline.
  if (ONLY !== 'backlog') {
    const loadBefore = load();
    const port = await freePort();
    const server = await startServerProcess(env('bench_pipeline_latency', 'on', port), PROFILE);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const tokens = await login(base, 20);
    const sentAt = new Map<string, number>();
    const total = RATE * SECONDS;
    const t0 = Date.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const started = Date.now();
      pending.push(submit(base, tokens[i % tokens.length], i).then((id) => void sentAt.set(id, started)));
    }
    await Promise.all(pending);
    for (let i = 0; i < 300 && [...sentAt.keys()].some((id) => !arrivals().has(id)); i++) await new Promise((r) => setTimeout(r, 100));
    const got = arrivals();
    const latencies = [...sentAt].filter(([id]) => got.has(id)).map(([id, at]) => got.get(id)! - at);
    await stopServerProcess(server);
    lines.push(`  healthy, ${RATE} submits/s for ${SECONDS}s: ${latencies.length}/${sentAt.size} delivered; submit→delivered p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${Math.max(...latencies)} ms   (load average before/after: ${loadBefore} / ${load()})`);
    lines.push(`  pipeline requests ${fake.received.length} for ${sentAt.size} tickets`);
  }

  // 2. Throughput: a backlog stored while no dispatcher runs, then drained.
  if (ONLY !== 'latency') {
    fake.received.length = 0;
    let port = await freePort();
    let server = await startServerProcess(env('bench_pipeline_backlog', 'off', port));
    const base = `http://127.0.0.1:${port}/api/v1`;
    const tokens = await login(base, 20);
    const ids: string[] = [];
    for (let i = 0; i < BACKLOG; i += 50) ids.push(...(await Promise.all(Array.from({ length: Math.min(50, BACKLOG - i) }, (_, j) => submit(base, tokens[(i + j) % 20], i + j)))));
    await stopServerProcess(server);
    const loadBefore = load();
    port = await freePort();
    console.error(`draining a backlog of ${ids.length}…`);
    const drainStart = Date.now();
    // CPU used by the drain: our server, the database, and this process (the fake pipeline receiving and
    // checking signatures). Independent of how busy the machine is. Three windows, because the start-up
    // work (connecting, loading the classifier, the dispatcher's legacy-delivery scan, the effects
    // worker's first scans of a backlog that is all pending) lands partly before and partly after the
    // first delivery depending on timing; only the steady window (10th to 90th percentile delivery)
    // compares builds on a shared machine.
    type Cpu = { server: number; db: number; bench: number };
    const cpu = (): Cpu => ({ server: cpuSeconds(server.pid!) ?? NaN, db: dbPid ? (cpuSeconds(dbPid) ?? NaN) : NaN, bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 });
    const atStart: Cpu = { ...cpu(), server: 0 }; // the new server process has used nothing yet
    server = await startServerProcess(env('bench_pipeline_backlog', 'on', port), PROFILE);
    let atFirst: Cpu | null = null;
    let at10: (Cpu & { n: number }) | null = null;
    let at90: (Cpu & { n: number }) | null = null;
    const tenth = Math.max(1, Math.floor(ids.length / 10));
    const ninetieth = Math.max(tenth + 1, Math.floor((ids.length * 9) / 10));
    const startedAt = Date.now();
    for (let n = 0; n < ids.length && Date.now() - startedAt < 600_000; n = arrivals().size) {
      await new Promise((r) => setTimeout(r, 50));
      if (!atFirst && fake.received.length) atFirst = cpu();
      const now = arrivals().size;
      if (!at10 && now >= tenth) at10 = { ...cpu(), n: now };
      if (!at90 && now >= ninetieth) at90 = { ...cpu(), n: now };
    }
    const atLast = cpu();
    const drained = arrivals();
    await stopServerProcess(server);
    const first = Math.min(...drained.values());
    const last = Math.max(...drained.values());
    const diff = (a: Cpu, b: Cpu): Cpu => ({ server: b.server - a.server, db: b.db - a.db, bench: b.bench - a.bench });
    const used = atFirst ? diff(atFirst, atLast) : null;
    lines.push(`  backlog of ${ids.length}: ${drained.size} delivered in ${((last - first) / 1000).toFixed(1)} s after the first → ${(drained.size / ((last - first) / 1000)).toFixed(0)} deliveries/s (server start to first delivery ${first - drainStart} ms)   (load average before/after: ${loadBefore} / ${load()})`);
    if (used) {
      const perDelivery = (x: number) => ((x * 1000) / drained.size).toFixed(2);
      lines.push(`  CPU per delivery while draining: server ${perDelivery(used.server)} ms, database ${perDelivery(used.db)} ms, fake pipeline ${perDelivery(used.bench)} ms` + ` → ${(drained.size / (used.server + (Number.isNaN(used.db) ? 0 : used.db) + used.bench)).toFixed(0)} deliveries per CPU-second   (first delivery to last)`);
    }
    const per = (u: Cpu, n: number) => `server ${((u.server * 1000) / n).toFixed(2)} ms, database ${((u.db * 1000) / n).toFixed(2)} ms, fake pipeline ${((u.bench * 1000) / n).toFixed(2)} ms`;
    lines.push(`  CPU per delivery including start-up (server start to last delivery): ${per(diff(atStart, atLast), drained.size)}`);
    if (at10 && at90 && at90.n > at10.n) {
      lines.push(`  CPU per delivery, steady drain (deliveries ${at10.n}→${at90.n}, start-up excluded; compare builds on this): ${per(diff(at10, at90), at90.n - at10.n)}`);
    }
    lines.push(`  pipeline requests ${fake.received.length} for ${drained.size} tickets`);
  }
  await fake.close();
  await shutdown();

  console.log(`\nbench:pipeline (${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded database'}, webhook on loopback, ${os.cpus().length} cores)`);
  for (const l of lines) console.log(l);
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error(err);
    await shutdown().catch(() => {});
    process.exit(1);
  },
);
