import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Follower } from './followerModel';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { textSimilarity } from './duplicates';
import { setReportFields } from '../../test/reportStore';

let s: TestServer;
let admin: string;
test.before(async () => {
  s = await startTestServer();
  admin = (await s.loginAdmin()).token;
});
test.after.always(async () => s?.close());

// Each test works at its own spot so concurrent tests do not see each other's tickets.
const spot = (n: number) => ({ lat: 31.2 + n * 0.01, lng: 121.45 });
const north = (p: { lat: number; lng: number }, meters: number) => ({ lat: p.lat + meters / 111_000, lng: p.lng });

async function file(description: string, at: { lat: number; lng: number }, extra: Record<string, unknown> = {}) {
  const who = await s.loginCitizen();
  const res = await s.request('POST', '/api/v1/reports', {
    token: who.token,
    json: validComplaint({ description, location: { ...at, coordSystem: 'gcj02' }, contactPhone: '13812345678', ...extra }),
    headers: { 'Idempotency-Key': randomUUID() },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { ...who, report: res.body as { id: string; ticketNo: string } };
}

const similar = (token: string, description: string, at: { lat: number; lng: number }) =>
  s.request('POST', '/api/v1/reports/similar', { token, json: { description, location: { ...at, coordSystem: 'gcj02' } } });

test('text similarity: same problem in other words scores well above unrelated text', (t) => {
  const a = '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃';
  t.true(textSimilarity(a, '人民广场2号口那边井盖松了，踩上去晃') >= 0.2);
  t.true(textSimilarity(a, '楼下饭店油烟太大，熏得窗户都打不开') < 0.1);
  t.is(textSimilarity(a, ''), 0);
});

test('附近已有人反映: an open ticket of the same kind, within 200 m, this week, with similar text', async (t) => {
  const p = spot(1);
  const first = await file('人民广场地铁站2号口旁边的窨井盖松动，走上去会晃', p, { location: { ...p, coordSystem: 'gcj02', address: '徐汇区漕溪北路88号(2号口)' } });
  const me = await s.loginCitizen();

  const near = await similar(me.token, '地铁站2号口那边井盖松了，踩上去晃', north(p, 120));
  t.is(near.status, 200);
  t.is(near.body.items.length, 1);
  const item = near.body.items[0];
  t.is(item.id, first.report.id);
  // What a passer-by could see, nothing more: no ticket number, no words, no coordinates or distance, no phone or photos.
  t.deepEqual(Object.keys(item).sort(), ['category', 'createdAt', 'id', 'offer', 'offerExpiresAt', 'place', 'status', 'statusLabel', 'supporters']);
  t.is(item.place, '徐汇区漕溪北路', 'street level: no house number, no coordinates');
  const offerLife = Date.parse(item.offerExpiresAt) - Date.now();
  t.true(offerLife > 29 * 60_000 && offerLife <= 30 * 60_000, `offer valid 30 minutes (${offerLife} ms)`);

  t.is((await similar(me.token, '地铁站2号口那边井盖松了，踩上去晃', north(p, 260))).body.items.length, 0, 'beyond 200 m');
  t.is((await similar(me.token, '楼下饭店油烟太大，熏得窗户都打不开', north(p, 20))).body.items.length, 0, 'another kind of problem');
  t.is((await similar(first.token, '地铁站2号口那边井盖松了，踩上去晃', p)).body.items.length, 0, 'not one’s own ticket');

  // Older than 7 days, or no longer open: not suggested.
  // (through the driver: mongoose treats createdAt as immutable)
  await setReportFields(first.report.id, { createdAt: new Date(Date.now() - 8 * 24 * 3600_000) });
  t.is((await similar(me.token, '地铁站2号口那边井盖松了，踩上去晃', p)).body.items.length, 0, 'older than 7 days');
});

test('closed tickets are not suggested; bad input gets a specific error', async (t) => {
  const p = spot(2);
  const first = await file('小区门口路灯坏了好几天，晚上很黑', p);
  const me = await s.loginCitizen();
  t.is((await similar(me.token, '小区门口的路灯坏了，晚上黑', p)).body.items.length, 1);
  await s.request('POST', `/api/v1/admin/reports/${first.report.id}/transitions`, { token: admin, json: { to: 'rejected', message: '非本市管辖' } });
  t.is((await similar(me.token, '小区门口的路灯坏了，晚上黑', p)).body.items.length, 0);

  const bad = await s.request('POST', '/api/v1/reports/similar', { token: me.token, json: { description: 'x', location: { lat: 200, lng: 121 } } });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'VALIDATION_FAILED');
  t.is(bad.body.error.details[0].path, 'location.lat');
});

test('joining (+1): the resident follows the ticket, sees its progress but not the reporter’s private parts; joining twice counts once', async (t) => {
  const p = spot(3);
  const first = await file('菜场门口人行道地砖翻起来好几块，老人容易绊倒', p);
  const me = await s.loginCitizen();
  const stranger = await s.loginCitizen();

  const offer = (await similar(me.token, '菜场门口人行道地砖翻起来了，容易绊倒', p)).body.items[0].offer;
  const joined = await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer } });
  t.is(joined.status, 200);
  t.is(joined.body.viewer, 'follower');
  t.is(joined.body.supporters, 1);
  t.is(joined.body.contactPhone, null);
  t.deepEqual(joined.body.media, []);
  t.false(Object.values(joined.body.allowedActions).some(Boolean), 'no follow-up buttons for a follower');
  t.is((await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer } })).body.supporters, 1);

  const detail = await s.request('GET', `/api/v1/reports/${first.report.id}`, { token: me.token });
  t.is(detail.status, 200);
  t.is(detail.body.viewer, 'follower');
  t.is((await s.request('GET', `/api/v1/reports/${first.report.id}`, { token: stranger.token })).status, 404, 'still private to anyone else');

  const mine = await s.request('GET', '/api/v1/me/following', { token: me.token });
  t.deepEqual(mine.body.items.map((r: { id: string }) => r.id), [first.report.id]);
  const owner = await s.request('GET', `/api/v1/reports/${first.report.id}`, { token: first.token });
  t.is(owner.body.supporters, 1);
  t.regex(owner.body.timeline.at(-1).message, /又有一位市民反映/);

  const strangerOffer = (await similar(stranger.token, '菜场门口人行道地砖翻起来了，容易绊倒', p)).body.items[0].offer;
  await s.request('POST', `/api/v1/admin/reports/${first.report.id}/transitions`, { token: admin, json: { to: 'rejected', message: '重复' } });
  const late = await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: stranger.token, json: { offer: strangerOffer } });
  t.is(late.status, 409);
  t.is(late.body.error.code, 'NOT_A_DUPLICATE_TARGET');
});

