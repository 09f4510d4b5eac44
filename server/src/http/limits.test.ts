import { randomUUID } from 'node:crypto';
import test from 'ava';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { makeJpeg, multipart } from '../../test/images';
import { countDeliveries, countReports, storedReport } from '../../test/reportStore';
import { RATE_LIMIT_COLLECTION } from './rateLimits';
import { rateLimitMessage, rateLimitMessageEn } from './errors';

// Small limits so each can be reached quickly; every test uses its own residents (limits are per resident).
let s: TestServer;
test.before(async () => {
  s = await startTestServer({
    limits: { reportsPerHour: 3, reportsPerDay: 4, uploadsPerHour: 2, uploadBytesPerDay: 60_000, followUpsPerTicketPerHour: 2, similarPerHour: 3, geoPerHour: 3 },
  });
});
test.after.always(async () => s?.close());

const submit = (token: string, key = randomUUID(), body: unknown = validComplaint()) =>
  s.request('POST', '/api/v1/reports', { token, json: body, headers: { 'Idempotency-Key': key } });

function assertLimited(t: import('ava').ExecutionContext, res: { status: number; body: any; headers: Headers }) {
  t.is(res.status, 429);
  t.is(res.body.error.code, 'RATE_LIMITED');
  const retryAfter = Number(res.headers.get('retry-after'));
  t.true(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After ${res.headers.get('retry-after')}`);
  t.regex(res.body.error.message, /操作太频繁，请 .*后（\d\d:\d\d 之后）再试/);
  return retryAfter;
}

test('new reports: over the hourly limit → 429 with Retry-After and a Chinese message; nothing stored; others unaffected', async (t) => {
  const me = await s.loginCitizen();
  for (let i = 0; i < 3; i++) t.is((await submit(me.token)).status, 201);
  const key = randomUUID();
  const over = await submit(me.token, key);
  const retryAfter = assertLimited(t, over);
  t.true(retryAfter <= 3600);
  t.is(await countReports({ citizenId: me.userId }), 3, 'the refused report is not half-written');
  t.is(await countReports({ idempotencyKey: key }), 0);
  // In English the message keeps the wait and the clock time, the code stays.
  const en = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID(), 'Accept-Language': 'en-US,en;q=0.9' } });
  t.is(en.status, 429);
  t.is(en.body.error.code, 'RATE_LIMITED');
  t.regex(en.body.error.message, /^Too many requests: please try again in \d+ (seconds?|minutes?|hours?)( \d+ minutes?)? \(after \d\d:\d\d Shanghai time\)$/);
  t.is(en.body.error.message.match(/\d\d:\d\d/)![0], over.body.error.message.match(/\d\d:\d\d/)![0], 'the same time as the Chinese message');
  // Another resident has their own quota.
  const other = await s.loginCitizen();
  t.is((await submit(other.token)).status, 201);
});

test('a retry of an acknowledged draft is never limited; an invalid report does not use up the quota', async (t) => {
  const me = await s.loginCitizen();
  const key = randomUUID();
  t.is((await submit(me.token, key)).status, 201);
  const bad = await submit(me.token, randomUUID(), validComplaint({ categoryCode: 'no_such_category' }));
  t.is(bad.status, 400);
  t.is((await submit(me.token)).status, 201);
  t.is((await submit(me.token)).status, 201);
  assertLimited(t, await submit(me.token));
  const retry = await submit(me.token, key);
  t.is(retry.status, 201, 'the same draft again (a client retry) is answered, not limited');
  t.is(retry.headers.get('idempotent-replayed'), 'true');
});

test('the daily window holds as well as the hourly one', async (t) => {
  const me = await s.loginCitizen();
  for (let i = 0; i < 3; i++) t.is((await submit(me.token)).status, 201);
  // An hour later the hourly window has ended; the day's has one left.
  await mongoose.connection.collection(RATE_LIMIT_COLLECTION).updateOne({ _id: `reports:${me.userId}` } as never, { $set: { "w.3600.expire": new Date(Date.now() - 1000) } });
  t.is((await submit(me.token)).status, 201);
  const over = await submit(me.token);
  const retryAfter = assertLimited(t, over);
  t.true(retryAfter > 3600, `the day's window: ${retryAfter} s`);
});

test('concurrent submits cannot overrun the limit', async (t) => {
  const me = await s.loginCitizen();
  const results = await Promise.all(Array.from({ length: 12 }, () => submit(me.token)));
  t.is(results.filter((r) => r.status === 201).length, 3);
  t.is(results.filter((r) => r.status === 429).length, 9);
  t.is(await countReports({ citizenId: me.userId }), 3);
});

