/**
 * MongoDB's single-document atomicity, checked from outside: two client
 * processes, each with its own connection pool, run the same writes at once
 * against the test database (on FerretDB, the patched build: see
 * tools/ferretdb/README.md, patch 0002). Upstream FerretDB v1.24 lost most of
 * these updates, let several compare-and-sets win, and hung for good at 100
 * concurrent updates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import test from 'ava';
import mongoose from 'mongoose';
import type { Row } from '../../test/concurrentClient';
import { startEmbeddedDatabase } from './embeddedDatabase';

const CLIENT = path.resolve(import.meta.dirname, '../../test/concurrentClient.ts');

let uri: string;
let stopDb = async () => {};
let client: mongoose.mongo.MongoClient;
const dbName = `atomicity_${randomUUID().slice(0, 8)}`;

test.before(async () => {
  uri = process.env.TEST_MONGODB_URI ?? '';
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-db-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  client = new mongoose.mongo.MongoClient(uri);
  await client.connect();
  await client.db(dbName).createCollection('atomicity');
  // Its own collection: on MongoDB a unique index also counts documents without `key`.
  await client.db(dbName).createCollection('upserts');
  await client.db(dbName).collection('upserts').createIndex({ key: 1 }, { unique: true });
});
test.after.always(async () => {
  await client?.db(dbName).dropDatabase().catch(() => {});
  await client?.close();
  await stopDb();
});

const coll = () => client.db(dbName).collection<Row>('atomicity');

type Outcome = { value?: unknown; error?: string };

let children: ChildProcess[] = [];
let lines: AsyncIterator<string>[] = [];
const next = async (i: number) => {
  const r = await lines[i].next();
  if (r.done) throw new Error(`client ${i} exited early`);
  return r.value;
};

/** Two client processes with their own connection pools, started once for all tests (starting one takes seconds). */
test.before(async () => {
  children = [0, 1].map((i) => spawn(process.execPath, ['--import=tsx', CLIENT, uri, dbName, String(i)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  for (let i = 0; i < children.length; i++) if ((await next(i)) !== 'ready') throw new Error('client not ready');
});
test.after.always(() => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

/** Runs `perProcess` operations of `scenario` in each of the two client processes, released at once. */
async function fromTwoProcesses(scenario: string, perProcess: number): Promise<Outcome[]> {
  for (const c of children) c.stdin!.write(`${scenario} ${perProcess}\n`);
  const outputs = await Promise.all(children.map((_, i) => next(i)));
  return outputs.flatMap((o) => JSON.parse(o) as Outcome[]);
}

const errorsOf = (outcomes: Outcome[]) => outcomes.filter((o) => o.error).map((o) => o.error);

test.serial('50 concurrent $inc on one document count to 50', async (t) => {
  await coll().insertOne({ _id: 'counter', n: 0 });
  const outcomes = await fromTwoProcesses('inc', 25);
  t.deepEqual(errorsOf(outcomes), []);
  t.is((await coll().findOne({ _id: 'counter' }))?.n, 50);
  t.is(outcomes.filter((o) => o.value === 1).length, 50, 'every update reports one modification');
});

test.serial('40 concurrent $push on one document keep all 40 items', async (t) => {
  await coll().insertOne({ _id: 'list', items: [] });
  const outcomes = await fromTwoProcesses('push', 20);
  t.deepEqual(errorsOf(outcomes), []);
  const items = (await coll().findOne({ _id: 'list' }))?.items as string[];
  t.is(items.length, 40);
  t.is(new Set(items).size, 40);
});

test.serial('20 concurrent compare-and-set findOneAndUpdate({_id, v: 0}): exactly one succeeds', async (t) => {
  await coll().insertOne({ _id: 'cas', v: 0 });
  const outcomes = await fromTwoProcesses('casFindAndModify', 10);
  t.deepEqual(errorsOf(outcomes), []);
  const winners = outcomes.filter((o) => o.value === true);
  t.is(winners.length, 1);
  t.is((await coll().findOne({ _id: 'cas' }))?.v, 1);
});

test.serial('20 concurrent compare-and-set updateOne({_id, v: 0}) report exactly one modification', async (t) => {
  await coll().insertOne({ _id: 'cas2', v: 0 });
  const outcomes = await fromTwoProcesses('casUpdate', 10);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.reduce((sum, o) => sum + Number(o.value), 0), 1);
});

test.serial('20 concurrent compare-and-set updates on a field other than _id: exactly one succeeds', async (t) => {
  await coll().insertOne({ _id: 'slot-a', slot: 'a', v: 0 });
  const outcomes = await fromTwoProcesses('casBySecondaryField', 10);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.reduce((sum, o) => sum + Number(o.value), 0), 1);
});

test.serial('20 concurrent $inc upserts on a uniquely indexed key make one document with n = 20', async (t) => {
  const outcomes = await fromTwoProcesses('upsert', 10);
  t.deepEqual(errorsOf(outcomes), []);
  const docs = await client.db(dbName).collection('upserts').find({ key: 'u' }).toArray();
  t.is(docs.length, 1);
  t.is(docs[0].n, 20);
  t.is(outcomes.filter((o) => o.value === 1).length, 1, 'one of them inserted, the others updated');
});

test.serial('20 concurrent findOneAndDelete of one document: exactly one gets it', async (t) => {
  await coll().insertOne({ _id: 'gone' });
  const outcomes = await fromTwoProcesses('findAndDelete', 10);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.filter((o) => o.value === true).length, 1);
  t.is(await coll().countDocuments({ _id: 'gone' }), 0);
});

test.serial('300 concurrent updates of different documents by _id complete (no deadlock)', async (t) => {
  await coll().insertMany([0, 1].flatMap((p) => Array.from({ length: 150 }, (_, i) => ({ _id: `d-${p}-${i}`, n: 0 }))));
  const outcomes = await fromTwoProcesses('distinct', 150);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.filter((o) => o.value === 1).length, 300);
  t.is(await coll().countDocuments({ _id: { $regex: /^d-/ }, n: 1 }), 300);
});

