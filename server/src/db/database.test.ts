import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../../test/harness';
import { isFerretDb } from './dialect';
import { dropRetiredIndexes } from './connect';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => s?.close());

test('the server knows which database it talks to, and connects the same way to both (one code path)', (t) => {
  const engine = process.env.TEST_DATABASE_ENGINE;
  if (engine === 'ferretdb') t.true(isFerretDb());
  if (engine === 'mongod' || engine === 'mongodb-memory-server') t.false(isFerretDb());
  // No embedded-database pool cap any more: patched FerretDB holds one SQLite connection per operation (patch 0002).
  const pool = (mongoose.connection.getClient() as unknown as { options: { maxPoolSize: number } }).options.maxPoolSize;
  t.is(pool, 100);
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
