import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, TEST_TEMPLATES, validComplaint, type TestServer } from '../../test/harness';
import { openidFor } from '../auth/wechatStandIn';
import { Message, SubscriptionGrant } from './notificationModels';
import { createWechatMessenger } from './wechatMessenger';

let s: TestServer;
let admin: string;
test.before(async () => {
  s = await startTestServer();
  admin = (await s.loginAdmin()).token;
});
test.after.always(async () => s?.close());

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 40));
  }
}

async function resident() {
  const code = `code-${randomUUID()}`;
  const { token, userId } = await s.loginCitizen(code);
  const res = await s.request('POST', '/api/v1/reports', { token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID() } });
  return { token, userId, openid: openidFor(s.wechat.appid, code), report: res.body as { id: string; ticketNo: string } };
}

const move = (id: string, to: string, extra: Record<string, unknown> = {}) =>
  s.request('POST', `/api/v1/admin/reports/${id}/transitions`, { token: admin, json: { to, ...extra } });

const sentTo = (openid: string) => s.wechat.sent.filter((m) => m.touser === openid);

test('the app learns which templates to ask for; unknown templates are refused with a clear error', async (t) => {
  const { token, userId } = await resident();
  const res = await s.request('GET', '/api/v1/notifications/templates', { token });
  t.is(res.status, 200);
  t.deepEqual(res.body.templateIds, [TEST_TEMPLATES.accepted, TEST_TEMPLATES.dispatched, TEST_TEMPLATES.resolved]); // WeChat takes 3 per request
  t.is(res.body.events.length, 4);
  const bad = await s.request('POST', '/api/v1/me/subscriptions', { token, json: { results: { 'not-ours': 'accept' } } });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'TEMPLATE_UNKNOWN');
  t.regex(bad.body.error.message, /模板/);
  t.is(await SubscriptionGrant.countDocuments({ citizenId: userId }), 0, 'nothing recorded');
});

