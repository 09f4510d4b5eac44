/**
 * A separate client process for the database atomicity test
 * (src/db/atomicity.test.ts): connects its own connection pool and says
 * "ready"; then for each line "SCENARIO COUNT" on stdin (sent to every
 * process at once) runs COUNT operations of that scenario concurrently and
 * prints one JSON line with what the server answered.
 *   node --import=tsx test/concurrentClient.ts URI DB PROCESS_INDEX
 */
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';

/** The documents of the test collection. */
export interface Row {
  _id: string;
  n?: number;
  items?: string[];
  v?: number;
  by?: string;
  slot?: string;
  ref?: string;
}

const [uri, dbName, processIndex] = process.argv.slice(2);
// Big enough that every operation of this process is in flight at once.
const client = new mongoose.mongo.MongoClient(uri, { maxPoolSize: 200, socketTimeoutMS: 60_000, serverSelectionTimeoutMS: 10_000 });
await client.connect();
const coll = client.db(dbName).collection<Row>('atomicity');

type Op = (i: number) => Promise<unknown>;
const ops: Record<string, Op> = {
  inc: async () => (await coll.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })).modifiedCount,
  push: async (i) => (await coll.updateOne({ _id: 'list' }, { $push: { items: `${processIndex}-${i}` } })).modifiedCount,
  casFindAndModify: async (i) => (await coll.findOneAndUpdate({ _id: 'cas', v: 0 }, { $set: { v: 1, by: `${processIndex}-${i}` } })) !== null,
  casUpdate: async (i) => (await coll.updateOne({ _id: 'cas2', v: 0 }, { $set: { v: 1, by: `${processIndex}-${i}` } })).modifiedCount,
  casBySecondaryField: async (i) => (await coll.updateOne({ slot: 'a', v: 0 }, { $set: { v: 1, by: `${processIndex}-${i}` } })).modifiedCount,
  upsert: async () => (await client.db(dbName).collection('upserts').updateOne({ key: 'u' }, { $inc: { n: 1 } }, { upsert: true })).upsertedCount,
  findAndDelete: async () => (await coll.findOneAndDelete({ _id: 'gone' })) !== null,
  distinct: async (i) => (await coll.updateOne({ _id: `d-${processIndex}-${i}` }, { $inc: { n: 1 } })).modifiedCount,
  distinctBySecondaryField: async (i) => (await coll.updateOne({ ref: `r-${processIndex}-${i}` }, { $inc: { n: 1 } })).modifiedCount,
  // One update command of many statements, each pinning its own document (FerretDB patch 0005 writes them in one
  // transaction), in a different order each time, mixed with single updates of the same documents.
  bulkIncMixed: async (i) =>
    i % 2 === 0
      ? (await coll.bulkWrite(shuffled(20).map((k) => ({ updateOne: { filter: { _id: `g-${k}` }, update: { $inc: { n: 1 } } } })), { ordered: false })).modifiedCount
      : (await coll.updateOne({ _id: `g-${i % 20}` }, { $inc: { n: 1 } })).modifiedCount,
  // The same as one raw `update` command, answered per statement by patch 0013 (`sspMatched`): which of its
  // statements this command won, as `c-k` ids (null when the server does not answer per statement).
  bulkCasPerStatement: async (i) => {
    const order = shuffled(10);
    const res = await client.db(dbName).command({ update: 'atomicity', updates: order.map((k) => ({ q: { _id: `p-${k}`, v: 0 }, u: { $set: { v: 1, by: `${processIndex}-${i}` } } })), ordered: false });
    const matched = res.sspMatched as number[] | undefined;
    return { by: `${processIndex}-${i}`, n: res.n, won: matched ? order.filter((_, j) => matched[j] === 1).map((k) => `p-${k}`) : null };
  },
  bulkCas: async (i) =>
    (await coll.bulkWrite(shuffled(10).map((k) => ({ updateOne: { filter: { _id: `c-${k}`, v: 0 }, update: { $set: { v: 1, by: `${processIndex}-${i}` } } } })), { ordered: false })).modifiedCount,
};

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(Math.random() * (k + 1));
    [a[k], a[j]] = [a[j], a[k]];
  }
  return a;
}
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [scenario, count] = line.split(' ');
  const op = ops[scenario];
  if (!op) throw new Error(`unknown scenario ${scenario}`);
  const results = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) => op(i).then((value) => ({ value }), (err: Error & { code?: number }) => ({ error: `${err.code ?? ''} ${err.message}` }))),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
await client.close();
process.exit(0);
