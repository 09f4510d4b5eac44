import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../../test/harness';
import { isFerretDb } from './dialect';

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
