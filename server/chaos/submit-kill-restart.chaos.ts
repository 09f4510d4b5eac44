/**
 * Fault test, several instances on one embedded database: two API instances
 * (PIPELINE_DISPATCHER=off) and one worker instance (dispatcher, effects
 * worker, deadline monitor). 2,000 reports are submitted concurrently, spread
 * over both API instances, while the pipeline is down for part of the run and
 * one API instance is killed with SIGKILL halfway (and started again later).
 * Clients behave like the app: a submit that got no answer is retried with the
 * same Idempotency-Key, on the other instance. Then 40 follow-ups (补充) are
 * made on one ticket at once, through both instances.
 *
 * Afterwards: every acknowledged report is in the database once, with its own
 * ticket number, and reached the pipeline exactly once by idempotency key;
 * every follow-up is in the timeline exactly once and reached the pipeline
 * once, and the timeline lists them in the order the pipeline received them.
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
const FOLLOW_UPS = 40;
const CONCURRENCY = 64;
const SECRET = 'chaos-pipeline-secret-0123456789';

test(`${TOTAL} submits over two API instances + a worker, pipeline outage, SIGKILL of one instance, ${FOLLOW_UPS} concurrent follow-ups: nothing lost, nothing twice`, async (t) => {
  const dbUri = process.env.TEST_MONGODB_URI;
  if (!dbUri) throw new Error('run through scripts/with-database.ts');
  const dbName = `chaos_${Date.now()}`;
  const fake = await startFakePipeline(SECRET);
  const common = {
    MONGODB_URI: `${dbUri}/${dbName}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    ...NO_QUOTAS,
    ADMIN_PASSWORD: 'chaos-console-passphrase',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ssp-chaos-')),
    JWT_SECRET: 'chaos-jwt-secret-0123456789-0123456789',
    PIPELINE_CONNECTOR: 'webhook',
    PIPELINE_WEBHOOK_URL: fake.url,
    PIPELINE_SECRET: SECRET,
    PIPELINE_TIMEOUT_MS: '2000',
    PIPELINE_POLL_MS: '500',
    PIPELINE_LEASE_MS: '4000',
    PIPELINE_BACKOFF_BASE_MS: '200',
    PIPELINE_MAX_ATTEMPTS: '50',
  };
  const ports = [await freePort(), await freePort(), await freePort()];
  const apiEnv = (i: number) => ({ ...common, PORT: String(ports[i]), PIPELINE_DISPATCHER: 'off' });
  // The worker first: it trains and stores the first classifier, which the API instances then load.
  const worker = await startServerProcess({ ...common, PORT: String(ports[2]), PIPELINE_DISPATCHER: 'on' });
  const api = [await startServerProcess(apiEnv(0)), await startServerProcess(apiEnv(1))];
  const up = [true, true];
  const base = (i: number) => `http://127.0.0.1:${ports[i]}/api/v1`;

  const tokens: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${base(i % 2)}/auth/wechat-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `chaos-${i}` }) });
    tokens.push(((await res.json()) as { token: string }).token);
  }

  const acknowledged = new Map<string, { id: string; ticketNo: string }>();
  const servedBy = [0, 0];
  let clientRetries = 0;
  let started = 0;
  let killed = false;
  let pipelineDown = false;
  const jobs = Array.from({ length: TOTAL }, (_, i) => ({ key: randomUUID(), token: tokens[i % tokens.length], i }));

  async function submit(job: (typeof jobs)[number]) {
    for (let attempt = 0; ; attempt++) {
      // Spread over both instances; a retry goes to the other one (as a load balancer would after a failure).
      const target = (job.i + attempt) % 2;
      try {
        const res = await fetch(`${base(target)}/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}`, 'idempotency-key': job.key },
          body: JSON.stringify({ kind: 'complaint', description: `第${job.i}号测试诉求：路灯不亮，晚上很黑`, location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02' } }),
          signal: AbortSignal.timeout(15_000),
        });
        if (res.status === 201) {
          const body = (await res.json()) as { id: string; ticketNo: string };
          acknowledged.set(job.key, { id: body.id, ticketNo: body.ticketNo });
          servedBy[target]++;
          return;
        }
        throw new Error(`HTTP ${res.status}`);
      } catch {
        clientRetries++;
        if (attempt > 200) throw new Error(`gave up on ${job.key}`);
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  }

  async function client() {
    while (started < jobs.length) {
      const job = jobs[started++];
      if (started === Math.floor(TOTAL * 0.2) && !pipelineDown) {
        pipelineDown = true;
        fake.fail('http500');
      }
      if (started === Math.floor(TOTAL * 0.5) && !killed) {
        killed = true;
        up[0] = false;
        api[0].kill('SIGKILL'); // no await: the other clients keep going, onto the other instance
        void new Promise((r) => api[0].once('exit', r))
          .then(() => new Promise((r) => setTimeout(r, 2000)))
          .then(() => startServerProcess(apiEnv(0)))
          .then((p) => {
            api[0] = p;
            up[0] = true;
          });
      }
      if (started === Math.floor(TOTAL * 0.75)) fake.fail('none');
      await submit(job);
    }
  }
  const t0 = Date.now();
  const progress = setInterval(() => console.log(`chaos: ${acknowledged.size}/${TOTAL} acknowledged, ${clientRetries} client retries, pipeline ${pipelineDown ? 'down' : 'up'}, instance A ${up[0] ? 'up' : 'down'}`), 5000);
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  clearInterval(progress);
  const submitSeconds = (Date.now() - t0) / 1000;
  while (!up[0]) await new Promise((r) => setTimeout(r, 200));

  // 40 follow-ups on one ticket at once, half through each instance.
  const [first] = acknowledged.values();
  const owner = jobs.find((j) => acknowledged.get(j.key)?.id === first.id)!.token;
  const texts = Array.from({ length: FOLLOW_UPS }, (_, k) => `第${k}条补充：灯杆底部有裂缝`);
  const answers = await Promise.all(
    texts.map((text, k) =>
      fetch(`${base(k % 2)}/reports/${first.id}/supplement`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
        body: JSON.stringify({ text, mediaIds: [] }),
      }).then((r) => r.status),
    ),
  );

  // Wait for the outbox to drain and the follow-ups to reach the pipeline.
  await mongoose.connect(dbUri, { dbName });
  const reports = mongoose.connection.collection<{ _id: string; timeline: { message: string; status: string; at: Date }[]; effects: unknown[] }>('reports');
  // Delivery state lives in the outbox collection (`_id` = report id), written before each report.
  const deliveries = mongoose.connection.collection<{ _id: string; state: string }>('deliveries');
  const ackIds = () => [...acknowledged.values()].map((a) => a.id);
  const forwarded = () => [...fake.followUps.values()].filter((f) => f.reportId === first.id && f.event === 'supplement');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const left = acknowledged.size - (await deliveries.countDocuments({ _id: { $in: ackIds() }, state: 'delivered' }));
    if ((left === 0 && forwarded().length >= FOLLOW_UPS) || Date.now() > deadline) break;
    console.log(`chaos: waiting for ${left} deliveries, ${forwarded().length}/${FOLLOW_UPS} follow-ups`);
    await new Promise((r) => setTimeout(r, 2000));
  }

  const ids = [...acknowledged.values()].map((a) => a.id);
  const inDb = await reports.countDocuments({ _id: { $in: ids } });
  const totalInDb = await reports.countDocuments({});
  const ticketNos = new Set((await reports.find({}, { projection: { ticketNo: 1 } }).toArray()).map((r) => (r as { ticketNo?: string }).ticketNo));
  const delivered = await deliveries.countDocuments({ _id: { $in: ids }, state: 'delivered' });
  // Outbox documents whose report never arrived: the killed instance died between the two inserts (never acknowledged).
  const outboxWithoutReport = (await deliveries.countDocuments({})) - (await deliveries.countDocuments({ _id: { $in: (await reports.find({}, { projection: { _id: 1 } }).toArray()).map((r) => r._id) } }));
  const keysAtPipeline = new Map<string, number>();
  for (const r of fake.received) if (r.signature === 'ok') keysAtPipeline.set(r.idempotencyKey, (keysAtPipeline.get(r.idempotencyKey) ?? 0) + 1);
  const missingAtPipeline = [...acknowledged.values()].filter((a) => !fake.tickets.has(`report:${a.id}`));
  const ticket = (await reports.findOne({ _id: first.id }))!;
  const inTimeline = ticket.timeline.map((e) => e.message).filter((m) => m.startsWith('您补充了信息：')).map((m) => m.slice('您补充了信息：'.length));
  const atPipeline = forwarded().map((f) => f.message as string);
  const summary = {
    submitted: TOTAL,
    acknowledged: acknowledged.size,
    servedByA: servedBy[0],
    servedByB: servedBy[1],
    clientRetries,
    submitSeconds,
    acknowledgedInDb: inDb,
    reportsInDb: totalInDb,
    distinctTicketNos: ticketNos.size,
    delivered,
    outboxWithoutReport,
    pipelineRequests: fake.received.length,
    pipelineTickets: fake.tickets.size,
    retriedDeliveriesAbsorbed: [...keysAtPipeline.values()].filter((n) => n > 1).length,
    missingAtPipeline: missingAtPipeline.length,
    followUpsAnswered200: answers.filter((s) => s === 200).length,
    followUpsInTimeline: inTimeline.length,
    followUpsAtPipeline: atPipeline.length,
    effectsLeft: ticket.effects?.length ?? 0,
  };
  console.log(`chaos: ${JSON.stringify(summary)}`);
  t.log(summary);

  t.is(acknowledged.size, TOTAL, 'every submit was eventually acknowledged');
  t.true(servedBy[0] > 0 && servedBy[1] > 0, 'both API instances served submits');
  t.is(inDb, acknowledged.size, 'nothing acknowledged is missing from the database');
  t.is(totalInDb, acknowledged.size, 'no duplicate reports from client retries');
  t.is(ticketNos.size, totalInDb, 'no ticket number given twice');
  t.is(missingAtPipeline.length, 0, 'every acknowledged report reached the pipeline');
  t.is(delivered, acknowledged.size, 'every acknowledged report has its outbox document, marked delivered');
  t.is(fake.tickets.size, acknowledged.size, 'exactly one pipeline ticket per report');
  t.true(killed && pipelineDown);

  t.deepEqual(answers, texts.map(() => 200), 'every follow-up was accepted');
  t.deepEqual([...inTimeline].sort(), [...texts].sort(), 'every follow-up is in the timeline exactly once');
  t.deepEqual([...atPipeline].sort(), [...texts].sort(), 'every follow-up reached the pipeline exactly once');
  t.deepEqual(atPipeline, inTimeline, 'the timeline lists the follow-ups in the order the pipeline received them');
  t.is(ticket.timeline[0].status, 'submitted', 'the timeline starts with the submit');

  await mongoose.disconnect();
  for (const p of [...api, worker]) p.kill('SIGTERM');
  await fake.close();
});