// Serial (before the others): it counts the whole outbox collection. The quota is asked while the outbox document is
// written (reportRoutes.ts), so a refused submit wrote one and must take it away again before answering.
test.serial('refused submits leave no outbox document behind; each accepted one has exactly one', async (t) => {
  const me = await s.loginCitizen();
  const before = await countDeliveries({});
  const results = await Promise.all(Array.from({ length: 12 }, () => submit(me.token)));
  t.is(results.filter((r) => r.status === 201).length, 3);
  t.is(results.filter((r) => r.status === 429).length, 9);
  t.is(await countDeliveries({}), before + 3);
  t.is(await countDeliveries({ _id: { $in: results.filter((r) => r.status === 201).map((r) => r.body.id) } }), 3);
});

test('media uploads: per hour, and bytes per day', async (t) => {
  const me = await s.loginCitizen();
  const jpeg = await makeJpeg({ width: 64, height: 48 });
  const upload = (bytes = jpeg, token = me.token) => s.request('POST', '/api/v1/media', { token, body: multipart('file', 'a.jpg', bytes) });
  t.is((await upload()).status, 201);
  t.is((await upload()).status, 201);
  assertLimited(t, await upload());

  // Bytes: one large photo fits the day's 60 kB, a second does not (and does not count as an upload either).
  const other = await s.loginCitizen();
  // Noise does not compress: about 40 kB.
  const big = await sharp({ create: { width: 320, height: 320, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
  t.true(big.length > 30_000 && big.length < 60_000, `fixture ${big.length} bytes`);
  t.is((await upload(big, other.token)).status, 201);
  assertLimited(t, await upload(big, other.token));
  t.is((await upload(jpeg, other.token)).status, 201, 'a small one still fits in the day and the hour');
});

test('follow-ups: per resident and ticket; another ticket has its own quota', async (t) => {
  const me = await s.loginCitizen();
  const a = (await submit(me.token)).body.id;
  const b = (await submit(me.token)).body.id;
  const supplement = (id: string) => s.request('POST', `/api/v1/reports/${id}/supplement`, { token: me.token, json: { text: '补充：晚上更严重' } });
  t.is((await supplement(a)).status, 200);
  t.is((await supplement(a)).status, 200);
  assertLimited(t, await supplement(a));
  const doc = await storedReport(a);
  t.is(doc!.timeline.filter((e) => e.actor === 'citizen').length, 3, 'submitted + 2 supplements, the refused one not written');
  t.is((await supplement(b)).status, 200);
});

test('/reports/similar and /join share one quota; /categories/nearby and /geo/reverse another', async (t) => {
  const me = await s.loginCitizen();
  const similar = () => s.request('POST', '/api/v1/reports/similar', { token: me.token, json: { description: '井盖松动', location: { lat: 31.1, lng: 121.3 } } });
  t.is((await similar()).status, 200);
  t.is((await similar()).status, 200);
  t.is((await s.request('POST', `/api/v1/reports/${'a'.repeat(24)}/join`, { token: me.token, json: {} })).status, 404);
  assertLimited(t, await similar());
  assertLimited(t, await s.request('POST', `/api/v1/reports/${'a'.repeat(24)}/join`, { token: me.token, json: {} }));

  const nearby = () => s.request('GET', '/api/v1/categories/nearby?lat=31.23&lng=121.47', { token: me.token });
  const reverse = () => s.request('GET', '/api/v1/geo/reverse?lat=31.23&lng=121.47', { token: me.token });
  t.is((await nearby()).status, 200);
  t.is((await reverse()).status, 200);
  t.is((await nearby()).status, 200);
  assertLimited(t, await reverse());
});

test('the message says when to try again, in Shanghai time', (t) => {
  const now = Date.parse('2026-11-29T06:00:00Z'); // 14:00 in Shanghai
  t.is(rateLimitMessage(30, now), '操作太频繁，请 30 秒后（14:00 之后）再试');
  t.is(rateLimitMessage(12 * 60, now), '操作太频繁，请 12 分钟后（14:12 之后）再试');
  t.is(rateLimitMessage(2 * 3600, now), '操作太频繁，请 2 小时后（16:00 之后）再试');
  t.is(rateLimitMessageEn(1, now), 'Too many requests: please try again in 1 second (after 14:00 Shanghai time)');
  t.is(rateLimitMessageEn(12 * 60, now), 'Too many requests: please try again in 12 minutes (after 14:12 Shanghai time)');
  t.is(rateLimitMessageEn(3600 + 60, now), 'Too many requests: please try again in 1 hour 1 minute (after 15:01 Shanghai time)');
  t.is(rateLimitMessageEn(2 * 3600, now), 'Too many requests: please try again in 2 hours (after 16:00 Shanghai time)');
});
