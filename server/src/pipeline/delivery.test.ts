import { randomUUID } from 'node:crypto';
import test from 'ava';
import { TEST_PIPELINE_SECRET, validComplaint, type TestServer } from '../../test/harness';
import { startServerWithFakePipeline, type FakePipeline } from '../../test/fakePipeline';
import { makeJpeg, multipart } from '../../test/images';
import { createDispatcher, backoffMs, DeliveryLease } from './dispatcher';
import { webhookConnector } from './connectors';
import { sign, signedHeaders, verify } from './signature';
import { countDeliveries, setDeliveryFields, storedDelivery, storedReport } from '../../test/reportStore';
import mongoose from 'mongoose';
import { silentLogger } from '../log';

let s: TestServer;
let fake: FakePipeline;

test.before(async () => {
  ({ server: s, fake } = await startServerWithFakePipeline());
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

async function submitReport(extra: Record<string, unknown> = {}) {
  const citizen = await s.loginCitizen();
  const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(extra), headers: { 'Idempotency-Key': randomUUID() } });
  return { report: res.body, citizen };
}

test('signatures: HMAC over timestamp.body, verified, tamper-evident, stale refused', (t) => {
  const body = '{"a":1}';
  const h = signedHeaders('secret-secret-secret', body, 1_800_000_000_000);
  t.is(h['X-Pipeline-Signature'], sign('secret-secret-secret', '1800000000', body));
  t.is(verify('secret-secret-secret', h['X-Pipeline-Timestamp'], h['X-Pipeline-Signature'], body, 1_800_000_000_000), 'ok');
  t.is(verify('secret-secret-secret', h['X-Pipeline-Timestamp'], h['X-Pipeline-Signature'], '{"a":2}', 1_800_000_000_000), 'bad_signature');
  t.is(verify('other-secret-other', h['X-Pipeline-Timestamp'], h['X-Pipeline-Signature'], body, 1_800_000_000_000), 'bad_signature');
  t.is(verify('secret-secret-secret', h['X-Pipeline-Timestamp'], h['X-Pipeline-Signature'], body, 1_800_000_000_000 + 301_000), 'stale');
  t.is(verify('secret-secret-secret', undefined, h['X-Pipeline-Signature'], body), 'missing');
});

test('backoff grows exponentially with jitter and a cap', (t) => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const exp = Math.min(60_000, 1000 * 2 ** attempt);
    t.is(backoffMs(attempt, 1000, 60_000, () => 0), exp / 2);
    t.is(backoffMs(attempt, 1000, 60_000, () => 0.999999), Math.round(exp / 2 + 0.999999 * (exp / 2)));
  }
});

test.serial('a report is delivered once, signed, with the documented payload and fetchable photo links', async (t) => {
  fake.fail('none');
  const citizen = await s.loginCitizen();
  const photo = await s.request('POST', '/api/v1/media', { token: citizen.token, body: multipart('file', 'p.jpg', await makeJpeg()) });
  const res = await s.request('POST', '/api/v1/reports', {
    token: citizen.token,
    json: validComplaint({ mediaIds: [photo.body.id], contactPhone: '13812345678', description: '楼下饭店的油烟直接排进我家窗户' }),
    headers: { 'Idempotency-Key': randomUUID() },
  });
  const doc = await s.deliverNow(res.body.id);
  t.is(doc.delivery!.state, 'delivered');
  t.regex(doc.delivery!.externalId!, /^CITY-/);
  const got = fake.received.filter((r) => r.body.reportId === res.body.id);
  t.is(got.length, 1);
  t.is(got[0].signature, 'ok');
  const p = got[0].body;
  t.is(p.idempotencyKey, `report:${res.body.id}`);
  t.is(p.ticketNo, res.body.ticketNo);
  t.is(p.kind, 'complaint');
  t.is(p.category.parentCode, 'environment');
  t.truthy(p.category.name);
  t.is(p.urgent, false);
  t.is(p.urgency, 'normal');
  t.truthy(p.department);
  t.deepEqual(p.district, { code: '310101', name: '黄浦区' });
  t.is(p.contactPhone, '13812345678');
  t.truthy(p.dueAt);
  t.is(p.mediaUrls.length, 1);
  const link = new URL(p.mediaUrls[0]);
  t.regex(link.search, /sig=/);
  t.is((await s.request('GET', link.pathname + link.search)).status, 200, 'the signed link opens the photo');
  const adminToken = (await s.loginAdmin()).token;
  const staff = await s.request('GET', `/api/v1/reports/${res.body.id}`, { token: adminToken });
  t.is(staff.body.delivery.state, 'delivered');
  // The deadline the pipeline was told is the one stored and shown once the ticket is dispatched.
  await s.request('POST', `/api/v1/admin/reports/${res.body.id}/transitions`, { token: adminToken, json: { to: 'accepted' } });
  const dispatched = await s.request('POST', `/api/v1/admin/reports/${res.body.id}/transitions`, { token: adminToken, json: { to: 'dispatched' } });
  t.is(dispatched.body.dueAt, p.dueAt);
});

