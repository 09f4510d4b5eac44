import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { makeJpeg, multipart } from '../../test/images';
import { countReports, storedReport } from '../../test/reportStore';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

const submit = (token: string, body: unknown, key: string = randomUUID()) =>
  s.request('POST', '/api/v1/reports', { token, json: body, headers: { 'Idempotency-Key': key } });

async function uploadPhoto(token: string): Promise<string> {
  const res = await s.request('POST', '/api/v1/media', { token, body: multipart('file', 'p.jpg', await makeJpeg()) });
  return res.body.id;
}

test('a valid complaint is stored with ticket number, district and first timeline entry', async (t) => {
  const { token } = await s.loginCitizen();
  const photo = await uploadPhoto(token);
  const res = await submit(token, validComplaint({ mediaIds: [photo], contactPhone: '138 1234 5678', categoryCode: 'roads_facilities' }));
  t.is(res.status, 201, JSON.stringify(res.body));
  const r = res.body;
  t.regex(r.ticketNo, /^SH\d{8}-\d{6}$/);
  t.is(r.kind, 'complaint');
  t.is(r.status, 'submitted');
  t.deepEqual(r.district, { code: '310101', name: '黄浦区' });
  t.false(r.needsManualRouting);
  t.deepEqual(r.mediaIds, [photo]);
  t.is(r.media[0].id, photo);
  t.is(r.contactPhone, '138****5678');
  t.deepEqual(r.citizenCategory, { code: 'roads_facilities', name: '道路与市政设施' });
  t.is(r.timeline.length, 1);
  t.is(r.timeline[0].status, 'submitted');
  t.regex(r.timeline[0].message, new RegExp(r.ticketNo));
  const stored = await storedReport(r.id);
  t.falsy(s.services.repo.validate(stored!), 'the stored document satisfies the model');
  t.is(stored!.contactPhone, '13812345678', 'the full number is kept for the handler');
  t.is(stored!.delivery!.state, 'pending', 'delivery to the pipeline is recorded in the same write');

  const detail = await s.request('GET', `/api/v1/reports/${r.id}`, { token });
  t.is(detail.status, 200);
  t.deepEqual(detail.body.timeline, r.timeline);
});

test('ticket numbers are unique and increase in submit order', async (t) => {
  const { token } = await s.loginCitizen();
  const results = await Promise.all(Array.from({ length: 10 }, () => submit(token, validComplaint())));
  const numbers = results.map((r) => r.body.ticketNo);
  t.is(new Set(numbers).size, 10);
  const later = await submit(token, validComplaint());
  t.true(numbers.every((n) => n < later.body.ticketNo));
});

test('a snap needs at least one photo and accepts an empty note', async (t) => {
  const { token } = await s.loginCitizen();
  const none = await submit(token, { kind: 'snap', location: validComplaint().location, mediaIds: [] });
  t.is(none.status, 400);
  t.deepEqual(none.body.error.details.map((d: { path: string }) => d.path), ['mediaIds']);
  t.regex(none.body.error.details[0].message, /至少上传一张/);
  const photo = await uploadPhoto(token);
  const ok = await submit(token, { kind: 'snap', location: validComplaint().location, mediaIds: [photo] });
  t.is(ok.status, 201);
  t.is(ok.body.description, '');
});

