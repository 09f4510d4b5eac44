import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../../test/harness';
import { isFerretDb } from './dialect';
import { dropRetiredIndexes } from './connect';
import { expireByDate } from './expiry';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => s?.close());

// Which server the suite runs on: scripts/with-database.ts says; a file run on its own gets the embedded database (harness).
const engine = process.env.TEST_DATABASE_ENGINE ?? 'ferretdb';

test('the server knows which database answered (from its buildInfo), on every engine the suite runs on', (t) => {
  t.is(isFerretDb(), engine === 'ferretdb');
});

test('expiry by date: a TTL index on MongoDB; none on the embedded database, which has no TTL monitor (housekeeping removes them there)', async (t) => {
  const probe = mongoose.connection.db!.collection('ttl_probe');
  await probe.insertOne({ expire: new Date(Date.now() + 60_000) });
  const expiresByItself = await expireByDate(probe, 'expire');
  t.is(expiresByItself, engine !== 'ferretdb');
  const ttl = (await probe.indexes()).find((ix) => ix.key.expire === 1);
  t.is(ttl?.expireAfterSeconds, expiresByItself ? 0 : undefined);
});

test('an index an earlier build created and nothing reads is dropped at start, once', async (t) => {
  // The outbox's {state, nextAttemptAt} index was replaced by {deliveredAt}; databases that lived through the
  // change still had it, costing every outbox write.
  const deliveries = mongoose.connection.db!.collection('deliveries');
  await deliveries.createIndex({ state: 1, nextAttemptAt: 1 });
  t.true((await deliveries.indexes()).some((ix) => ix.name === 'state_1_nextAttemptAt_1'));
  t.deepEqual(await dropRetiredIndexes(), ['deliveries.state_1_nextAttemptAt_1']);
  const names = (await deliveries.indexes()).map((ix) => ix.name);
  t.false(names.includes('state_1_nextAttemptAt_1'));
  t.true(names.includes('deliveredAt_1'), 'the index that replaced it stays');
  t.deepEqual(await dropRetiredIndexes(), [], 'nothing left to drop');
});