test.serial('300 concurrent updates of different documents by another field complete', async (t) => {
  await coll().insertMany([0, 1].flatMap((p) => Array.from({ length: 150 }, (_, i) => ({ _id: `doc-r-${p}-${i}`, ref: `r-${p}-${i}`, n: 0 }))));
  const outcomes = await fromTwoProcesses('distinctBySecondaryField', 150);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.filter((o) => o.value === 1).length, 300);
  t.is(await coll().countDocuments({ ref: { $regex: /^r-/ }, n: 1 }), 300);
});

test.serial('update commands of many statements (one transaction each on FerretDB, patch 0005) mixed with single updates lose no $inc', async (t) => {
  await coll().insertMany(Array.from({ length: 20 }, (_, k) => ({ _id: `g-${k}`, n: 0 })));
  // Per process: 10 commands of 20 statements (all 20 documents, each time in another order) and 10 single updates.
  const outcomes = await fromTwoProcesses('bulkIncMixed', 20);
  t.deepEqual(errorsOf(outcomes), []);
  for (let k = 0; k < 20; k++) t.is((await coll().findOne({ _id: `g-${k}` }))?.n, 20 + (k % 2 === 1 ? 2 : 0), `g-${k}`);
  t.is(outcomes.reduce((sum, o) => sum + Number(o.value), 0), 20 * 20 + 20, 'every statement reports its modification');
});

test.serial('compare-and-sets in concurrent update commands of many statements: each document is won once', async (t) => {
  await coll().insertMany(Array.from({ length: 10 }, (_, k) => ({ _id: `c-${k}`, v: 0 })));
  const outcomes = await fromTwoProcesses('bulkCas', 10);
  t.deepEqual(errorsOf(outcomes), []);
  t.is(outcomes.reduce((sum, o) => sum + Number(o.value), 0), 10, '20 commands of 10 compare-and-sets: 10 modifications in all');
  t.is(await coll().countDocuments({ _id: { $regex: /^c-/ }, v: 1 }), 10);
});

test.serial('an update command stops at a failing statement: the ones before it are written, the ones after it are not', async (t) => {
  await coll().insertMany([{ _id: 'e-0', n: 0 }, { _id: 'e-1', n: 0 }, { _id: 'e-2', n: 'text' as unknown as number }, { _id: 'e-3', n: 0 }]);
  const statements = [0, 1, 2, 3].map((k) => ({ updateOne: { filter: { _id: `e-${k}` }, update: { $inc: { n: 1 } } } }));
  await t.throwsAsync(coll().bulkWrite(statements, { ordered: true }));
  const n = async (k: number) => (await coll().findOne({ _id: `e-${k}` }))?.n;
  t.is(await n(0), 1);
  t.is(await n(1), 1);
  t.is(await n(2), 'text' as unknown as number);
  t.is(await n(3), 0);
});