const invalidCases: [string, Record<string, unknown>, string, string][] = [
  ['kind missing', { kind: undefined }, 'kind', 'invalid_union_discriminator'],
  ['kind unknown', { kind: 'praise' }, 'kind', 'invalid_union_discriminator'],
  ['description too short', { description: '太吵' }, 'description', 'too_small'],
  ['description too long', { description: '吵'.repeat(1001) }, 'description', 'too_big'],
  ['description not text', { description: 12345 }, 'description', 'invalid_type'],
  ['location missing', { location: undefined }, 'location', 'invalid_type'],
  ['no coordinates and no address', { location: { accuracy: 10 } }, 'location.address', 'location_required'],
  ['latitude without longitude', { location: { lat: 31.2, coordSystem: 'gcj02' } }, 'location.lng', 'required'],
  ['coordinates without a system', { location: { lat: 31.2, lng: 121.4 } }, 'location.coordSystem', 'required'],
  ['latitude out of range', { location: { lat: 91, lng: 121.47, coordSystem: 'gcj02' } }, 'location.lat', 'too_big'],
  ['longitude not a number', { location: { lat: 31.2, lng: 'east', coordSystem: 'gcj02' } }, 'location.lng', 'invalid_type'],
  ['unknown coordinate system', { location: { lat: 31.2, lng: 121.4, coordSystem: 'bd09' } }, 'location.coordSystem', 'invalid_enum_value'],
  ['negative accuracy', { location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02', accuracy: -1 } }, 'location.accuracy', 'too_small'],
  ['address too long', { location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02', address: '路'.repeat(201) } }, 'location.address', 'too_big'],
  ['too many photos', { mediaIds: Array.from({ length: 10 }, (_, i) => i.toString(16).padStart(24, 'a')) }, 'mediaIds', 'too_big'],
  ['malformed photo id', { mediaIds: ['not-an-id'] }, 'mediaIds.0', 'invalid_string'],
  ['duplicate photo', { mediaIds: ['aaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaa'] }, 'mediaIds', 'duplicate'],
  ['bad phone', { contactPhone: '12345' }, 'contactPhone', 'invalid_phone'],
  ['anonymous not boolean', { anonymous: 'yes' }, 'anonymous', 'invalid_type'],
  ['bad category code', { categoryCode: 'Roads!' }, 'categoryCode', 'invalid_string'],
  ['unknown category', { categoryCode: 'no_such_category' }, 'categoryCode', 'unknown_category'],
  ['photo of nobody', { mediaIds: ['aaaaaaaaaaaaaaaaaaaaaaaa'] }, 'mediaIds.0', 'media_not_owned'],
];

for (const [name, change, path, code] of invalidCases) {
  test(`invalid field is reported with path, code and Chinese message: ${name}`, async (t) => {
    const { token, userId } = await s.loginCitizen();
    const res = await submit(token, validComplaint(change));
    t.is(res.status, 400, JSON.stringify(res.body));
    t.is(res.body.error.code, 'VALIDATION_FAILED');
    const issue = res.body.error.details.find((d: { path: string }) => d.path === path);
    t.truthy(issue, JSON.stringify(res.body.error.details));
    t.is(issue.code, code);
    t.regex(issue.message, /[\u4e00-\u9fa5]/, 'message is in Chinese');
    t.is(await countReports({ citizenId: userId }), 0, 'nothing was written');
  });
}

test('a body that is not an object is a validation error', async (t) => {
  const { token } = await s.loginCitizen();
  const res = await submit(token, ['complaint']);
  t.is(res.status, 400);
  t.is(res.body.error.code, 'VALIDATION_FAILED');
});

test('a photo uploaded by someone else cannot be attached', async (t) => {
  const owner = await s.loginCitizen();
  const thief = await s.loginCitizen();
  const photo = await uploadPhoto(owner.token);
  const res = await submit(thief.token, validComplaint({ mediaIds: [photo] }));
  t.is(res.status, 400);
  t.is(res.body.error.details[0].path, 'mediaIds.0');
});

test('the Idempotency-Key header is required and must be a UUID', async (t) => {
  const { token } = await s.loginCitizen();
  const missing = await s.request('POST', '/api/v1/reports', { token, json: validComplaint() });
  t.is(missing.status, 400);
  t.is(missing.body.error.code, 'IDEMPOTENCY_KEY_INVALID');
  const bad = await submit(token, validComplaint(), 'draft-1');
  t.is(bad.body.error.code, 'IDEMPOTENCY_KEY_INVALID');
});

test('a retried submit returns the same report and stores one', async (t) => {
  const { token, userId } = await s.loginCitizen();
  const key = randomUUID();
  const first = await submit(token, validComplaint(), key);
  const retry = await submit(token, validComplaint(), key);
  t.is(first.status, 201);
  t.is(retry.status, 201);
  t.is(retry.headers.get('idempotent-replayed'), 'true');
  t.is(retry.body.id, first.body.id);
  t.is(retry.body.ticketNo, first.body.ticketNo);
  t.is(await countReports({ citizenId: userId }), 1);
});

test('simultaneous retries of one draft still store exactly one report', async (t) => {
  const { token, userId } = await s.loginCitizen();
  const key = randomUUID();
  const results = await Promise.all(Array.from({ length: 6 }, () => submit(token, validComplaint(), key)));
  t.true(results.every((r) => r.status === 201), JSON.stringify(results.map((r) => r.body)));
  t.is(new Set(results.map((r) => r.body.id)).size, 1);
  t.is(await countReports({ citizenId: userId }), 1);
});

test('reusing a key for a different report is refused', async (t) => {
  const { token } = await s.loginCitizen();
  const key = randomUUID();
  await submit(token, validComplaint(), key);
  const res = await submit(token, validComplaint({ description: '这是另外一件完全不同的事情' }), key);
  t.is(res.status, 409);
  t.is(res.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
});

test.serial('an edited resend after a lost response names the report already filed, and stores nothing more', async (t) => {
  const { token, userId } = await s.loginCitizen();
  const key = randomUUID();
  const first = await submit(token, validComplaint(), key); // the response the resident never saw
  const seqOf = (ticketNo: string) => Number(ticketNo.split('-')[1]);
  for (let i = 0; i < 3; i++) {
    const edited = await submit(token, validComplaint({ description: `小区门口路灯坏了一个星期，晚上很黑（第${i}次修改）` }), key);
    t.is(edited.status, 409);
    t.is(edited.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    t.deepEqual(edited.body.error.existing, { id: first.body.id, ticketNo: first.body.ticketNo });
    t.true(edited.body.error.message.includes(first.body.ticketNo), edited.body.error.message);
  }
  t.is(await countReports({ citizenId: userId }), 1);
  // The next report gets a later number (each refused attempt used one up: numbers may have gaps, never go back).
  const next = await submit(token, validComplaint({ description: '另一件事：楼下垃圾桶满了没人清理' }));
  t.is(next.status, 201);
  t.true(seqOf(next.body.ticketNo) > seqOf(first.body.ticketNo));
  // Another resident using the same key learns nothing about this report.
  const other = await s.loginCitizen();
  const theirs = await submit(other.token, validComplaint({ description: '别人的诉求：路面坑洼需要修补' }), key);
  t.is(theirs.status, 201);
  t.not(theirs.body.id, first.body.id);
});

test('the same key from two residents makes two reports', async (t) => {
  const a = await s.loginCitizen();
  const b = await s.loginCitizen();
  const key = randomUUID();
  const ra = await submit(a.token, validComplaint(), key);
  const rb = await submit(b.token, validComplaint(), key);
  t.not(ra.body.id, rb.body.id);
});

test("another resident's report is invisible (404, not 403); staff can read it", async (t) => {
  const owner = await s.loginCitizen();
  const other = await s.loginCitizen();
  const created = await submit(owner.token, validComplaint());
  const res = await s.request('GET', `/api/v1/reports/${created.body.id}`, { token: other.token });
  t.is(res.status, 404);
  t.is(res.body.error.code, 'REPORT_NOT_FOUND');
  const list = await s.request('GET', '/api/v1/me/reports', { token: other.token });
  t.false(list.body.items.some((r: { id: string }) => r.id === created.body.id));
  const admin = await s.loginAdmin();
  t.is((await s.request('GET', `/api/v1/reports/${created.body.id}`, { token: admin.token })).status, 200);
  t.is((await s.request('GET', '/api/v1/reports/not-an-id', { token: owner.token })).status, 404);
});

test('我的诉求 lists newest first and pages with a cursor', async (t) => {
  const { token } = await s.loginCitizen();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await submit(token, validComplaint({ description: `第${i}条诉求：楼下噪声扰民` }))).body.id);
  const page1 = await s.request('GET', '/api/v1/me/reports?limit=2', { token });
  t.deepEqual(page1.body.items.map((r: { id: string }) => r.id), [ids[4], ids[3]]);
  t.truthy(page1.body.nextCursor);
  const page2 = await s.request('GET', `/api/v1/me/reports?limit=2&cursor=${page1.body.nextCursor}`, { token });
  t.deepEqual(page2.body.items.map((r: { id: string }) => r.id), [ids[2], ids[1]]);
  const page3 = await s.request('GET', `/api/v1/me/reports?limit=2&cursor=${page2.body.nextCursor}`, { token });
  t.deepEqual(page3.body.items.map((r: { id: string }) => r.id), [ids[0]]);
  t.is(page3.body.nextCursor, null);
  const bad = await s.request('GET', '/api/v1/me/reports?cursor=zzz', { token });
  t.is(bad.status, 400);
});

test('a report outside Shanghai is accepted with no district and flagged for manual routing', async (t) => {
  const { token } = await s.loginCitizen();
  const res = await submit(token, validComplaint({ location: { lat: 39.9042, lng: 116.4074, coordSystem: 'gcj02' } }));
  t.is(res.status, 201);
  t.is(res.body.district, null);
  t.true(res.body.needsManualRouting);
  t.regex(res.body.timeline[0].message, /人工分派/);
})

test('a typed address without coordinates is accepted; the district comes from the text', async (t) => {
  const { token } = await s.loginCitizen();
  const res = await submit(token, validComplaint({ location: { address: '浦东张江路188弄门口' } }));
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.district, { code: '310115', name: '浦东新区' });
  t.deepEqual(res.body.location, { address: '浦东张江路188弄门口' });
  const vague = await submit(token, validComplaint({ location: { address: '我家楼下' } }));
  t.is(vague.body.district, null);
  t.true(vague.body.needsManualRouting);
});

test('a WGS-84 point is converted before the district lookup', async (t) => {
  const { token } = await s.loginCitizen();
  // Lujiazui by GPS: 浦东新区 either way; the stored point is shifted into GCJ-02.
  const res = await submit(token, validComplaint({ location: { lat: 31.2397, lng: 121.4998, coordSystem: 'wgs84' } }));
  t.deepEqual(res.body.district, { code: '310115', name: '浦东新区' });
  const stored = await storedReport(res.body.id);
  t.true(stored!.point!.lng! > 121.4998 + 0.003, 'GCJ-02 lies east of WGS-84 in Shanghai');
});

test('anonymous flag and absent phone are kept as given', async (t) => {
  const { token } = await s.loginCitizen();
  const res = await submit(token, validComplaint({ anonymous: true }));
  t.true(res.body.anonymous);
  t.is(res.body.contactPhone, null);
});

test('health and readiness endpoints answer', async (t) => {
  t.deepEqual((await s.request('GET', '/healthz')).body, { ok: true });
  const ready = await s.request('GET', '/readyz');
  t.is(ready.status, 200);
  t.is(ready.body.database, 'up');
  const unknown = await s.request('GET', '/api/v1/nope');
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, 'NOT_FOUND');
});
