import test from 'ava';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../../test/harness';
import { EXIF_MARKER, makeJpeg, makePng, makeWebp, multipart } from '../../test/images';

let s: TestServer;
let citizen: { token: string };
test.before(async () => {
  s = await startTestServer();
  citizen = await s.loginCitizen();
});
test.after.always(async () => {
  await s?.close();
});

const upload = (token: string, form: FormData) => s.request('POST', '/api/v1/media', { token, body: form });

test('a JPEG, a PNG and a WebP upload are stored with their real type and size', async (t) => {
  for (const [bytes, type] of [
    [await makeJpeg(), 'image/jpeg'],
    [await makePng(), 'image/png'],
    [await makeWebp(), 'image/webp'],
  ] as const) {
    const res = await upload(citizen.token, multipart('file', 'photo.bin', bytes, 'application/octet-stream'));
    t.is(res.status, 201, JSON.stringify(res.body));
    t.regex(res.body.id, /^[a-f0-9]{24}$/);
    t.is(res.body.contentType, type);
    const back = await s.request('GET', `/api/v1/media/${res.body.id}`, { token: citizen.token });
    t.is(back.status, 200);
    t.is(back.headers.get('content-type'), type);
  }
});

test('EXIF and GPS metadata are removed before storing', async (t) => {
  const original = await makeJpeg({ withGps: true });
  t.truthy((await sharp(original).metadata()).exif, 'fixture must carry EXIF');
  t.true(original.includes(Buffer.from(EXIF_MARKER)));
  const res = await upload(citizen.token, multipart('file', 'gps.jpg', original));
  t.is(res.status, 201);
  for (const size of ['', '?size=preview']) {
    const stored = await s.request('GET', `/api/v1/media/${res.body.id}${size}`, { token: citizen.token });
    const meta = await sharp(stored.body).metadata();
    t.is(meta.exif, undefined);
    t.false((stored.body as Buffer).includes(Buffer.from(EXIF_MARKER)));
  }
});

test('the preview is a small JPEG', async (t) => {
  const res = await upload(citizen.token, multipart('file', 'big.jpg', await makeJpeg({ width: 2000, height: 1000 })));
  t.is(res.body.width, 2000);
  const preview = await s.request('GET', `/api/v1/media/${res.body.id}?size=preview`, { token: citizen.token });
  const meta = await sharp(preview.body).metadata();
  t.is(meta.format, 'jpeg');
  t.is(meta.width, 480);
  t.is(meta.height, 240);
});

test('a text file renamed .jpg is rejected as an unsupported type', async (t) => {
  const res = await upload(citizen.token, multipart('file', 'notes.jpg', Buffer.from('这不是图片，只是一段文字。'.repeat(20)), 'image/jpeg'));
  t.is(res.status, 415);
  t.is(res.body.error.code, 'MEDIA_UNSUPPORTED_TYPE');
});

test('a file over 10 MB is rejected as too large', async (t) => {
  const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
  big.set([0xff, 0xd8, 0xff], 0);
  const res = await upload(citizen.token, multipart('file', 'huge.jpg', big));
  t.is(res.status, 413);
  t.is(res.body.error.code, 'MEDIA_TOO_LARGE');
});

test('a truncated JPEG is rejected as corrupt, a request without the file field as missing', async (t) => {
  const jpeg = await makeJpeg();
  const corrupt = await upload(citizen.token, multipart('file', 'broken.jpg', jpeg.subarray(0, 200)));
  t.is(corrupt.status, 400);
  t.is(corrupt.body.error.code, 'MEDIA_CORRUPT');
  const wrongField = await upload(citizen.token, multipart('photo', 'a.jpg', jpeg));
  t.is(wrongField.status, 400);
  t.is(wrongField.body.error.code, 'MEDIA_MISSING_FILE');
  const notMultipart = await s.request('POST', '/api/v1/media', { token: citizen.token, json: {} });
  t.is(notMultipart.body.error.code, 'MEDIA_MISSING_FILE');
});

test('uploading needs a login', async (t) => {
  const res = await s.request('POST', '/api/v1/media', { body: multipart('file', 'a.jpg', await makeJpeg()) });
  t.is(res.status, 401);
});

