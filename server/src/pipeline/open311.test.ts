import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, submitPhotoOnly, validComplaint, type TestServer } from '../../test/harness';
import { FAKE_OPEN311_KEY, startFakePipeline } from '../../test/fakePipeline';
import { wgs84ToGcj02 } from '../geo/coords';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../log';
import { createOpen311Poller, open311Connector, PollCursor, serviceCodeFor } from './open311';
import { buildPayload } from './dispatcher';
import { loadConfig } from '../config';
import { storedReport } from '../../test/reportStore';

let s: TestServer;
let fake: Awaited<ReturnType<typeof startFakePipeline>>;
const SERVICE_CODES = { manhole_cover: 'SC-0101', municipal: 'SC-01', road_damage: 'SC-0102' };
test.before(async () => {
  fake = await startFakePipeline('unused-webhook-secret-0123456789');
  s = await startTestServer({
    pipeline: {
      connector: 'open311',
      open311: { baseUrl: fake.open311.baseUrl, apiKey: FAKE_OPEN311_KEY, serviceCodes: SERVICE_CODES, pollMs: 60_000 },
      publicBaseUrl: 'http://127.0.0.1:9',
      maxAttempts: 3,
      baseBackoffMs: 20,
      timeoutMs: 500,
      leaseMs: 3000,
    },
  });
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

test.serial('POST /requests.json: mapped service_code, WGS-84 lat/long, description, phone; the service_request_id is kept; a retry makes no second request', async (t) => {
  const me = await s.loginCitizen();
  fake.fail('http500', 1);
  const created = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ contactPhone: '13812345678' }), headers: { 'Idempotency-Key': randomUUID() } });
  const doc = await s.deliverNow(created.body.id);
  t.is(doc.delivery?.state, 'delivered');
  t.is(doc.delivery?.attempts, 2, 'the first attempt hit a 500');
  t.is(doc.delivery?.connector, 'open311');
  const sr = fake.open311.requests.get(doc.delivery!.externalId!);
  t.truthy(sr, 'externalId is the service_request_id');
  t.is(fake.open311.requests.size, 1);

  const form = fake.open311.posts.at(-1)!;
  t.is(form.get('api_key'), FAKE_OPEN311_KEY);
  const code = doc.category?.code ?? '';
  t.is(form.get('service_code'), (SERVICE_CODES as Record<string, string>)[code] ?? (SERVICE_CODES as Record<string, string>)[doc.category?.parentCode ?? ''] ?? code);
  const back = wgs84ToGcj02({ lat: Number(form.get('lat')), lng: Number(form.get('long')) });
  t.true(Math.abs(back.lat - 31.2304) < 2e-6 && Math.abs(back.lng - 121.4737) < 2e-6, 'sent in WGS-84, which maps back to the GCJ-02 point');
  t.true(Math.abs(Number(form.get('long')) - 121.4737) > 0.001, 'not the GCJ-02 numbers themselves');
  t.regex(form.get('description')!, /窨井盖/);
  t.regex(form.get('description')!, new RegExp(created.body.ticketNo));
  t.is(form.get('phone'), '13812345678');
  t.is(form.get('address_string'), '黄浦区人民大道');
});

test.serial('updates are polled with updated_after and walk the ticket through the state machine, once', async (t) => {
  const me = await s.loginCitizen();
  const created = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID() } });
  const doc = await s.deliverNow(created.body.id);
  const srId = doc.delivery!.externalId!;

  fake.open311.update(srId, { agency_responsible: '黄浦区市政管理所' });
  await s.services.open311Poller!.poll();
  let view = await s.request('GET', `/api/v1/reports/${created.body.id}`, { token: me.token });
  t.is(view.body.status, 'dispatched');
  t.is(view.body.department, '黄浦区市政管理所');
  t.deepEqual(view.body.timeline.map((e: { status: string }) => e.status), ['submitted', 'accepted', 'dispatched']);

  fake.open311.update(srId, { status: 'closed', status_notes: '井盖已更换并加固' });
  t.is(await s.services.open311Poller!.poll(), 1);
  view = await s.request('GET', `/api/v1/reports/${created.body.id}`, { token: me.token });
  t.is(view.body.status, 'resolved');
  t.is(view.body.timeline.at(-1).message, '井盖已更换并加固');

  t.is(await s.services.open311Poller!.poll(), 0, 'a repeat of the same update changes nothing');
  const cursor = await PollCursor.findById('open311').lean();
  t.is(cursor?.updatedAfter?.toISOString(), fake.open311.requests.get(srId)!.updated_datetime);
});

