/**
 * Grouped inserts (groupInsert.ts) go as the database's own `insert` command instead of the driver's
 * `insertMany`: what is stored must be the same, a duplicate key must fail only its own caller, with code
 * 11000, and concurrent callers must share commands.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from './embeddedDatabase';
import { isDuplicateKey } from './errors';
import { createGroupInsert } from './groupInsert';

let stopDb = async () => {};
let client: mongoose.mongo.MongoClient;
const dbName = `groupinsert_${randomUUID().slice(0, 8)}`;
const inserts: { collection: string; documents: number }[] = [];

test.before(async () => {
  let uri = process.env.TEST_MONGODB_URI ?? '';
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-db-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  client = new mongoose.mongo.MongoClient(uri, { monitorCommands: true });
  client.on('commandStarted', (e) => {
    if (e.commandName === 'insert' && e.databaseName === dbName) inserts.push({ collection: e.command.insert as string, documents: (e.command.documents as unknown[]).length });
  });
  await client.connect();
});
test.after.always(async () => {
  await client?.db(dbName).dropDatabase().catch(() => {});
  await client?.close();
  await stopDb();
});

/** A report-shaped document with every kind of value a submit stores. */
const sample = (id: string) => ({
  _id: id,
  ticketNo: `SH20261130-${id}`,
  citizenId: new mongoose.Types.ObjectId('6b0b85ac5251018c86bd3af0'),
  kind: 'complaint',
  description: '人民广场地铁站2号口旁边的窨井盖松动，手机13812345678',
  citizenCategory: null,
  category: { code: 'manhole_cover', name: '窨井盖', parentCode: 'roads', parentName: '道路' },
  classification: { top3: [{ code: 'manhole_cover', p: 0.91 }], confidence: 0.91, urgentReasons: ['危险'], model: { version: 'v1', at: new Date('2026-11-30T01:02:03.456Z') } },
  urgent: true,
  urgentReasons: ['危险'],
  location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' },
  point: { lat: 31.2304, lng: 121.4737 },
  mediaIds: [new mongoose.Types.ObjectId('6b0b85ac5251018c86bd3af1')],
  answers: { floor_no: 3, ok: true, list: ['a', 'b'] },
  zone: null,
  anonymous: false,
  supporters: 0,
  timeline: [{ at: new Date('2026-11-30T04:00:00.000Z'), status: 'submitted', actor: 'citizen', message: '诉求已提交' }],
  createdAt: new Date('2026-11-30T04:00:00.000Z'),
  updatedAt: new Date('2026-11-30T04:00:00.000Z'),
});

test.serial('a document goes in as the driver’s insertMany would store it', async (t) => {
  const db = client.db(dbName);
  const group = createGroupInsert(() => db, 'same');
  await group.insert(sample('g-1'));
  await db.collection('same').insertMany([sample('d-1')] as never[], { ordered: false });
  const grouped = await db.collection('same').findOne({ _id: 'g-1' as never });
  const driver = await db.collection('same').findOne({ _id: 'd-1' as never });
  const strip = (d: Record<string, unknown> | null) => {
    const { _id: _ignored, ticketNo: _ticketNo, ...rest } = d!;
    return rest;
  };
  t.deepEqual(strip(grouped), strip(driver));
  // Raw BSON too: the same field order and types, byte for byte apart from the two ids.
  const raw = await db.collection('same').find({}, { raw: true }).toArray();
  t.is(raw.length, 2);
  t.is((raw[0] as unknown as Buffer).length, (raw[1] as unknown as Buffer).length);
});

test.serial('concurrent inserts share commands; a duplicate fails only its caller, as a duplicate key', async (t) => {
  const db = client.db(dbName);
  await db.collection('dups').createIndex({ ticketNo: 1 }, { unique: true });
  const group = createGroupInsert(() => db, 'dups', { writeConcern: { w: 'majority', j: true } });
  const before = inserts.filter((i) => i.collection === 'dups').length;
  const docs = Array.from({ length: 30 }, (_, k) => ({ _id: `c-${k}`, ticketNo: k === 17 ? 'T-3' : `T-${k}` }));
  const outcomes = await Promise.allSettled(docs.map((d) => group.insert(d)));
  const failed = outcomes.flatMap((o, k) => (o.status === 'rejected' ? [k] : []));
  t.deepEqual(failed, [17]);
  t.true(isDuplicateKey((outcomes[17] as PromiseRejectedResult).reason));
  t.is(await db.collection('dups').countDocuments({}), 29);
  const commands = inserts.filter((i) => i.collection === 'dups').slice(before);
  t.is(commands.reduce((n, c) => n + c.documents, 0), 30);
  t.true(commands.length < 30, `${commands.length} commands for 30 documents`);
  // An `_id` taken already is a duplicate key too (the outbox document of a retried submit).
  const again = await group.insert({ _id: 'c-0', ticketNo: 'T-new' }).catch((err: unknown) => err);
  t.true(isDuplicateKey(again));
});
