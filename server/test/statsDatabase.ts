import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mongoose from 'mongoose';
import { startFerretDbBuild, type EmbeddedDatabase } from '../src/db/embeddedDatabase';

/** SQLite's plan for a query, as FerretDB's `explain` reports it. */
export type Plan = { queryPlanner?: { Plan?: string[] } };

/**
 * A patched embedded database of its own for a test file that checks SQLite's query plans once planner
 * statistics exist (patch 0007 refreshes them every SSP_STATS_INTERVAL, 1 minute by default: every second here).
 * Registers the file's before/after hooks; `maybe` runs a test only on the embedded database (plans are its own).
 */
export function databaseWithStatistics(prefix: string) {
  const onFerret = !process.env.TEST_DATABASE_ENGINE || process.env.TEST_DATABASE_ENGINE === 'ferretdb';
  process.env.SSP_STATS_INTERVAL = '1s';
  let db: EmbeddedDatabase | undefined;
  let client: mongoose.mongo.MongoClient | undefined;
  let dir = '';
  test.before(async () => {
    if (!onFerret) return;
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    db = await startFerretDbBuild('patched', dir);
    client = new mongoose.mongo.MongoClient(db.uri);
    await client.connect();
  });
  test.after.always(async () => {
    await client?.close();
    await db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return { maybe: onFerret ? test.serial : test.serial.skip, client: () => client! };
}
