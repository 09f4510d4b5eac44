/**
 * Where our server's CPU goes per submit (issue 8, "Speed"): runs the server under `node --cpu-prof`,
 * sends POST /api/v1/reports open-loop at a fixed rate (as bench:submit's second phase does), and sums
 * the profile's samples taken while the load ran, per submit:
 *   - by package / part (koa, the router, mongoose, the driver, bson, zod, jsonwebtoken, our modules, node's
 *     http and streams, GC), as self time;
 *   - by step of the submit (inclusive time of named functions: JWT verify, validation, classification,
 *     the presenter, the group commits…), counted once per stack however deep the function recurses.
 * Usage (in server/): node --import=tsx bench/submitProfile.ts [file.cpuprofile]
 *   PROFILE_RATE (default 200)  PROFILE_SECONDS (default 10)  PROFILE_DIR (where the profile is kept)
 * With a file, only the summary of that profile is printed (the load's window and count are kept beside it).
 * A profile costs the server some CPU itself (sampling every 1 ms): compare shares, and compare runs of
 * this script with each other, not with bench:submit's CPU figures.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NO_QUOTAS } from '../test/serverProcess';
import { freePort, startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { cpuSeconds } from './cpu';

const RATE = Number(process.env.PROFILE_RATE ?? 200);
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);

const body = JSON.stringify({
  kind: 'complaint',
  description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃，晚上看不清很危险，请尽快处理。',
  location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' },
  contactPhone: '13812345678',
});

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** The part of the program a function belongs to, from its file. */
function partOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node:${m?.[1] ?? url}`;
  }
  const ours = /\/(server|shared)\/src\/(.+?)\.[cm]?[jt]s/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

/**
 * Steps of a submit, by the function (and file) that does them. Inclusive: a step's time is every sample
 * with that function on its stack. The first match from the top of the stack wins for nested steps only
 * within the same step name (a step is counted once per sample).
 */
const STEPS: { step: string; test: (f: CallFrame) => boolean }[] = [
  { step: 'request total (koa handleRequest)', test: (f) => f.functionName === 'handleRequest' && f.url.includes('/koa/lib/application') },
  { step: 'auth: authenticate (JWT verify + account cache)', test: (f) => f.functionName === 'authenticate' && f.url.includes('/auth/tokens') },
  { step: 'auth: jwt.verify', test: (f) => f.functionName === 'module.exports' && f.url.includes('jsonwebtoken/verify') },
  { step: 'validation: parse (zod)', test: (f) => f.functionName === 'parse' && f.url.includes('/http/middleware') },
  { step: 'reportService.create (all of it)', test: (f) => f.functionName === 'create' && f.url.includes('/reports/reportService') },
  { step: 'classification (classify)', test: (f) => f.functionName === 'classify' && f.url.includes('/classification/') },
  { step: 'hashRequest', test: (f) => f.functionName === 'hashRequest' },
  { step: 'geo resolveOffline', test: (f) => f.functionName === 'resolveOffline' },
  { step: 'presenter (presentReport)', test: (f) => f.functionName === 'presentReport' },
  { step: 'rate limit (consume/take)', test: (f) => (f.functionName === 'consume' || f.functionName === 'take') && f.url.includes('/http/rateLimits') },
  { step: 'group commit flush (insert batches)', test: (f) => f.functionName === 'flush' && f.url.includes('/db/groupCommit') },
  { step: 'group compare-and-set (quota takes)', test: (f) => (f.functionName === 'flush' || f.functionName === 'send') && f.url.includes('/db/groupCompareAndSet') },
  { step: 'repository insert', test: (f) => f.functionName === 'insert' && f.url.includes('/reports/reportRepository') },
  { step: "'stored' listeners (dispatcher, insight)", test: (f) => f.functionName === 'emit' && f.url.includes('/reports/reportRepository') },
  { step: 'error handler + request id', test: (f) => f.url.includes('/http/middleware') && f.functionName === 'errorHandler' },
  { step: 'response: koa respond (JSON.stringify + write)', test: (f) => f.functionName === 'respond' && f.url.includes('/koa/lib/application') },
  { step: 'router dispatch (@koa/router)', test: (f) => f.functionName === 'dispatch' && f.url.includes('@koa/router') },
  { step: 'driver: command serialise (bson)', test: (f) => f.url.includes('/bson/') && (f.functionName === 'serialize' || f.functionName === 'serializeInto') },
  { step: 'driver: reply parse (bson deserialize)', test: (f) => f.url.includes('/bson/') && (f.functionName === 'deserialize' || f.functionName === 'internalDeserialize') },
  { step: 'mongodb driver (any)', test: (f) => /node_modules\/mongodb\//.test(f.url) },
  { step: 'mongoose (any)', test: (f) => /node_modules\/mongoose\//.test(f.url) },
  { step: 'zod (any)', test: (f) => /node_modules\/zod\//.test(f.url) },
  { step: 'prom-client (any)', test: (f) => /node_modules\/prom-client\//.test(f.url) },
  { step: 'GC', test: (f) => f.functionName === '(garbage collector)' },
];

export function summarise(profile: Profile, from: number, to: number, submits: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByPart = new Map<string, number>();
  const stepTime = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    const node = byId.get(profile.samples[i])!;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const part = partOf(node.callFrame);
    selfByPart.set(part, (selfByPart.get(part) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      for (const s of STEPS) if (!seen.has(s.step) && s.test(frame)) seen.add(s.step);
    }
    for (const s of seen) stepTime.set(s, (stepTime.get(s) ?? 0) + dt);
  }
  const ms = (us: number) => (us / 1000 / submits).toFixed(3).padStart(7);
  const lines = [`busy ${ms(total)} ms per submit (idle ${(idle / 1e6).toFixed(1)} s over the window, ${submits} submits)`, '', 'self time by part:'];
  for (const [part, us] of [...selfByPart].sort((a, b) => b[1] - a[1]).slice(0, 30)) lines.push(`  ${ms(us)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${part}`);
  lines.push('', 'inclusive time by step:');
  for (const s of STEPS) {
    const us = stepTime.get(s.step) ?? 0;
    if (us) lines.push(`  ${ms(us)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${s.step}`);
  }
  return lines.join('\n');
}

async function steady(port: number, tokens: string[], rate: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: '/api/v1/reports', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${tokens[i % tokens.length]}`, 'idempotency-key': randomUUID() } },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 201 ? ok++ : failed++, resolve()));
          },
        );
        req.on('error', () => (failed++, resolve()));
        req.end(body);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return { ok, failed };
}

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  let window = { from: profile.startTime, to: profile.endTime, submits: 1 };
  try {
    window = JSON.parse(readFileSync(`${process.argv[2]}.window.json`, 'utf8'));
  } catch {
    // a profile not made by this script: all of it, per 1
  }
  console.log(summarise(profile, window.from, window.to, window.submits));
} else {
  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'ssp-profile-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssp-profile-data-'));
  const db = await startEmbeddedDatabase({ dataDir: dbDir });
  const dir = process.env.PROFILE_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ssp-cpuprof-'));
  const port = await freePort();
  const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import=tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_ENV: 'test', ...NO_QUOTAS, MONGODB_URI: `${db.uri}/profile_submit`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', ADMIN_PASSWORD: 'bench-console-passphrase', PIPELINE_DISPATCHER: 'off', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => d.toString().includes('is running') && resolve());
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const tokens: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `bench-${i}` }) });
    tokens.push(((await res.json()) as { token: string }).token);
  }
  await steady(port, tokens, RATE, 2); // warm-up: JIT, caches, the first ticket-number block
  // Read and write system calls (socket reads/writes: the HTTP requests and answers, the database's commands and replies).
  const io = () => Object.fromEntries(readFileSync(`/proc/${server.pid}/io`, 'utf8').trim().split('\n').map((l) => [l.split(':')[0], Number(l.split(':')[1])]));
  const ioBefore = io();
  const cpuBefore = cpuSeconds(server.pid!)!;
  // V8's profile timestamps and process.hrtime are both CLOCK_MONOTONIC in this kernel's terms, in µs and ns.
  const from = Number(process.hrtime.bigint() / 1000n);
  const { ok, failed } = await steady(port, tokens, RATE, SECONDS);
  const to = Number(process.hrtime.bigint() / 1000n);
  const cpu = cpuSeconds(server.pid!)! - cpuBefore;
  const ioAfter = io();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  await db.stop();
  for (const dir of [dbDir, dataDir]) rmSync(dir, { recursive: true, force: true });
  // The main thread's profile is the big one (module loader threads write their own, small ones).
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  writeFileSync(`${file}.window.json`, JSON.stringify({ from, to, submits: ok }));
  console.log(`${ok} submits (${failed} failed) at ${RATE}/s for ${SECONDS} s; server CPU ${((cpu * 1000) / ok).toFixed(2)} ms per submit (/proc, profiler on); per submit ${((ioAfter.syscw - ioBefore.syscw) / ok).toFixed(2)} write and ${((ioAfter.syscr - ioBefore.syscr) / ok).toFixed(2)} read system calls; profile ${file}\n`);
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, from, to, ok));
}
