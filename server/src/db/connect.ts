import mongoose from 'mongoose';
import { detectDialect, isFerretDb } from './dialect';

/** Connections to FerretDB per process; see connectDatabase. */
export const FERRETDB_MAX_POOL = 16;

/** GridFS buckets `media` and `classifier`. */
const GRIDFS_COLLECTIONS = ['media.files', 'media.chunks', 'classifier.files', 'classifier.chunks'];

/**
 * Every model the process has registered. Each domain owns its models and
 * registers them when imported (app.ts imports them all before the database is
 * connected); db/ does not import the domains, so dependencies point one way.
 */
const registeredModels = () => Object.values(mongoose.models);

/** Connects mongoose and creates every schema-declared index before serving. */
export async function connectDatabase(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000 });
  await detectDialect(mongoose.connection.db!);
  if (isFerretDb()) {
    // FerretDB v1.24 runs an update as a query that keeps its SQLite connection
    // open while it takes a second one to write, from a pool of 100 per
    // database. 100 concurrent updates therefore deadlock it for good (seen in
    // the chaos test: 100 goroutines holding rows, 100 waiting in BeginTx).
    // With at most FERRETDB_MAX_POOL operations in flight from this process,
    // they need at most twice that many connections.
    await mongoose.disconnect();
    await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000, maxPoolSize: FERRETDB_MAX_POOL });
  }
  // Create every collection before serving, so concurrent first inserts do not
  // race to create it (FerretDB v1.24 serialises collection creation per database).
  const exists = (err: { code?: number }) => {
    if (err.code !== 48) throw err; // NamespaceExists
  };
  for (const m of registeredModels()) await m.createCollection().catch(exists);
  for (const name of GRIDFS_COLLECTIONS) await mongoose.connection.db!.createCollection(name).catch(exists);
  await Promise.all(registeredModels().map((m) => m.createIndexes()));
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
