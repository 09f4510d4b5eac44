import test from 'ava';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../../test/harness';
import { FERRETDB_MAX_POOL } from './connect';
import { isFerretDb } from './dialect';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => s?.close());

test('the server knows which database it talks to, and caps its pool on FerretDB', (t) => {
  const engine = process.env.TEST_DATABASE_ENGINE;
  if (engine === 'ferretdb') t.true(isFerretDb());
  if (engine === 'mongod' || engine === 'mongodb-memory-server') t.false(isFerretDb());
  const pool = (mongoose.connection.getClient() as unknown as { options: { maxPoolSize: number } }).options.maxPoolSize;
  if (isFerretDb()) t.is(pool, FERRETDB_MAX_POOL, 'FerretDB deadlocks at 100 concurrent updates (see connect.ts)');
  else t.is(pool, 100);
});
