/**
 * npm run db:export -- DIR   copy the whole database (collections, GridFS photos and models, indexes) into DIR
 * npm run db:import -- DIR [--replace]   load DIR into the database
 * The database is MONGODB_URI when set, else the embedded one under DATA_DIR:
 * the running server's (it notes its address in DATA_DIR/embedded-db.uri), or
 * one started here when no server runs.
 * To move from the embedded database to MongoDB: export without MONGODB_URI,
 * then import with MONGODB_URI=mongodb://… (and the other way round).
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { openScriptDatabase } from '../src/db/scriptDatabase';
import { databaseConfigOrExit } from './databaseConfig';
import { exportDatabase, importDatabase } from '../src/db/transfer';

const [command, dirArg, ...flags] = process.argv.slice(2);
if ((command !== 'export' && command !== 'import') || !dirArg) {
  console.error('usage: npm run db:export -- DIR   |   npm run db:import -- DIR [--replace]');
  process.exit(2);
}
// Relative to where `npm run` was typed, not to server/.
const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), dirArg);
const config = databaseConfigOrExit();
const database = await openScriptDatabase(config, (l) => console.error(l));
if (database.source === 'running') console.error(`using the running server's embedded database at ${database.uri}`);
const { uri, dbName, stop } = database;
const client = new mongoose.mongo.MongoClient(uri);
try {
  await client.connect();
  const db = client.db(dbName);
  const log = (line: string) => console.error(line);
  const t0 = Date.now();
  const manifest = command === 'export' ? await exportDatabase(db, dir, log) : await importDatabase(db, dir, { replace: flags.includes('--replace'), log });
  const total = manifest.collections.reduce((n, c) => n + c.count, 0);
  console.log(`${command === 'export' ? 'exported' : 'imported'} ${total} documents in ${manifest.collections.length} collections (${db.databaseName}) ${command === 'export' ? 'to' : 'from'} ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await client.close();
  await stop();
}