test.serial('a category decided after delivery stays ours: GeoReport v2 has no update call, so no second request is posted (it would be a second ticket)', async (t) => {
  const me = await s.loginCitizen();
  const admin = await s.loginAdmin();
  // A photo without text or chip: no category at delivery; triage decides it afterwards.
  const created = await submitPhotoOnly(s, me.token);
  const id = created.id;
  t.is((await s.deliverNow(id)).delivery?.state, 'delivered');
  t.is(fake.open311.posts.at(-1)!.get('service_code'), 'unclassified');
  const posts = fake.open311.posts.length;
  const requests = fake.open311.requests.size;

  const decided = await s.request('POST', `/api/v1/admin/reports/${id}/category`, { token: admin.token, json: { categoryCode: 'road_damage' } });
  t.is(decided.status, 200, JSON.stringify(decided.body));
  const end = Date.now() + 10_000;
  while (((await storedReport(id))?.effects ?? []).length && Date.now() < end) {
    await s.services.effects.runOnce();
    await new Promise((r) => setTimeout(r, 40));
  }
  const stored = (await storedReport(id))!;
  t.deepEqual(stored.effects, [], 'the follow-up was worked (dropped for this connector), not left waiting');
  t.is(stored.category?.code, 'road_damage');
  t.truthy(stored.dueAt, 'our deadline (超期/督办) follows the decision');
  t.is(fake.open311.posts.length, posts, 'nothing more was posted');
  t.is(fake.open311.requests.size, requests, 'no second service request');
});

test('errors from an Open311 server are reported with its code and description', async (t) => {
  const doc = { _id: 'r1', ticketNo: 'T1', kind: 'complaint', description: 'x', urgent: false, createdAt: new Date(), location: {}, point: { lat: 31.2, lng: 121.4 }, mediaIds: [] } as never;
  const payload = buildPayload(doc, { department: null, dueAt: null }, s.services.signer, 'http://x');
  const wrongKey = open311Connector({ baseUrl: fake.open311.baseUrl, apiKey: 'wrong', serviceCodes: {}, timeoutMs: 500 });
  await t.throwsAsync(wrongKey.deliver(payload), { message: /open311 HTTP 403: 403: Invalid api_key/ });
  t.is(serviceCodeFor(payload, {}), 'unclassified');
  t.is(serviceCodeFor({ ...payload, category: { code: 'manhole_cover', name: '', parentCode: 'municipal', parentName: '' } }, { municipal: 'SC-01' }), 'SC-01', 'falls back to the first level');
});

test('config: open311 needs its URL and key; service codes must be a JSON object of strings', (t) => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/ssp-config-test', PIPELINE_CONNECTOR: 'open311' };
  const missing = t.throws(() => loadConfig(base));
  t.regex(missing!.message, /OPEN311_BASE_URL and OPEN311_API_KEY/);
  const badCodes = t.throws(() => loadConfig({ ...base, OPEN311_BASE_URL: 'http://city/open311/', OPEN311_API_KEY: 'k', OPEN311_SERVICE_CODES: '["x"]' }));
  t.regex(badCodes!.message, /OPEN311_SERVICE_CODES/);
  const ok = loadConfig({ ...base, OPEN311_BASE_URL: 'http://city/open311/', OPEN311_API_KEY: 'k', OPEN311_SERVICE_CODES: '{"road_damage":"SC-0102"}' });
  t.deepEqual(ok.OPEN311_SERVICE_CODES, { road_damage: 'SC-0102' });
  t.is(ok.OPEN311_POLL_MS, 60_000);
});

test.serial('the poll cursor only moves forward: an instance that polled from an older cursor does not move it back', async (t) => {
  const saved = await PollCursor.findById('open311').lean();
  const now = Date.now();
  const older = new Date(now - 10 * 60_000);
  const further = new Date(now - 60_000);
  await PollCursor.updateOne({ _id: 'open311' }, { $set: { updatedAfter: older } }, { upsert: true });
  // While this instance's poll is in flight, another one finishes its own and moves the cursor further.
  const server = http.createServer((_req, res) => {
    void PollCursor.updateOne({ _id: 'open311' }, { $set: { updatedAfter: further } }).then(() =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([{ service_request_id: 'not-ours', status: 'open', updated_datetime: new Date(now - 5 * 60_000).toISOString() }])),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const poller = createOpen311Poller({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, apiKey: FAKE_OPEN311_KEY, serviceCodes: {}, timeoutMs: 2000, repo: s.services.repo, tickets: s.services.tickets, log: silentLogger, pollMs: 60_000 });
    await poller.poll();
    t.is((await PollCursor.findById('open311').lean())?.updatedAfter?.getTime(), further.getTime());
  } finally {
    server.close();
    if (saved) await PollCursor.updateOne({ _id: 'open311' }, { $set: { updatedAfter: saved.updatedAfter } });
    else await PollCursor.deleteOne({ _id: 'open311' });
  }
});
