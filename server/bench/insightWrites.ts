/**
 * What the 数据看板's rollup writer writes per submitted report (issue 11: submit p99 with the writer on).
 *
 *   node --import=tsx bench/insightWrites.ts        (in server/; BENCH_SUBMITS, default 200)
 *
 * Starts an embedded database in a temp directory and one API instance with the writer in-process (as
 * bench:insight's inProcess arm), files BENCH_SUBMITS reports at concurrency 8 over HTTP (every one at the
 * same spot, as bench:insight does, so they grow one hotspot), waits for the writer, then files as many again
 * with the writer off and lets one `drain()` take them (the own-instance writer's scan: pages of 200).
 * BENCH_WARM_ROUNDS rounds of as many go first, uncounted (a hotspot and a geo cell grown to thousands of points).
 * The driver's command monitoring counts every command on the writer's collections (`insight_*`) and
 * prints, per report: write commands, their statements, and the SQLite write transactions they cost on the
 * patched FerretDB. The transactions follow from the patches (tools/ferretdb/README.md): an `insert` is one
 * transaction per 100 documents (FerretDB's insert batch); an `update` of ≥ 2 statements that each pin a
 * different `_id`, none an upsert, is one (patch 0005); any other update is one per statement; a `delete` is
 * one (patch 0011 queues its autocommit DELETE like a transaction). Also the wall time of each kind of
 * command (sum and longest), i.e. how long a write transaction may hold the database's one writer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createApp } from '../src/app';
import { createWechatClient } from '../src/auth/wechatClient';
import { startWechatStandIn } from '../src/auth/wechatStandIn';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { silentLogger } from '../src/log';

const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 200);
/** rounds of SUBMITS in-process before the counted one (a grown hotspot and geo cell, as bench:insight's later rounds have) */
const WARM = Number(process.env.BENCH_WARM_ROUNDS ?? 0);

/** CPU ms of this process and of the database child (Linux /proc), as bench/insight.ts reads them. */
let dbPid: number | undefined;
function cpuMs() {
  const self = process.cpuUsage();
  let db = NaN;
  try {
    // utime and stime (fields 14 and 15, after the parenthesised name), in clock ticks of 1/100 s.
    const f = readFileSync(`/proc/${dbPid}/stat`, 'utf8').split(') ')[1].split(' ');
    db = (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    /* no /proc: NaN */
  }
  return { node: (self.user + self.system) / 1e3, db };
}
/** CPU ms per report since `a` (Node: the API instances, the HTTP clients and the writer, all in this process). */
const cpuPer = (a: ReturnType<typeof cpuMs>, reports: number) => {
  const b = cpuMs();
  return { nodeMs: Math.round(((b.node - a.node) / reports) * 100) / 100, dbMs: Math.round(((b.db - a.db) / reports) * 100) / 100 };
};

interface Tally {
  /** wall time of each kind of command (ms, from the driver's started/succeeded events): sum and longest */
  ms: Record<string, { sum: number; max: number }>;
  commands: Record<string, number>;
  statements: Record<string, number>;
  transactions: number;
  reads: number;
}
const empty = (): Tally => ({ ms: {}, commands: {}, statements: {}, transactions: 0, reads: 0 });
let tally = empty();

const kinds = new Map<number, string>();
function count(cmd: Record<string, any>, requestId: number) {
  const name = Object.keys(cmd)[0];
  const coll = String(cmd[name]);
  if (!coll.startsWith('insight_')) return;
  kinds.set(requestId, `${name} ${coll}`);
  const add = (kind: string, statements: number, transactions: number) => {
    const key = `${kind} ${coll}`;
    tally.commands[key] = (tally.commands[key] ?? 0) + 1;
    tally.statements[key] = (tally.statements[key] ?? 0) + statements;
    tally.transactions += transactions;
  };
  if (name === 'insert') add('insert', cmd.documents.length, Math.ceil(cmd.documents.length / 100));
  else if (name === 'update') {
    const u = cmd.updates as { q: Record<string, unknown>; upsert?: boolean; multi?: boolean }[];
    const ids = new Set(u.map((s) => JSON.stringify(s.q._id)));
    const grouped = u.length >= 2 && u.every((s) => !s.upsert && !s.multi && s.q._id !== undefined && typeof s.q._id !== 'object') && ids.size === u.length;
    add(u.some((s) => s.upsert) ? 'upsert' : 'update', u.length, grouped ? 1 : u.length);
  } else if (name === 'delete') add('delete', cmd.deletes.length, cmd.deletes.length);
  else if (name === 'findAndModify') add('findAndModify', 1, 1);
  else if (name === 'find' || name === 'aggregate' || name === 'count') tally.reads++;
}

function timed(requestId: number, ms: number) {
  const key = kinds.get(requestId);
  if (!key) return;
  kinds.delete(requestId);
  const t = (tally.ms[key] ??= { sum: 0, max: 0 });
  t.sum += ms;
  t.max = Math.max(t.max, ms);
}

function report(label: string, reports: number, cpu?: { nodeMs: number; dbMs: number }) {
  const per = (n: number) => Math.round((n / reports) * 100) / 100;
  const commands = Object.values(tally.commands).reduce((a, b) => a + b, 0);
  const statements = Object.values(tally.statements).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ run: label, reports, perReport: { ...(cpu ? { cpu } : {}), writeCommands: per(commands), statements: per(statements), transactions: per(tally.transactions), reads: per(tally.reads) }, byCommand: Object.fromEntries(Object.keys(tally.commands).sort().map((k) => [k, { commands: tally.commands[k], statements: tally.statements[k] }])), ms: Object.fromEntries(Object.entries(tally.ms).sort().map(([k, v]) => [k, { sum: Math.round(v.sum), max: Math.round(v.max) }])) }));
}