test('admins merge a duplicate: it ends as 已合并, its reporter follows the other ticket and is told', async (t) => {
  const p = spot(4);
  const a = await file('公园东门的垃圾桶满了好几天没人清', p);
  const b = await file('公园东门垃圾桶溢出来了，很臭', north(p, 50));

  const merged = await s.request('POST', `/api/v1/admin/reports/${b.report.id}/merge`, { token: admin, json: { into: a.report.ticketNo } });
  t.is(merged.status, 200);
  t.is(merged.body.duplicate.status, 'merged');
  t.deepEqual(merged.body.duplicate.mergedInto, { id: a.report.id, ticketNo: a.report.ticketNo });
  t.is(merged.body.target.supporters, 1);

  const bView = await s.request('GET', `/api/v1/reports/${a.report.id}`, { token: b.token });
  t.is(bView.status, 200, 'the duplicate’s reporter now follows the ticket it was merged into');
  const own = await s.request('GET', `/api/v1/reports/${b.report.id}`, { token: b.token });
  t.is(own.body.statusLabel, '已合并');
  t.false(Object.values(own.body.allowedActions).some(Boolean));

  let messages: { status: string }[] = [];
  for (let i = 0; i < 50 && !messages.some((m) => m.status === 'merged'); i++) {
    messages = (await s.request('GET', '/api/v1/me/messages', { token: b.token })).body.items;
    await new Promise((r) => setTimeout(r, 40));
  }
  t.true(messages.some((m) => m.status === 'merged'));

  const again = await s.request('POST', `/api/v1/admin/reports/${b.report.id}/merge`, { token: admin, json: { into: a.report.ticketNo } });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'MERGE_INVALID');
  const self = await s.request('POST', `/api/v1/admin/reports/${a.report.id}/merge`, { token: admin, json: { into: a.report.id } });
  t.is(self.status, 409);
  const missing = await s.request('POST', `/api/v1/admin/reports/${a.report.id}/merge`, { token: admin, json: { into: 'SH-NOPE' } });
  t.is(missing.status, 404);
  const citizen = await s.request('POST', `/api/v1/admin/reports/${a.report.id}/merge`, { token: b.token, json: { into: a.report.id } });
  t.is(citizen.status, 403);
});

test('join needs the offer /reports/similar gave this resident for this ticket: anything else is the 404 of a made-up id', async (t) => {
  const p = spot(5);
  const first = await file('小区东门口消防通道被私家车堵住了', p);
  const other = await file('小区东门口消防通道又被车堵了', north(p, 5000));
  const me = await s.loginCitizen();
  const neighbour = await s.loginCitizen();
  const offer = (await similar(me.token, '东门口消防通道被车堵住', p)).body.items[0].offer as string;
  const neighbourOffer = (await similar(neighbour.token, '东门口消防通道被车堵住', p)).body.items[0].offer as string;

  const madeUp = await s.request('POST', `/api/v1/reports/${'0'.repeat(24)}/join`, { token: me.token, json: { offer } });
  t.is(madeUp.status, 404);
  const attempts = [
    await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token }),
    await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: {} }),
    await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer: 'x' } }),
    await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer: neighbourOffer } }),
    await s.request('POST', `/api/v1/reports/${other.report.id}/join`, { token: me.token, json: { offer } }),
    await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer: offer.replace(/^[^.]+/, '1') } }),
  ];
  for (const res of attempts) {
    t.is(res.status, madeUp.status);
    t.deepEqual(res.body, madeUp.body, 'indistinguishable from a made-up id');
  }
  t.is((await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: me.token, json: { offer } })).status, 200);
});

