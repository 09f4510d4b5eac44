/**
 * SIGTERM to the real server process (src/main.ts, as `npm start` runs it)
 * while 50 submits are in flight: each is answered 201, or fails in a way the
 * app's retry with the same Idempotency-Key completes against the restarted
 * server; 10 more sent just after SIGTERM are refused and retried the same
 * way. Afterwards there are exactly 60 reports: none lost, none twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { freePort } from '../db/embeddedDatabase';
import { NO_QUOTAS, startServerProcess, stopServerProcess } from '../../test/serverProcess';

test('SIGTERM with 50 submits in flight: all answered or retried to completion, none lost, none duplicated', async (t) => {
  t.timeout(720_000); // two server starts of up to 300 s each (test/serverProcess.ts), on a loaded machine
  const dbUri = process.env.TEST_MONGODB_URI;
  if (!dbUri) throw new Error('run through scripts/with-database.ts');
  const dbName = `shutdown_${Date.now()}`;
  const port = await freePort();
  const env = {
    MONGODB_URI: `${dbUri}/${dbName}`,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: 'shutdown-console-passphrase',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-shutdown-')),
    JWT_SECRET: 'shutdown-jwt-secret-0123456789-0123456789',
    SHUTDOWN_GRACE_MS: '10000',
    // 50 submits from few residents: quotas (limits.test.ts) out of the way.
    ...NO_QUOTAS,
  };
  let server = await startServerProcess(env);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const login = await fetch(`${base}/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'shutdown-resident' }) });
  const { token } = (await login.json()) as { token: string };

  const jobs = Array.from({ length: 60 }, (_, i) => ({ key: randomUUID(), i }));
  const submit = (job: (typeof jobs)[number]) =>
    fetch(`${base}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': job.key },
      body: JSON.stringify({ kind: 'complaint', description: `第${job.i}号：小区门口路灯不亮，晚上很黑`, location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02' } }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      async (res) => ({ status: res.status, body: (await res.json().catch(() => null)) as { id?: string } | null }),
      (err: Error) => ({ status: 0, body: null, error: err.message }),
    );

  // Fire all 50, then SIGTERM while they are being served.
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.once('exit', (code) => resolve({ code, at: Date.now() })));
  const inFlight = jobs.slice(0, 50).map(submit);
  await new Promise((r) => setTimeout(r, 150));
  const sigtermAt = Date.now();
  server.kill('SIGTERM');
  // And 10 more that arrive after it: refused, so the client retries them later.
  await new Promise((r) => setTimeout(r, 50));
  const late = jobs.slice(50).map(submit);
  const first = await Promise.all([...inFlight, ...late]);
  const exit = await exited;

  const answered = new Map<string, string>();
  first.forEach((r, i) => r.status === 201 && answered.set(jobs[i].key, r.body!.id!));
  const failed = jobs.filter((j) => !answered.has(j.key));
  const statuses = first.map((r) => r.status);
  t.log({ answeredDuringDrain: answered.size, toRetry: failed.length, statuses: [...new Set(statuses)], exitCode: exit.code, shutdownMs: exit.at - sigtermAt });
  t.is(exit.code, 0, 'the server exited cleanly');
  t.true(exit.at - sigtermAt < 10_000 + 20_000, 'within the grace period plus the time to stop workers');
  t.true(answered.size > 0, 'requests in flight at SIGTERM were answered, not dropped');
  t.true(first.slice(50).every((r) => r.status === 0 || r.status === 201 || r.status === 503), 'late submits are refused or answered, never half-done');
  // No answer except 201 or a failure the client retries (no answer, or 503).
  t.deepEqual(statuses.filter((s) => s !== 201 && s !== 0 && s !== 503), []);

  // The app retries what got no acknowledgement, with the same key, once the server is back.
  server = await startServerProcess(env);
  for (const job of failed) {
    const res = await submit(job);
    t.is(res.status, 201, `retry of ${job.i} completes`);
    answered.set(job.key, res.body!.id!);
  }
  // A retry of an acknowledged one replays it instead of filing it again.
  const replay = await submit(jobs[0]);
  t.is(replay.status, 201);
  t.is(replay.body!.id, answered.get(jobs[0].key));
  await stopServerProcess(server);

  await mongoose.connect(dbUri, { dbName });
  try {
    const reports = await mongoose.connection.collection('reports').find({}, { projection: { _id: 1, idempotencyKey: 1 } }).toArray();
    t.is(reports.length, 60, 'exactly 60 reports: none lost, none duplicated');
    t.deepEqual(reports.map((r) => String(r._id)).sort(), [...answered.values()].sort(), 'each acknowledged id is stored, once');
    await mongoose.connection.dropDatabase();
  } finally {
    await mongoose.disconnect();
  }
});