test.serial('no phone given → no contactPhone in the payload', async (t) => {
  fake.fail('none');
  const { report } = await submitReport();
  await s.deliverNow(report.id);
  const p = fake.received.find((r) => r.body.reportId === report.id)!.body;
  t.false('contactPhone' in p);
});

test.serial('500s are retried with backoff under the same idempotency key; the pipeline ends with one ticket', async (t) => {
  fake.fail('http500', 2);
  const { report } = await submitReport();
  const doc = await s.deliverNow(report.id);
  t.is(doc.delivery!.state, 'delivered');
  t.is(doc.delivery!.attempts, 3);
  const got = fake.received.filter((r) => r.body.reportId === report.id);
  t.is(got.length, 3);
  t.is(new Set(got.map((g) => g.idempotencyKey)).size, 1);
  t.true(got[1].at - got[0].at >= 10 && got[2].at - got[1].at >= 20, 'waits grow between attempts');
  t.is([...fake.tickets.keys()].filter((k) => k === `report:${report.id}`).length, 1);
});

test.serial('timeouts and dropped connections count as failures and are retried', async (t) => {
  for (const mode of ['timeout', 'drop'] as const) {
    fake.fail(mode, 1);
    const { report } = await submitReport();
    const doc = await s.deliverNow(report.id);
    t.is(doc.delivery!.state, 'delivered', mode);
    t.is(doc.delivery!.attempts, 2, mode);
  }
});

test.serial('after N failures a delivery is dead-lettered, listed for admins with the last error, and an admin retry delivers it', async (t) => {
  fake.fail('http500');
  const { report } = await submitReport();
  const dead = await s.deliverNow(report.id);
  t.is(dead.delivery!.state, 'dead');
  t.is(dead.delivery!.attempts, 3);
  t.regex(dead.delivery!.lastError!, /HTTP 500/);
  const admin = await s.loginAdmin();
  const list = await s.request('GET', '/api/v1/admin/deliveries?state=dead', { token: admin.token });
  const item = list.body.items.find((r: { id: string }) => r.id === report.id);
  t.regex(item.delivery.lastError, /HTTP 500/);
  fake.fail('none');
  t.is((await s.request('POST', `/api/v1/admin/deliveries/${report.id}/retry`, { token: admin.token })).status, 200);
  const again = await s.deliverNow(report.id);
  t.is(again.delivery!.state, 'delivered');
  t.is((await s.request('POST', `/api/v1/admin/deliveries/${report.id}/retry`, { token: admin.token })).body.error.code, 'DELIVERY_NOT_DEAD');
});