test('subscribed status changes go out as WeChat messages; the rest are in-app only, and every change is in the message list', async (t) => {
  const r = await resident();
  // The resident taps 允许 for 受理 and 派单, 拒绝 for 办结: WeChat records the grants, the app tells us.
  s.wechat.grant(r.openid, TEST_TEMPLATES.accepted);
  s.wechat.grant(r.openid, TEST_TEMPLATES.dispatched);
  const sub = await s.request('POST', '/api/v1/me/subscriptions', {
    token: r.token,
    json: { reportId: r.report.id, results: { [TEST_TEMPLATES.accepted]: 'accept', [TEST_TEMPLATES.dispatched]: 'accept', [TEST_TEMPLATES.resolved]: 'reject' } },
  });
  t.deepEqual(sub.body, { granted: 2 });
  const tokenCallsBefore = s.wechat.requests.filter((q) => q.path === '/cgi-bin/stable_token').length;

  t.is((await move(r.report.id, 'accepted')).status, 200);
  await until(() => Promise.resolve(sentTo(r.openid).length), (n) => n === 1);
  t.is((await move(r.report.id, 'dispatched')).status, 200);
  await until(() => Promise.resolve(sentTo(r.openid).length), (n) => n === 2);
  t.is((await move(r.report.id, 'resolved', { message: '井盖已更换加固' })).status, 200);

  const list = await until(
    () => s.request('GET', '/api/v1/me/messages', { token: r.token }),
    (res) => res.body.items?.length === 3,
  );
  t.deepEqual(list.body.items.map((m: { status: string }) => m.status), ['resolved', 'dispatched', 'accepted'], 'newest first');
  t.is(list.body.unread, 3);
  t.regex(list.body.items[0].body, /井盖已更换加固/);
  t.is(list.body.items[0].ticketNo, r.report.ticketNo);

  const sent = sentTo(r.openid);
  t.is(sent.length, 2, 'one WeChat message per subscription; 办结 was not subscribed');
  t.is(sent[0].template_id, TEST_TEMPLATES.accepted);
  t.is(sent[0].page, `tickets/detail/index?id=${r.report.id}`);
  t.is(sent[0].data.character_string1.value, r.report.ticketNo);
  t.is(sent[0].data.phrase2.value, '已受理');
  t.regex(sent[0].data.time4.value, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  t.true([...sent[1].data.thing3.value].length <= 20, 'thing values fit WeChat’s 20-character limit');
  t.is(s.wechat.requests.filter((q) => q.path === '/cgi-bin/stable_token').length - tokenCallsBefore <= 1, true, 'the access token is cached, not fetched per message');

  const states = await until(
    () => Message.find({ reportId: r.report.id }).sort({ _id: 1 }).lean(),
    (ms) => ms.every((m) => m.wechat?.state !== 'pending'),
  );
  t.deepEqual(states.map((m) => m.wechat?.state), ['sent', 'sent', 'no_subscription']);
  t.is(await SubscriptionGrant.countDocuments({ citizenId: r.userId, state: 'used' }), 2);

  const unread = await s.request('GET', '/api/v1/me/messages/unread', { token: r.token });
  t.is(unread.body.unread, 3);
  const one = await s.request('POST', '/api/v1/me/messages/read', { token: r.token, json: { ids: [list.body.items[2].id] } });
  t.is(one.body.unread, 2);
  const all = await s.request('POST', '/api/v1/me/messages/read', { token: r.token, json: {} });
  t.is(all.body.unread, 0);

  // Another resident sees none of it.
  const other = await resident();
  const theirs = await s.request('GET', '/api/v1/me/messages', { token: other.token });
  t.is(theirs.body.items.length, 0);
});

test('a subscription WeChat no longer honours (43101) is recorded as refused and not retried', async (t) => {
  const r = await resident();
  // We hold a grant, but WeChat has none (e.g. the resident turned messages off since).
  await s.request('POST', '/api/v1/me/subscriptions', { token: r.token, json: { results: { [TEST_TEMPLATES.accepted]: 'accept' } } });
  await move(r.report.id, 'accepted');
  const msg = await until(
    () => Message.findOne({ reportId: r.report.id }).lean(),
    (m) => m?.wechat?.state === 'refused',
  );
  t.is(msg?.wechat?.state, 'refused');
  t.is(msg?.wechat?.errcode, 43101);
  t.is(await SubscriptionGrant.countDocuments({ citizenId: r.userId, state: 'refused' }), 1);
  const attempts = () => s.wechat.requests.filter((q) => q.path === '/cgi-bin/message/subscribe/send' && q.body?.touser === r.openid).length;
  t.is(attempts(), 1);
  await s.services.effects.runOnce();
  await s.services.effects.runOnce();
  t.is(attempts(), 1, 'never sent again');
  t.is(sentTo(r.openid).length, 0);
  // The in-app message is there regardless.
  const list = await s.request('GET', '/api/v1/me/messages', { token: r.token });
  t.is(list.body.items.length, 1);
});

test('followers of a ticket get its messages too', async (t) => {
  const r = await resident();
  const neighbour = await resident();
  // The offer /reports/similar would hand the neighbour (minted directly: many tickets here share one spot).
  const { offer } = s.services.offers.issue(r.report.id, neighbour.userId);
  const join = await s.request('POST', `/api/v1/reports/${r.report.id}/join`, { token: neighbour.token, json: { offer } });
  t.is(join.status, 200);
  await move(r.report.id, 'accepted');
  const theirs = await until(
    () => s.request('GET', '/api/v1/me/messages', { token: neighbour.token }),
    (res) => res.body.items?.some((m: { reportId: string }) => m.reportId === r.report.id),
  );
  const m = theirs.body.items.find((x: { reportId: string }) => x.reportId === r.report.id);
  t.true(m.following);
  t.regex(m.title, /您关注的诉求/);
  t.is(m.body, '12345 热线已受理该诉求', 'worded for someone who did not file it');
});

test('stable_token: cached until shortly before expiry, refreshed when WeChat rotates it', async (t) => {
  let clock = Date.now();
  const messenger = createWechatMessenger({ baseUrl: s.wechat.baseUrl, appid: s.wechat.appid, secret: s.wechat.secret, now: () => clock });
  const tokenCalls = () => s.wechat.requests.filter((q) => q.path === '/cgi-bin/stable_token');
  const before = tokenCalls().length;
  const openid = openidFor(s.wechat.appid, `direct-${randomUUID()}`);
  s.wechat.grant(openid, 'tmpl-x', 4);
  const msg = { touser: openid, templateId: 'tmpl-x', page: 'p', data: { thing3: { value: 'x' } }, miniprogramState: 'developer' as const };

  t.is((await messenger.send(msg)).state, 'sent');
  t.is((await messenger.send(msg)).state, 'sent');
  t.is(tokenCalls().length - before, 1, 'two sends, one token fetch');

  clock += 2 * 3600_000; // past expires_in (7200 s) minus the margin
  t.is((await messenger.send(msg)).state, 'sent');
  t.is(tokenCalls().length - before, 2, 'refetched after expiry');

  s.wechat.revokeTokens(); // WeChat invalidated it early: 40001, then one forced refresh
  t.is((await messenger.send(msg)).state, 'sent');
  const calls = tokenCalls().slice(before);
  t.is(calls.length, 3);
  t.is(calls[2].body.force_refresh, true);
  t.is(calls[0].body.grant_type, 'client_credential');

  const refused = await messenger.send(msg); // the 4 grants are used up
  t.deepEqual(refused, { state: 'refused', errcode: 43101 });
});
