import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

const submit = (token: string, body: unknown) => s.request('POST', '/api/v1/reports', { token, json: body, headers: { 'Idempotency-Key': randomUUID() } });
const hour = 3600_000;

test.serial('an admin opens a 专区; it is listed while active, its reports carry it, and closing it changes none of them', async (t) => {
  const admin = await s.loginAdmin();
  const { token } = await s.loginCitizen();

  const bad = await s.request('POST', '/api/v1/admin/zones', { token: admin.token, json: { title: '防汛', categoryCodes: ['no_such_category'] } });
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0].path, 'categoryCodes.0');
  const noAuth = await s.request('POST', '/api/v1/admin/zones', { token, json: { title: '防汛防台', categoryCodes: ['road_ponding'] } });
  t.is(noAuth.status, 403, 'residents cannot create zones');

  const created = await s.request('POST', '/api/v1/admin/zones', {
    token: admin.token,
    json: {
      title: '防汛防台',
      titleEn: 'Flood season',
      banner: '台风期间积水、倒树请在此反映',
      icon: '🌊',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + 24 * hour).toISOString(),
      categoryCodes: ['street_lights', 'road_damage'],
      questions: [{ code: 'water_depth', type: 'single', label: '积水深度', required: true, options: [{ value: 'ankle', label: '没过脚踝' }, { value: 'knee', label: '没过膝盖' }] }],
      successMessage: '感谢反映，防汛值班人员会尽快处理',
      successMessageEn: 'Thank you: the flood duty team will see to it soon',
    },
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const zone = created.body;
  t.true(zone.active);

  // A zone that has not started yet is not listed.
  await s.request('POST', '/api/v1/admin/zones', { token: admin.token, json: { title: '未来专区', categoryCodes: ['road_damage'], startsAt: new Date(Date.now() + 48 * hour).toISOString() } });
  const listed = await s.request('GET', '/api/v1/zones');
  t.is(listed.status, 200);
  t.deepEqual(listed.body.items.map((z: { title: string }) => z.title), ['防汛防台']);
  t.like(listed.body.items[0], { id: zone.id, title: '防汛防台', titleEn: 'Flood season', banner: '台风期间积水、倒树请在此反映', categoryCodes: ['street_lights', 'road_damage'] });
  t.is(listed.body.items[0].questions[0].code, 'water_depth');

  const through = (extra: Record<string, unknown>) => validComplaint({ description: '台风过后路面塌陷了一个大坑', zoneId: zone.id, ...extra });
  const outside = await submit(token, through({ categoryCode: 'illegal_parking', answers: { water_depth: 'knee' } }));
  t.is(outside.status, 400);
  t.is(outside.body.error.details[0].path, 'categoryCode', 'only the zone\'s categories');
  const missing = await submit(token, through({ categoryCode: 'road_damage' }));
  t.is(missing.body.error.details[0].path, 'answers.water_depth', 'the zone\'s own questions are asked too');
  const ok = await submit(token, through({ categoryCode: 'road_damage', answers: { water_depth: 'knee' } }));
  t.is(ok.status, 201, JSON.stringify(ok.body));
  const filedZone = { id: zone.id, title: '防汛防台', titleEn: 'Flood season', successMessage: '感谢反映，防汛值班人员会尽快处理' };
  t.deepEqual(ok.body.zone, filedZone, 'the resident gets the zone\'s success message with the report');
  t.deepEqual(ok.body.answers, { water_depth: 'knee' });
  const inEnglish = await s.request('GET', `/api/v1/reports/${ok.body.id}`, { token, headers: { 'Accept-Language': 'en' } });
  t.is(inEnglish.body.zone.successMessage, 'Thank you: the flood duty team will see to it soon', 'in the resident\'s language');
  t.deepEqual((await s.request('GET', `/api/v1/reports/${ok.body.id}`, { token: admin.token })).body.zone, { id: zone.id, title: '防汛防台' }, 'staff see the zone itself');

  const other = await submit(token, validComplaint());
  const staffList = await s.request('GET', `/api/v1/admin/reports?zone=${zone.id}`, { token: admin.token });
  t.deepEqual(staffList.body.items.map((r: { id: string }) => r.id), [ok.body.id], 'staff filter by zone');
  t.false(staffList.body.items.some((r: { id: string }) => r.id === other.body.id));
  t.deepEqual(staffList.body.items[0].zone, { id: zone.id, title: '防汛防台' }, 'search rows show the zone');
  const csv = String((await s.request('GET', `/api/v1/admin/reports/export?format=csv&zone=${zone.id}`, { token: admin.token })).body).trim().split('\r\n');
  const zoneColumn = csv[0].split(',').indexOf('专区');
  t.true(zoneColumn > 0, 'a 专区 column');
  t.is(csv[1].split(',')[zoneColumn], '防汛防台', 'exports carry the zone');

  const closed = await s.request('PATCH', `/api/v1/admin/zones/${zone.id}`, { token: admin.token, json: { enabled: false, title: '防汛防台（已结束）' } });
  t.is(closed.status, 200);
  t.false(closed.body.active);
  t.deepEqual((await s.request('GET', '/api/v1/zones')).body.items, []);
  const late = await submit(token, through({ categoryCode: 'road_damage', answers: { water_depth: 'knee' } }));
  t.is(late.status, 400);
  t.is(late.body.error.code, 'ZONE_NOT_ACTIVE');
  const again = await s.request('GET', `/api/v1/reports/${ok.body.id}`, { token });
  t.deepEqual(again.body.zone, filedZone, 'reports already filed keep their zone as it was');
  const edited = await s.request('PATCH', `/api/v1/admin/zones/${zone.id}`, { token: admin.token, json: { successMessage: '新的提示' } });
  t.is(edited.status, 200);
  t.is((await s.request('GET', `/api/v1/reports/${ok.body.id}`, { token })).body.zone.successMessage, '感谢反映，防汛值班人员会尽快处理', 'a later edit of the message changes no filed report');
});

test.serial('a zone with one fixed category files under it without the resident choosing', async (t) => {
  const admin = await s.loginAdmin();
  const { token } = await s.loginCitizen();
  const zone = (await s.request('POST', '/api/v1/admin/zones', { token: admin.token, json: { title: '路灯专项', categoryCodes: ['street_lights'], successMessage: '路灯所会在 24 小时内到场' } })).body;
  const res = await s.request('POST', '/api/v1/reports', {
    token,
    json: validComplaint({ description: '小区门口那盏灯坏了好几天', zoneId: zone.id, answers: { pole_number: '看不到编号' } }),
    headers: { 'Idempotency-Key': randomUUID(), 'Accept-Language': 'en' },
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.zone, { id: zone.id, title: '路灯专项', successMessage: '路灯所会在 24 小时内到场' }, 'no English message: the Chinese one');
  t.is(res.body.citizenCategory.code, 'street_lights');
  const refused = await submit(token, validComplaint({ description: '小区门口那盏灯坏了好几天', zoneId: zone.id }));
  t.is(refused.body.error.details[0].path, 'answers.pole_number', "the fixed category's questions apply");
  const range = await s.request('PATCH', `/api/v1/admin/zones/${zone.id}`, { token: admin.token, json: { startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } });
  t.is(range.status, 400);
  t.true((await s.request('GET', '/api/v1/admin/zones', { token: admin.token })).body.items.find((z: { id: string }) => z.id === zone.id).active, 'a refused edit changes nothing');
});
