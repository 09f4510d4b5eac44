import mongoose from 'mongoose';
import { detectDialect } from './dialect';

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