test('report ids do not reveal neighbours: two reports in a row have unrelated ids', async (t) => {
  const p = spot(6);
  const a = await file('路口红绿灯不亮了', p);
  const b = await file('路口红绿灯坏了', north(p, 3000));
  const common = [...a.report.id].findIndex((c, i) => c !== b.report.id[i]);
  t.true(common < 4, `ids share a ${common}-character prefix: ${a.report.id} / ${b.report.id}`);
  t.regex(a.report.id, /^[0-9a-f]{24}$/);
});

test('staff may make a description public: then (and only then) the offer and followers show it', async (t) => {
  const p = spot(7);
  const first = await file('桥下人行道的盲道被共享单车占满了', p);
  const me = await s.loginCitizen();
  const before = (await similar(me.token, '桥下盲道被共享单车占了', p)).body.items[0];
  t.false('description' in before);
  const marked = await s.request('POST', `/api/v1/admin/reports/${first.report.id}/description-public`, { token: admin, json: { public: true } });
  t.is(marked.status, 200);
  const after = (await similar(me.token, '桥下盲道被共享单车占了', p)).body.items[0];
  t.is(after.description, '桥下人行道的盲道被共享单车占满了');
  const bad = await s.request('POST', `/api/v1/admin/reports/${first.report.id}/description-public`, { token: admin, json: { public: 'yes' } });
  t.is(bad.status, 400);
  t.is((await s.request('POST', `/api/v1/admin/reports/${first.report.id}/description-public`, { token: me.token, json: { public: false } })).status, 403);
});

test('joins at once: the supporter count equals the joins, each recorded once in the timeline', async (t) => {
  const p = spot(8);
  const text = '公交站台的顶棚玻璃碎了一地，等车的人很危险';
  const first = await file(text, p);
  const joiners = await Promise.all(Array.from({ length: 12 }, () => s.loginCitizen()));
  const offers = await Promise.all(joiners.map(async (j) => (await similar(j.token, text, p)).body.items[0].offer));
  // All at once, through HTTP: each join's recount and timeline entry race the others'.
  const answers = await Promise.all(joiners.map((j, i) => s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: j.token, json: { offer: offers[i] } })));
  t.deepEqual(answers.map((a) => a.status), joiners.map(() => 200));
  const owner = await s.request('GET', `/api/v1/reports/${first.report.id}`, { token: first.token });
  t.is(owner.body.supporters, joiners.length, 'no recount overwrote a newer one');
  t.is(owner.body.timeline.filter((e: { message: string }) => /又有一位市民反映/.test(e.message)).length, joiners.length);
});

test.serial('a join whose recount is overtaken by another join never writes its older count', async (t) => {
  // Deterministic interleaving: the first join's recount of the follower rows is held back (the query runs, its
  // answer waits) until a second join has counted and written. Both go through HTTP.
  const p = spot(9);
  const text = '小区东门的路灯杆被车撞歪了，随时可能倒下来';
  const first = await file(text, p);
  const [a, b] = await Promise.all([s.loginCitizen(), s.loginCitizen()]);
  const [offerA, offerB] = await Promise.all([a, b].map(async (j) => (await similar(j.token, text, p)).body.items[0].offer));
  const original = Follower.countDocuments;
  let counted!: () => void;
  const firstCounted = new Promise<void>((r) => (counted = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  (Follower as any).countDocuments = function (this: unknown, ...args: unknown[]) {
    const query = (original as any).apply(this, args);
    if (held) return query;
    held = true;
    return query.exec().then(async (n: number) => {
      counted();
      await released;
      return n;
    });
  };
  try {
    const joinA = s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: a.token, json: { offer: offerA } });
    await firstCounted;
    const joinB = await s.request('POST', `/api/v1/reports/${first.report.id}/join`, { token: b.token, json: { offer: offerB } });
    t.is(joinB.status, 200);
    release();
    t.is((await joinA).status, 200);
  } finally {
    release();
    (Follower as any).countDocuments = original;
  }
  const owner = await s.request('GET', `/api/v1/reports/${first.report.id}`, { token: first.token });
  t.is(owner.body.supporters, 2);
  t.is(owner.body.timeline.filter((e: { message: string }) => /又有一位市民反映/.test(e.message)).length, 2);
});
