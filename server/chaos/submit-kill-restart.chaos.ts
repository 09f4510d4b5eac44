/**
 * Fault test: 2,000 reports submitted concurrently while the pipeline is
 * down for part of the run and the server is killed with SIGKILL and started
 * again. Afterwards every report the server acknowledged must be in the
 * database and must have reached the pipeline exactly once by idempotency
 * key. Clients behave like the app: a submit that got no answer is retried
 * with the same Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { freePort } from '../src/db/embeddedDatabase';
import { startFakePipeline } from '../test/fakePipeline';
import { NO_QUOTAS, startServerProcess } from '../test/serverProcess';

const TOTAL = Number(process.env.CHAOS_REPORTS ?? 2000);
const CONCURRENCY = 64;
const SECRET = 'chaos-pipeline-secret-0123456789';

test(`${TOTAL} concurrent submits, pipeline outage, SIGKILL + restart: nothing acknowledged is lost or delivered twice`, async (t) => {
  const dbUri = process.env.TEST_MONGODB_URI;
  if (!dbUri) throw new Error('run through scripts/with-database.ts');
  const dbName = `chaos_${Date.now()}`;
  const fake = await startFakePipeline(SECRET);
  const port = await freePort();
  const env = {
    MONGODB_URI: `${dbUri}/${dbName}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    ...NO_QUOTAS,
    ADMIN_PASSWORD: 'chaos-admin-password',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-chaos-')),
    JWT_SECRET: 'chaos-jwt-secret-0123456789-0123456789',
    PIPELINE_CONNECTOR: 'webhook',
    PIPELINE_WEBHOOK_URL: fake.url,
    PIPELINE_SECRET: SECRET,
    PIPELINE_TIMEOUT_MS: '2000',
    PIPELINE_POLL_MS: '2000',
    PIPELINE_LEASE_MS: '4000',
    PIPELINE_BACKOFF_BASE_MS: '200',
    PIPELINE_MAX_ATTEMPTS: '50',
  };
  let server = await startServerProcess(env);
  const base = `http://127.0.0.1:${port}/api/v1`;

  const tokens: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${base}/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `chaos-${i}` }) });
    tokens.push(((await res.json()) as { token: string }).token);
  }

  const acknowledged = new Map<string, { id: string; ticketNo: string }>();
  let clientRetries = 0;
  let started = 0;
  let killed = false;
  let pipelineDown = false;
  const jobs = Array.from({ length: TOTAL }, (_, i) => ({ key: randomUUID(), token: tokens[i % tokens.length], i }));

  async function submit(job: (typeof jobs)[number]) {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}`, 'idempotency-key': job.key },
          body: JSON.stringify({ kind: 'complaint', description: `第${job.i}号测试诉求：路灯不亮，晚上很黑`, location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02' } }),
          signal: AbortSignal.timeout(15_000),
        });
        if (res.status === 201) {
          const body = (await res.json()) as { id: string; ticketNo: string };
          acknowledged.set(job.key, { id: body.id, ticketNo: body.ticketNo });
          return;
        }
        throw new Error(`HTTP ${res.status}`);
      } catch {
        clientRetries++;
        if (attempt > 200) throw new Error(`gave up on ${job.key}`);
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  }

  async function worker() {
    while (started < jobs.length) {
      const job = jobs[started++];
      if (started === Math.floor(TOTAL * 0.2) && !pipelineDown) {
        pipelineDown = true;
        fake.fail('http500');
      }
      if (started === Math.floor(TOTAL * 0.5) && !killed) {
        killed = true;
        server.kill('SIGKILL');
        await new Promise((r) => server.once('exit', r));
        server = await startServerProcess(env);
      }
      if (started === Math.floor(TOTAL * 0.75)) fake.fail('none');
      await submit(job);
    }
  }
  const t0 = Date.now();
  const progress = setInterval(() => console.log(`chaos: ${acknowledged.size}/${TOTAL} acknowledged, ${clientRetries} client retries, pipeline ${pipelineDown ? 'down' : 'up'}, killed=${killed}`), 5000);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(progress);
  const submitSeconds = (Date.now() - t0) / 1000;

  // Wait for the outbox to drain.
  await mongoose.connect(dbUri, { dbName });
  const reports = mongoose.connection.collection<{ _id: string }>('reports');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const left = await reports.countDocuments({ 'delivery.state': { $ne: 'delivered' } });
    if (left === 0 || Date.now() > deadline) break;
    console.log(`chaos: waiting for ${left} deliveries`);
    await new Promise((r) => setTimeout(r, 2000));
  }

  const ids = [...acknowledged.values()].map((a) => a.id);
  const inDb = await reports.countDocuments({ _id: { $in: ids } });
  const totalInDb = await reports.countDocuments({});
  const delivered = await reports.countDocuments({ 'delivery.state': 'delivered' });
  const keysAtPipeline = new Map<string, number>();
  for (const r of fake.received) if (r.signature === 'ok') keysAtPipeline.set(r.idempotencyKey, (keysAtPipeline.get(r.idempotencyKey) ?? 0) + 1);
  const missingAtPipeline = [...acknowledged.values()].filter((a) => !fake.tickets.has(`report:${a.id}`));
  const summary = {
    submitted: TOTAL,
    acknowledged: acknowledged.size,
    clientRetries,
    submitSeconds,
    acknowledgedInDb: inDb,
    reportsInDb: totalInDb,
    delivered,
    pipelineRequests: fake.received.length,
    pipelineTickets: fake.tickets.size,
    retriedDeliveriesAbsorbed: [...keysAtPipeline.values()].filter((n) => n > 1).length,
    missingAtPipeline: missingAtPipeline.length,
  };
  console.log(`chaos: ${JSON.stringify(summary)}`);
  t.log(summary);

  t.is(acknowledged.size, TOTAL, 'every submit was eventually acknowledged');
  t.is(inDb, acknowledged.size, 'nothing acknowledged is missing from the database');
  t.is(totalInDb, acknowledged.size, 'no duplicate reports from client retries');
  t.is(missingAtPipeline.length, 0, 'every acknowledged report reached the pipeline');
  t.is(fake.tickets.size, acknowledged.size, 'exactly one pipeline ticket per report');
  t.true(killed && pipelineDown);

  await mongoose.disconnect();
  server.kill('SIGTERM');
  await fake.close();
});
