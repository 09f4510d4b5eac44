import { randomUUID } from 'node:crypto';
import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { makeJpeg, multipart } from '../../test/images';
import { storedReport } from '../../test/reportStore';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

const submit = (token: string, body: unknown) => s.request('POST', '/api/v1/reports', { token, json: body, headers: { 'Idempotency-Key': randomUUID() } });

test('a resident downloads everything held about them, then deletes it; reports stay, anonymised, and go on to their end', async (t) => {
  const me = await s.loginCitizen();
  const photo = (await s.request('POST', '/api/v1/media', { token: me.token, body: multipart('file', 'p.jpg', await makeJpeg()) })).body;
  const report = (await submit(me.token, validComplaint({ mediaIds: [photo.id], contactPhone: '13812345678' }))).body;
  await s.request('POST', '/api/v1/me/subscriptions', { token: me.token, json: { reportId: report.id, results: { 'tmpl-accepted': 'accept' } } });

  const data = await s.request('GET', '/api/v1/me/data?download=1', { token: me.token });
  t.is(data.status, 200);
  t.regex(data.headers.get('content-disposition') ?? '', /attachment; filename="my-data.json"/);
  t.is(data.body.account.id, me.userId);
  t.deepEqual(data.body.phoneNumbers, ['13812345678']);
  t.deepEqual(data.body.reports.map((r: { id: string }) => r.id), [report.id]);
  t.is(data.body.reports[0].contactPhoneFull, '13812345678');
  t.deepEqual(data.body.photos.map((p: { id: string }) => p.id), [photo.id]);
  t.true(typeof data.body.messages === 'number');
  t.true(Array.isArray(data.body.subscriptions));

  const unconfirmed = await s.request('DELETE', '/api/v1/me', { token: me.token, json: { confirm: 'yes' } });
  t.is(unconfirmed.status, 400, 'needs the confirmation word');
  t.is(unconfirmed.body.error.details[0].path, 'confirm');
  t.is((await s.request('GET', '/api/v1/me/data', { token: me.token })).status, 200, 'nothing was deleted');

  const del = await s.request('DELETE', '/api/v1/me', { token: me.token, json: { confirm: '删除' } });
  t.is(del.status, 200, JSON.stringify(del.body));
  t.like(del.body, { deleted: true, reports: 1, photos: 1 });

  t.is((await s.request('GET', '/api/v1/me/reports', { token: me.token })).status, 401, 'the old token no longer works');
  t.is((await s.request('GET', '/api/v1/me/data', { token: me.token })).status, 401);

  const admin = await s.loginAdmin();
  const seen = await s.request('GET', `/api/v1/reports/${report.id}`, { token: admin.token });
  t.is(seen.status, 200);
  t.is(seen.body.reporter, null, 'staff see no reporter');
  t.is(seen.body.contactPhone, null, 'and no phone');
  t.deepEqual(seen.body.mediaIds, []);
  t.is(seen.body.description, report.description, 'the ticket itself stays for the city\'s records');
  const stored = await storedReport(report.id);
  t.not(String(stored!.citizenId), me.userId, 'the link to the account is gone');
  t.is(stored!.contactPhone, null);
  t.is((await s.request('GET', photo.url)).status, 404, 'the photo is deleted');

  // Open tickets still reach their end.
  const moved = await s.request('POST', `/api/v1/admin/reports/${report.id}/transitions`, { token: admin.token, json: { to: 'accepted', message: '已受理' } });
  t.is(moved.status, 200, JSON.stringify(moved.body));

  const audit = await mongoose.connection.collection('audit').find({ 'target.id': me.userId }).sort({ _id: 1 }).toArray();
  t.deepEqual(audit.map((a) => a.action), ['resident.data_export', 'resident.data_export', 'resident.delete'], 'export and deletion are audited (the refused deletion is not)');
  t.like(audit[2].summary, { reports: 1, photos: 1 });
});

test('opening 个人信息 reads counts and is not an export; downloading is, and 操作日志 names the resident without their openid or phone', async (t) => {
  const me = await s.loginCitizen();
  await submit(me.token, validComplaint({ contactPhone: '13955556666' }));
  const audited = () => mongoose.connection.collection('audit').countDocuments({ 'target.id': me.userId, action: 'resident.data_export' });

  for (let i = 0; i < 2; i++) {
    const summary = await s.request('GET', '/api/v1/me/data/summary', { token: me.token });
    t.is(summary.status, 200);
    t.deepEqual(summary.body, { reports: 1, phoneNumbers: 1, photos: 0, subscriptions: 0, following: 0, messages: summary.body.messages });
    t.is(summary.headers.get('cache-control'), 'no-store');
  }
  t.is(await audited(), 0, 'looking at the counts is not recorded as an export');
  t.is((await s.request('GET', '/api/v1/me/data/summary')).status, 401);

  t.is((await s.request('GET', '/api/v1/me/data?download=1', { token: me.token })).status, 200);
  t.is(await audited(), 1, 'the download is');

  const admin = await s.loginAdmin();
  const list = await s.request('GET', `/api/v1/admin/audit?target=${me.userId}`, { token: admin.token });
  t.is(list.status, 200);
  t.is(list.body.items.length, 1);
  t.is(list.body.items[0].action, 'resident.data_export');
  t.is(list.body.items[0].actor.name, `居民 …${me.userId.slice(-6)}`);
  const csv = String((await s.request('GET', `/api/v1/admin/audit/export?target=${me.userId}`, { token: admin.token })).body);
  t.true(csv.split('\r\n')[1].includes(`,居民 …${me.userId.slice(-6)},`));
  const openid = (await mongoose.connection.collection('users').findOne({ _id: new mongoose.Types.ObjectId(me.userId) }))?.openid;
  t.truthy(openid);
  for (const shown of [JSON.stringify(list.body), csv]) {
    t.false(shown.includes(openid), 'no openid');
    t.false(shown.includes('13955556666'), 'no phone');
  }
});

test('in English, the report the resident sees speaks English; staff see the stored Chinese', async (t) => {
  const me = await s.loginCitizen();
  const res = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID(), 'Accept-Language': 'en-US,en;q=0.9' } });
  t.is(res.status, 201);
  t.is(res.body.statusLabel, 'Submitted');
  t.regex(res.body.timeline[0].message, /^Report submitted, ticket SH\d{8}-\d{6}; it will go to the departments of Huangpu District$/);
  const zh = await s.request('GET', `/api/v1/reports/${res.body.id}`, { token: me.token });
  t.is(zh.body.statusLabel, '已提交');
  const unauth = await s.request('GET', '/api/v1/me/reports', { headers: { 'Accept-Language': 'en' } });
  t.deepEqual(unauth.body.error, { code: 'UNAUTHENTICATED', message: 'Please sign in first' });
  const unauthZh = await s.request('GET', '/api/v1/me/reports', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
  t.is(unauthZh.body.error.message, '请先登录');
});
