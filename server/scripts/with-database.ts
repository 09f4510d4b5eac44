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
import mongoose from 'mongoose';
import { createCategoryService } from '../src/categories/categoryService';
import { createClassificationService } from '../src/classification/classificationService';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import { createLogger } from '../src/log';

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

// Every test server starts on a fresh database, whose first classifier is trained on the shipped
// corpus (tens of seconds on a loaded machine). classificationService keeps that model in a cache
// named by its inputs; building it here, once per machine and code version, keeps it out of the
// tests' timeouts. Later runs find it and this takes a second.
if (process.env.SKIP_CLASSIFIER_WARMUP !== '1') {
  const started = Date.now();
  await connectDatabase(uri, `warmup_${process.pid}`);
  const categories = createCategoryService();
  await categories.seedIfEmpty();
  const classification = createClassificationService({ categories, log: createLogger('warn', (l) => process.stderr.write(l + '\n')), confidenceThreshold: 0.5, retrainEvery: 1e9 });
  await classification.init();
  await mongoose.connection.db!.dropDatabase();
  await mongoose.disconnect();
  if (Date.now() - started > 5000) console.log(`[with-database] first classifier model built and cached in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, TEST_MONGODB_URI: uri, TEST_DATABASE_ENGINE: engine } });
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
