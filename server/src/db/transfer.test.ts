import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { makeJpeg } from '../../test/images';
import { exportDatabase, importDatabase } from './transfer';

const { EJSON } = mongoose.mongo.BSON;
let server: TestServer;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ssp-export-'));
  dirs.push(d);
  return path.join(d, 'out');
};
test.before(async () => {
  server = await startTestServer();
});
test.after.always(async () => {
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function fileReport(token: string, i: number) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await makeJpeg({ width: 64 + i, height: 48 }))], { type: 'image/jpeg' }), 'p.jpg');
  const media = await server.request('POST', '/api/v1/media', { token, body: form });
  if (media.status !== 201) throw new Error(`upload: ${media.status}`);
  const res = await server.request('POST', '/api/v1/reports', { token, json: validComplaint({ mediaIds: [media.body.id] }), headers: { 'Idempotency-Key': randomUUID() } });
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; mediaIds: string[] };
}

// The photo metadata collection, by its model's name (registered by the app the harness builds).
const mediaCollection = () => mongoose.model('Media').collection.collectionName;

/** Every document of every collection, canonical EJSON by `_id`, and the index names. */
async function snapshot(db: mongoose.mongo.Db) {
  const out: Record<string, { docs: string[]; indexes: string[] }> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue;
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    const indexes = (await db.collection(name).indexes()).map((i) => `${i.name}${i.unique ? ' unique' : ''}`).sort();
    out[name] = { docs: docs.map((d) => EJSON.stringify(d, { relaxed: false })), indexes };
  }
  return out;
}

test.serial('export then import into another database gives the same collections, documents, GridFS files and indexes', async (t) => {
  const { token } = await server.loginCitizen();
  for (let i = 0; i < 3; i++) await fileReport(token, i);
  // The insight writer folds new reports in after the answer; let it finish, or the source changes
  // after the export and the comparison below sees a rollup the export could not hold.
  await server.services.insightWriter.drain();
  const source = mongoose.connection.db!;
  const dir = tmp();
  const manifest = await exportDatabase(source, dir);
  t.true(manifest.collections.some((c) => c.name === 'media.files' && c.count >= 3), 'GridFS files are in the export');
  t.true(manifest.collections.some((c) => c.name === 'media.chunks' && c.count >= 3));

  const target = mongoose.connection.getClient().db(`copy_${randomUUID().slice(0, 8)}`);
  try {
    await importDatabase(target, dir);
    const [a, b] = [await snapshot(source), await snapshot(target)];
    t.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
    for (const name of Object.keys(a)) {
      t.deepEqual(b[name].docs, a[name].docs, `${name}: same documents`);
      t.deepEqual(b[name].indexes, a[name].indexes, `${name}: same indexes`);
    }
    // A photo reads back byte for byte from the copy through GridFS.
    const file = (await source.collection('media.files').findOne({}))!;
    const read = async (db: mongoose.mongo.Db) => Buffer.concat(await new mongoose.mongo.GridFSBucket(db, { bucketName: 'media' }).openDownloadStream(file._id).toArray());
    t.true((await read(target)).equals(await read(source)));

    // Importing twice would duplicate: refused.
    await t.throwsAsync(() => importDatabase(target, dir), { message: /already has/ });
    await t.throwsAsync(() => exportDatabase(source, dir), { message: /already holds an export/ });
  } finally {
    await target.dropDatabase();
  }
});

test.serial('a report written during an export is either whole in it (with its photos) or absent', async (t) => {
  const { token } = await server.loginCitizen();
  const source = mongoose.connection.db!;
  let writing = true;
  const written: string[] = [];
  const writer = (async () => {
    for (let i = 0; writing && i < 40; i++) written.push((await fileReport(token, i)).id);
  })();
  await new Promise((r) => setTimeout(r, 300));
  const dir = tmp();
  const manifest = await exportDatabase(source, dir);
  writing = false;
  await writer;

  const lines = (name: string) =>
    readFileSync(path.join(dir, `${encodeURIComponent(name)}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => EJSON.parse(l) as Record<string, any>);
  const reports = lines('reports');
  const media = new Map(lines(mediaCollection()).map((m) => [String(m._id), m]));
  const files = new Map(lines('media.files').map((f) => [String(f._id), f]));
  const chunks = lines('media.chunks');
  t.true(written.length > 0);
  for (const r of reports) {
    t.true(new Date(r.createdAt) <= new Date(manifest.exportedAt));
    const stored = await source.collection('reports').findOne({ _id: r._id });
    t.truthy(stored, 'an exported report exists');
    for (const m of r.mediaIds ?? []) {
      const photo = media.get(String(m));
      t.truthy(photo, `photo ${m} of report ${r._id} is in the export`);
      for (const fileId of [photo!.fileId, photo!.previewFileId]) {
        const f = files.get(String(fileId));
        t.truthy(f, 'with its GridFS file');
        const n = chunks.filter((c) => String(c.files_id) === String(fileId)).length;
        t.is(n, Math.ceil(f!.length / f!.chunkSize), 'and all its chunks');
      }
    }
  }
  // Every chunk belongs to an exported file (no half-written photo).
  t.true(chunks.every((c) => files.has(String(c.files_id))));
  t.log({ writtenDuringExport: written.length, exportedReports: reports.length });
});
