import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, TEST_PIPELINE_SECRET, validComplaint, type TestServer } from '../../test/harness';
import { signedHeaders } from './signature';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

async function newTicket() {
  const citizen = await s.loginCitizen();
  const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID() } });
  return { id: res.body.id as string, ticketNo: res.body.ticketNo as string, citizen };
}

function send(event: Record<string, unknown>, opts: { secret?: string; now?: number; tamper?: boolean } = {}) {
  const body = JSON.stringify(event);
  const headers = signedHeaders(opts.secret ?? TEST_PIPELINE_SECRET, body, opts.now);
  return s.request('POST', '/api/v1/pipeline/events', { body: opts.tamper ? body.replace('}', ',"x":1}') : body, headers: { ...headers, 'Content-Type': 'application/json' } });
}
const event = (ticketNo: string, seq: number, type: string, extra: Record<string, unknown> = {}) => ({ eventId: randomUUID(), ticketNo, seq, type, at: new Date().toISOString(), ...extra });

test('a signed event moves the ticket and shows in the resident\'s timeline', async (t) => {
  const { id, ticketNo, citizen } = await newTicket();
  t.deepEqual((await send(event(ticketNo, 1, 'accepted', { message: '已受理，转交区城管' }))).body, { status: 'applied' });
  t.deepEqual((await send(event(ticketNo, 2, 'dispatched', { department: '黄浦区建设管理委' }))).body, { status: 'applied' });
  const view = await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token });
  t.is(view.body.status, 'dispatched');
  t.is(view.body.department, '黄浦区建设管理委');
  t.truthy(view.body.dueAt);
  t.deepEqual(view.body.timeline.map((e: { status: string }) => e.status), ['submitted', 'accepted', 'dispatched']);
});

test('bad signature, wrong secret, tampered body and stale timestamps are refused and change nothing', async (t) => {
  const { id, ticketNo, citizen } = await newTicket();
  const e = event(ticketNo, 1, 'accepted');
  t.is((await send(e, { secret: 'a-completely-different-secret' })).body.error.code, 'PIPELINE_SIGNATURE_INVALID');
  t.is((await send(e, { tamper: true })).status, 401);
  const stale = await send(e, { now: Date.now() - 6 * 60_000 });
  t.is(stale.status, 401);
  t.is(stale.body.error.code, 'PIPELINE_TIMESTAMP_STALE');
  t.is((await s.request('POST', '/api/v1/pipeline/events', { json: e })).status, 401, 'unsigned');
  t.is((await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token })).body.status, 'submitted');
  t.deepEqual((await send(e)).body, { status: 'applied' }, 'the same event, properly signed, still applies');
});

test('a replayed event id is a duplicate and applied once', async (t) => {
  const { id, ticketNo, citizen } = await newTicket();
  const e = event(ticketNo, 1, 'accepted');
  t.deepEqual((await send(e)).body, { status: 'applied' });
  t.deepEqual((await send(e)).body, { status: 'duplicate' });
  const view = await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token });
  t.is(view.body.timeline.filter((x: { status: string }) => x.status === 'accepted').length, 1);
});

test('out-of-order events are resolved by sequence: a late, older event changes nothing', async (t) => {
  const { id, ticketNo, citizen } = await newTicket();
  await send(event(ticketNo, 1, 'accepted'));
  await send(event(ticketNo, 3, 'dispatched'));
  t.deepEqual((await send(event(ticketNo, 2, 'accepted'))).body, { status: 'stale' });
  t.is((await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token })).body.status, 'dispatched');
});

test('unknown tickets are 404; an illegal move is refused; a malformed event is a 400', async (t) => {
  t.is((await send(event('SH20000101-999999', 1, 'accepted'))).status, 404);
  const { ticketNo } = await newTicket();
  const illegal = await send(event(ticketNo, 1, 'resolved', { message: '已办结' }));
  t.is(illegal.status, 409);
  t.is(illegal.body.error.code, 'ILLEGAL_TRANSITION');
  t.is((await send({ ticketNo, seq: 'x' })).status, 400);
});