test('images are served to their owner, staff and signed links only', async (t) => {
  const res = await upload(citizen.token, multipart('file', 'a.jpg', await makeJpeg()));
  const other = await s.loginCitizen();
  const admin = await s.loginAdmin();
  t.is((await s.request('GET', `/api/v1/media/${res.body.id}`, { token: other.token })).status, 404);
  t.is((await s.request('GET', `/api/v1/media/${res.body.id}`, { token: admin.token })).status, 200);
  t.is((await s.request('GET', `/api/v1/media/${res.body.id}`)).status, 401);
  t.is((await s.request('GET', res.body.url)).status, 200, 'signed link works without a token');
  t.is((await s.request('GET', res.body.previewUrl)).status, 200);
  const forged = res.body.url.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  t.is((await s.request('GET', forged)).status, 401);
  const previewSigAsOriginal = res.body.previewUrl.replace('size=preview&', '');
  t.is((await s.request('GET', previewSigAsOriginal)).status, 401, 'a preview signature does not unlock the original');
  t.is((await s.request('GET', '/api/v1/media/000000000000000000000000', { token: admin.token })).status, 404);
});

test('a photo may be cached only privately, and no longer than its link is valid', async (t) => {
  const res = await upload(citizen.token, multipart('file', 'a.jpg', await makeJpeg()));
  const served = await s.request('GET', res.body.url);
  const exp = Number(new URL(res.body.url, 'http://x').searchParams.get('exp'));
  const cache = served.headers.get('cache-control') ?? '';
  t.regex(cache, /^private, max-age=\d+$/);
  const maxAge = Number(/max-age=(\d+)/.exec(cache)![1]);
  t.true(maxAge > 0 && maxAge <= exp - Math.floor(Date.now() / 1000) + 1, `max-age ${maxAge} within the link's remaining life`);
  t.true(maxAge <= 3600 + 600, 'links last about an hour, not a day');
  const withToken = await s.request('GET', `/api/v1/media/${res.body.id}`, { token: citizen.token });
  t.is(withToken.headers.get('cache-control'), 'private, no-store');
});

test('uploads not attached to a report within 24 h are removed, files and metadata; attached and recent ones stay', async (t) => {
  const { Media } = await import('./mediaModel');
  const mongoose = (await import('mongoose')).default;
  const { validComplaint } = await import('../../test/harness');
  const me = await s.loginCitizen();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await upload(me.token, multipart('file', 'a.jpg', await makeJpeg({ width: 64, height: 64 })))).body.id);
  const [orphan, attached, recent] = ids;
  const report = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ mediaIds: [attached] }), headers: { 'Idempotency-Key': crypto.randomUUID() } });
  t.is(report.status, 201);
  // 25 hours old (through the driver: createdAt is immutable in mongoose).
  await Media.collection.updateMany({ _id: { $in: [orphan, attached].map((id) => new mongoose.Types.ObjectId(id)) } }, { $set: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
  const orphanDoc = (await Media.findById(orphan).lean())!;
  const files = mongoose.connection.collection('media.files');
  const chunks = mongoose.connection.collection('media.chunks');
  t.is(await files.countDocuments({ _id: { $in: [orphanDoc.fileId, orphanDoc.previewFileId] } }), 2);

  const removed = await s.services.housekeeping.run();
  t.is(removed.unattachedMedia, 1);
  t.is(await Media.countDocuments({ _id: { $in: ids } }), 2);
  t.is(await Media.exists({ _id: orphan }), null);
  t.is(await files.countDocuments({ _id: { $in: [orphanDoc.fileId, orphanDoc.previewFileId] } }), 0, 'GridFS files gone');
  t.is(await chunks.countDocuments({ files_id: { $in: [orphanDoc.fileId, orphanDoc.previewFileId] } }), 0, 'and their chunks');
  t.truthy((await Media.findById(attached).lean())!.attachedAt, 'the attached one is kept and marked');
  t.is((await s.request('GET', `/api/v1/media/${recent}`, { token: me.token })).status, 200, 'a recent upload stays');
  t.is((await s.request('GET', `/api/v1/reports/${report.body.id}`, { token: me.token })).body.media.length, 1);
  t.is((await s.services.housekeeping.run()).unattachedMedia, 0, 'a second pass finds nothing more');
});