test.serial('several dispatchers at once deliver each report exactly once', async (t) => {
  fake.fail('none');
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await submitReport()).report.id);
  // Timeouts far above any answer time: at 1 s, an answer slowed by a loaded machine (load ~20 on 2 cores) timed
  // out, was retried and reached the fake twice — a legitimate retry, not the double claim this test looks for.
  const make = () =>
    createDispatcher({
      repo: s.services.repo,
      connector: webhookConnector({ url: fake.url, secret: TEST_PIPELINE_SECRET, timeoutMs: 15_000 }),
      categories: s.services.categories,
      signer: s.services.signer,
      log: silentLogger,
      publicBaseUrl: 'http://127.0.0.1:9',
      leaseMs: 30_000,
      timeoutMs: 15_000,
    });
  const instances = [make(), make(), make()];
  for (let round = 0; round < 20; round++) {
    await Promise.all(instances.map((d) => d.tick()));
    const left = await countDeliveries({ _id: { $in: ids }, state: 'pending' });
    if (left === 0) break;
  }
  for (const id of ids) {
    t.is((await storedReport(id))!.delivery!.state, 'delivered');
    t.is(fake.received.filter((r) => r.body.reportId === id).length, 1, id);
  }
});

test.serial('a dispatcher claims each delivery once: a scan that runs while a batch is being claimed does not queue that batch again', async (t) => {
  fake.fail('none');
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push((await submitReport()).report.id);
  // Every claim row the dispatcher sends, as report and attempt (`${reportId}:${nextAttemptAt}`, the lease key
  // without its slot): the same attempt claimed twice is a delivery this dispatcher had already claimed (a retry
  // after a failure, e.g. a timeout on a loaded machine, is a new attempt and may be claimed).
  const claimed: string[] = [];
  const coll = DeliveryLease.collection;
  const insertMany = coll.insertMany.bind(coll);
  coll.insertMany = ((docs: { _id: string }[], options: never) => {
    claimed.push(...docs.map((d) => d._id.split(':').slice(0, 2).join(':')).filter((key) => ids.includes(key.split(':')[0])));
    return insertMany(docs as never, options);
  }) as unknown as typeof coll.insertMany;
  // Small batches and no poll interval: whenever fewer than a batch are queued, a scan runs beside the claim.
  const d = createDispatcher({
    repo: s.services.repo,
    connector: webhookConnector({ url: fake.url, secret: TEST_PIPELINE_SECRET, timeoutMs: 10_000 }),
    categories: s.services.categories,
    signer: s.services.signer,
    log: silentLogger,
    publicBaseUrl: 'http://127.0.0.1:9',
    batchSize: 4,
    pollMs: 0,
  });
  try {
    d.start();
    for (let i = 0; i < 600 && (await countDeliveries({ _id: { $in: ids }, state: 'pending' })) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await d.stop();
    coll.insertMany = insertMany;
  }
  for (const id of ids) t.is(fake.received.filter((r) => r.body.reportId === id).length, 1, `${id} delivered once`);
  t.true(claimed.length >= ids.length);
  t.is(new Set(claimed).size, claimed.length, `each attempt claimed once (${claimed.length - new Set(claimed).size} claimed again)`);
});

test.serial('outcomes go as one grouped command; a statement whose compare-and-set fails leaves that delivery as the other writer left it (pending: delivered again later), the others delivered', async (t) => {
  fake.fail('none');
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await submitReport()).report.id);
  const victim = ids[2];
  // Every `update` command on the outbox: which report ids its statements pin.
  const db = mongoose.connection.db!;
  const command = db.command.bind(db);
  const outcomeCommands: string[][] = [];
  db.command = ((cmd: Record<string, any>, options?: never) => {
    if (cmd.update === 'deliveries') outcomeCommands.push((cmd.updates as { q: { _id: string } }[]).map((u) => u.q._id).filter((id) => ids.includes(id)));
    return command(cmd, options);
  }) as typeof db.command;
  // A pipeline that answers all six at once (so their outcomes are written together); while they are under
  // way, another instance records an attempt of the victim's (as after its claim had lapsed there).
  let waiting: (() => void)[] = [];
  let holdFirstRound = true;
  const delivered: string[] = [];
  const connector = {
    name: 'webhook' as const,
    async deliver(p: { reportId: string; ticketNo: string }) {
      delivered.push(p.reportId);
      if (holdFirstRound && ids.includes(p.reportId)) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length < ids.length) return;
          holdFirstRound = false;
          void setDeliveryFields(victim, { attempts: 1, lastError: 'webhook HTTP 500 (another instance)', nextAttemptAt: new Date(Date.now() + 200), due: new Date(Date.now() + 200) }).then(() => {
            for (const w of waiting) w();
            waiting = [];
          });
        });
      }
      return { externalId: `EXT-${p.ticketNo}` };
    },
  };
  const d = createDispatcher({ repo: s.services.repo, connector, categories: s.services.categories, signer: s.services.signer, log: silentLogger, publicBaseUrl: 'http://127.0.0.1:9', batchSize: 50 });
  try {
    await d.tick();
    const grouped = outcomeCommands.find((c) => c.includes(victim));
    t.truthy(grouped);
    t.true(grouped!.length > 1, `the victim's outcome shared its command (${grouped!.length} statements of ours)`);
    for (const id of ids.filter((x) => x !== victim)) t.like(await storedDelivery(id), { state: 'delivered', attempts: 1, externalId: `EXT-${(await storedReport(id))!.ticketNo}` });
    // Not overwritten: the other instance's attempt stands, and the delivery stays due for another go.
    const kept = await storedDelivery(victim);
    t.like(kept, { state: 'pending', attempts: 1, lastError: 'webhook HTTP 500 (another instance)', deliveredAt: null });
    t.truthy(kept!.due);
    // Retryable: once due, it is delivered (again under its idempotency key) and recorded.
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 20 && (await storedDelivery(victim))!.state === 'pending'; i++) {
      await d.tick();
      await new Promise((r) => setTimeout(r, 50));
    }
    t.like(await storedDelivery(victim), { state: 'delivered', attempts: 2 });
    t.is(delivered.filter((id) => id === victim).length, 2);
  } finally {
    db.command = command;
    await d.stop();
  }
});

