/**
 * Runs a command with a MongoDB-protocol server for it: the one in MONGODB_URI
 * if set, else the embedded one (FerretDB here) in a throw-away data directory.
 * Test files each create their own database on it, so they never share data.
 *   node --import=tsx scripts/with-database.ts ava
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-database.ts COMMAND [ARGS…]');
  process.exit(2);
}

let uri = process.env.MONGODB_URI;
let stop = async () => {};
let dataDir: string | null = null;
let engine = 'external';
if (!uri) {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssp-test-db-'));
  const db = await startEmbeddedDatabase({ dataDir, log: (l) => console.log(l) });
  uri = db.uri;
  stop = db.stop;
  engine = db.engine;
}

const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, TEST_MONGODB_URI: uri, TEST_DATABASE_ENGINE: engine } });
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
