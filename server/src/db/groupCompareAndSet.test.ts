/**
 * Compare-and-sets grouped into one `update` command, each caller learning
 * its own outcome (groupCompareAndSet.ts), and what it rests on: on our
 * FerretDB build, an `update` command answers each statement's matched count
 * (`sspMatched`, patch 0013 in tools/ferretdb), also when two client
 * processes send such commands at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import test from 'ava';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from './embeddedDatabase';
import { createGroupCompareAndSet } from './groupCompareAndSet';

const CLIENT = path.resolve(import.meta.dirname, '../../test/concurrentClient.ts');
const onFerretDb = (process.env.TEST_DATABASE_ENGINE ?? 'ferretdb') === 'ferretdb';

let uri: string;
let stopDb = async () => {};
let client: mongoose.mongo.MongoClient;
const dbName = `groupcas_${randomUUID().slice(0, 8)}`;
/** Every `update` command the test's own client sends (command monitoring). */
const updates: { statements: number }[] = [];

test.before(async () => {
  uri = process.env.TEST_MONGODB_URI ?? '';
  if (!uri) {
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-db-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  client = new mongoose.mongo.MongoClient(uri, { monitorCommands: true });
  client.on('commandStarted', (e) => {
    if (e.commandName === 'update' && e.databaseName === dbName) updates.push({ statements: (e.command.updates as unknown[]).length });
  });
  await client.connect();
  await client.db(dbName).createCollection('atomicity');
  await client.db(dbName).createCollection('windows');
});
test.after.always(async () => {
  await client?.db(dbName).dropDatabase().catch(() => {});
  await client?.close();
  await stopDb();
});

test.serial('an update command answers each statement: matched, not matched, upserted (patch 0013)', async (t) => {
  if (!onFerretDb) return t.pass('MongoDB answers totals only; groupCompareAndSet then sends one command per statement');
  const coll = client.db(dbName).collection<{ _id: string; v: number }>('atomicity');
  await coll.insertMany([{ _id: 's-0', v: 0 }, { _id: 's-1', v: 5 }, { _id: 's-2', v: 0 }]);
  const res = await client.db(dbName).command({
    update: 'atomicity',
    updates: [
      { q: { _id: 's-0', v: 0 }, u: { $set: { v: 1 } } },
      { q: { _id: 's-1', v: 0 }, u: { $set: { v: 1 } } }, // v is 5: not matched
      { q: { _id: 's-2', v: 0 }, u: { $set: { v: 0 } } }, // matched, nothing modified
      { q: { _id: 's-9', v: 0 }, u: { $set: { v: 1 } } }, // no such document
    ],
    ordered: false,
  });
  t.deepEqual(res.sspMatched, [1, 0, 1, 0]);
  t.is(res.n, 2);
  t.is(res.nModified, 1);
  // One statement (the path that is not grouped), and an upsert: inserted counts as matched, as MongoDB's `n` does.
  const one = await client.db(dbName).command({ update: 'atomicity', updates: [{ q: { _id: 's-1', v: 5 }, u: { $inc: { v: 1 } } }] });
  t.deepEqual(one.sspMatched, [1]);
  const upsert = await client.db(dbName).command({ update: 'atomicity', updates: [{ q: { _id: 's-7' }, u: { $set: { v: 7 } }, upsert: true }, { q: { _id: 's-0', v: 0 }, u: { $set: { v: 2 } } }] });
  t.deepEqual(upsert.sspMatched, [1, 0]);
});

test.serial('two processes sending commands of 10 compare-and-sets at once: each statement is told whether IT won', async (t) => {
  if (!onFerretDb) return t.pass('per-statement answers are our FerretDB build’s');
  const coll = client.db(dbName).collection<{ _id: string; v: number; by?: string }>('atomicity');
  await coll.insertMany(Array.from({ length: 10 }, (_, k) => ({ _id: `p-${k}`, v: 0 })));
  const children: ChildProcess[] = [0, 1].map((i) => spawn(process.execPath, ['--import=tsx', CLIENT, uri, dbName, String(i)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  try {
    const lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
    for (const l of lines) t.is((await l.next()).value, 'ready');
    for (const c of children) c.stdin!.write('bulkCasPerStatement 10\n');
    const outcomes = (await Promise.all(lines.map(async (l) => JSON.parse((await l.next()).value as string) as { value?: { by: string; n: number; won: string[] }; error?: string }[]))).flat();
    t.deepEqual(outcomes.filter((o) => o.error), []);
    const claims = outcomes.flatMap((o) => o.value!.won.map((id) => ({ id, by: o.value!.by })));
    // Every document won exactly once, by the command whose statement said so.
    t.is(claims.length, 10);
    for (const doc of await coll.find({ _id: { $regex: /^p-/ } }).toArray()) {
      t.is(doc.v, 1);
      t.deepEqual(claims.filter((c) => c.id === doc._id).map((c) => c.by), [doc.by], doc._id);
    }
    for (const o of outcomes) t.is(o.value!.won.length, o.value!.n, 'per-statement answers add up to the total');
  } finally {
    for (const c of children) c.kill();
  }
});

for (const perStatement of [undefined, false] as const) {
  const mode = perStatement === false ? 'one command per statement (as on a server that answers totals only)' : 'grouped';
  test.serial(`createGroupCompareAndSet, ${mode}: each caller gets its own outcome; a document twice waits for the first`, async (t) => {
    const name = `windows${perStatement === false ? '_single' : ''}`;
    const coll = client.db(dbName).collection<{ _id: string; n: number }>(name);
    await coll.insertMany(Array.from({ length: 40 }, (_, k) => ({ _id: `w-${k}`, n: k % 4 === 0 ? 9 : 0 })));
    const cas = createGroupCompareAndSet(() => client.db(dbName), name, { perStatement });
    updates.length = 0;
    // Take 1 while n ≤ 8 (a limit of 9): the documents at 9 refuse. w-1 is asked three times at once.
    const take = (id: string) => cas.apply(id, { _id: id, n: { $lte: 8 } }, { $inc: { n: 1 } });
    const ids = [...Array.from({ length: 40 }, (_, k) => `w-${k}`), 'w-1', 'w-1', 'w-missing'];
    const answers = await Promise.all(ids.map(take));
    ids.forEach((id, i) => t.is(answers[i], id !== 'w-missing' && Number(id.slice(2)) % 4 !== 0, `${id} #${i}`));
    for (const doc of await coll.find().toArray()) t.is(doc.n, doc._id === 'w-1' ? 3 : 9 * Number(Number(doc._id.slice(2)) % 4 === 0) || 1, doc._id);
    const statements = updates.reduce((s, u) => s + u.statements, 0);
    t.is(statements, ids.length, 'each statement sent once');
    if (perStatement === false || !onFerretDb) t.true(updates.every((u) => u.statements === 1));
    else t.true(updates.length < ids.length / 4, `grouped into ${updates.length} commands`);
  });
}
