import { existsSync, readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { embeddedUriFile, startEmbeddedDatabase } from './embeddedDatabase';

/** The database name src/main.ts gives the embedded database (a MONGODB_URI names its own). */
export const EMBEDDED_DB_NAME = 'suishenpai';

export interface ScriptDatabase {
  uri: string;
  /** undefined: the one MONGODB_URI names */
  dbName: string | undefined;
  /** `uri`: MONGODB_URI; `running`: the embedded database of a server running on DATA_DIR; `started`: started here (no server runs on DATA_DIR) */
  source: 'uri' | 'running' | 'started';
  stop(): Promise<void>;
}

/**
 * The database a maintenance command works on, found the way the server finds it: MONGODB_URI when set,
 * else the embedded one under DATA_DIR — the running server's (it notes its address in
 * DATA_DIR/embedded-db.uri; its files must not be opened twice), or one started here when no server runs.
 */
export async function openScriptDatabase(config: { MONGODB_URI?: string; DATA_DIR: string }, log: (line: string) => void = () => {}): Promise<ScriptDatabase> {
  if (config.MONGODB_URI) return { uri: config.MONGODB_URI, dbName: undefined, source: 'uri', stop: async () => {} };
  const running = await runningEmbedded(config.DATA_DIR);
  if (running) return { uri: running, dbName: EMBEDDED_DB_NAME, source: 'running', stop: async () => {} };
  const embedded = await startEmbeddedDatabase({ dataDir: config.DATA_DIR, log });
  return { uri: embedded.uri, dbName: EMBEDDED_DB_NAME, source: 'started', stop: embedded.stop };
}

/** The embedded database of a server running on DATA_DIR, if it answers. */
async function runningEmbedded(dataDir: string): Promise<string | undefined> {
  const file = embeddedUriFile(dataDir);
  if (!existsSync(file)) return undefined;
  const candidate = readFileSync(file, 'utf8').trim();
  const probe = new mongoose.mongo.MongoClient(candidate, { serverSelectionTimeoutMS: 1000 });
  try {
    await probe.connect();
    await probe.db('admin').command({ ping: 1 });
    return candidate;
  } catch {
    return undefined; // a stale note from a server that did not stop cleanly
  } finally {
    await probe.close().catch(() => {});
  }
}