test('webhook connector (node:http, kept-alive): a 2xx answer is a delivery; no answer in time, a dropped connection and a 5xx are DeliveryErrors', async (t) => {
  const http = await import('node:http');
  let mode: 'ok' | 'silent' | 'drop' | 'http503' = 'ok';
  const seen: { signature: string; key: string; body: string; socket: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ signature: verify(TEST_PIPELINE_SECRET, req.headers['x-pipeline-timestamp'] as string, req.headers['x-pipeline-signature'] as string, body), key: req.headers['idempotency-key'] as string, body, socket: req.socket });
      if (mode === 'silent') return;
      if (mode === 'drop') return void req.socket.destroy();
      if (mode === 'http503') return void res.writeHead(503).end('busy');
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ticketId: `CITY-${seen.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  const connector = webhookConnector({ url, secret: TEST_PIPELINE_SECRET, timeoutMs: 300 });
  const payload = (n: number) => ({ event: 'created', idempotencyKey: `report:${n}`, ticketNo: `T${n}`, reportId: String(n) }) as never;
  try {
    t.deepEqual(await connector.deliver(payload(1)), { externalId: 'CITY-1' });
    t.deepEqual(await connector.deliver(payload(2)), { externalId: 'CITY-2' });
    t.is(seen[0].signature, 'ok');
    t.is(seen[1].key, 'report:2');
    t.is(JSON.parse(seen[1].body).ticketNo, 'T2');
    t.is(seen[0].socket, seen[1].socket, 'the connection is kept alive between deliveries');

    mode = 'silent';
    const started = Date.now();
    const late = await t.throwsAsync(connector.deliver(payload(3)));
    t.regex(late!.message, /^webhook unreachable: TimeoutError/);
    t.true(Date.now() - started < 2000, 'gives up at the timeout');
    mode = 'drop';
    t.regex((await t.throwsAsync(connector.deliver(payload(4))))!.message, /^webhook unreachable/);
    mode = 'http503';
    t.regex((await t.throwsAsync(connector.deliver(payload(5))))!.message, /^webhook HTTP 503: busy/);
    mode = 'ok';
    const next = `CITY-${seen.length + 1}`;
    t.deepEqual(await connector.deliver(payload(6)), { externalId: next }, 'and delivers again afterwards');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