async function submitAll(base: string) {
  const citizens = await Promise.all(
    Array.from({ length: Math.ceil(SUBMITS / 5) }, async () => (await (await fetch(`${base}/api/v1/auth/wechat-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: `c-${randomUUID()}` }) })).json()).token as string),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < SUBMITS) {
        const token = citizens[Math.floor(next / 5)];
        next++;
        const res = await fetch(`${base}/api/v1/reports`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ kind: 'complaint', description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃', location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' } }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`submit ${res.status}`);
      }
    }),
  );
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssp-insight-writes-'));
  const db = await startEmbeddedDatabase({ dataDir });
  dbPid = db.pid;
  await connectDatabase(`${db.uri}/?monitorCommands=true`, 'insight_writes');
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (e) => count(e.command as Record<string, any>, e.requestId));
  client.on('commandSucceeded', (e) => timed(e.requestId, e.duration));
  client.on('commandFailed', (e) => timed(e.requestId, e.duration));
  const wechat = await startWechatStandIn({ env: 'test' });
  const start = async (writer: boolean) => {
    const { app, prepare, services } = createApp({
      jwtSecret: 'bench-secret-bench-secret-bench-secret',
      wechat: createWechatClient({ baseUrl: wechat.baseUrl, appid: wechat.appid, secret: wechat.secret }),
      geocoder: null,
      log: silentLogger,
      insight: { writer, scanMs: 3_600_000 },
      classifier: { classifyPerMinute: 1e9 },
    });
    await prepare();
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, services, server };
  };
  const one = await start(true);
  const writer = one.services.insightWriter;
  // Start-up writes (layout, first scan) are not counted.
  await writer.drain();

  for (let i = 0; i < WARM; i++) await submitAll(one.base);
  await writer.drain();
  tally = empty();
  // CPU per report: the submits and the writer (in-process), the submits alone (writer off), the scan alone.
  let cpu0 = cpuMs();
  await submitAll(one.base);
  // What it heard, applied (settle: no scan; main's writer, for a before/after pair, has only drain, which scans).
  const w = writer as { settle?: () => Promise<unknown> };
  await (w.settle ? w.settle() : writer.drain());
  report('in-process (repository events)', SUBMITS, cpuPer(cpu0, SUBMITS));

  // The scan's batches: reports filed through an instance without the writer, then one drain.
  const api = await start(false);
  cpu0 = cpuMs();
  await submitAll(api.base);
  console.log(JSON.stringify({ run: 'submits, writer off', reports: SUBMITS, perReport: { cpu: cpuPer(cpu0, SUBMITS) } }));
  tally = empty();
  cpu0 = cpuMs();
  await writer.drain();
  report('scan (own instance)', SUBMITS, cpuPer(cpu0, SUBMITS));

  for (const x of [one, api]) await new Promise<void>((r) => x.server.close(() => r()));
  await writer.stop();
  await wechat.close();
  await mongoose.disconnect();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
