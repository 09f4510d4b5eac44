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

/**
 * Indexes an earlier build created that nothing reads any more. `createIndexes` only adds, so a database that
 * lived through the change keeps them, and every insert and update of their collection pays for them (on the
 * embedded database one more json_extract and b-tree write per document). Domains declare them next to the
 * index that replaced them; connectDatabase drops them at start.
 */
const retiredIndexes: { collection: string; name: string }[] = [];
export function retireIndex(collection: string, name: string): void {
  retiredIndexes.push({ collection, name });
}

/** Drops every retired index that still exists; one that is already gone is fine. */
export async function dropRetiredIndexes(db = mongoose.connection.db!): Promise<string[]> {
  const dropped: string[] = [];
  for (const { collection, name } of retiredIndexes) {
    const existing = await db.collection(collection).indexes().catch(() => []);
    if (!existing.some((ix) => ix.name === name)) continue;
    await db.collection(collection).dropIndex(name);
    dropped.push(`${collection}.${name}`);
  }
  return dropped;
}

/** Connects mongoose and creates every schema-declared index before serving. */
export async function connectDatabase(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  // Mongoose formats a stack trace (`new Error().stack`) at every query's exec, only to show it if the same
  // query object is ever run twice (a bug we would see as "Query was already executed" anyway). Under tsx
  // source maps make each one costly: 3 % of the server's CPU in bench:pipeline's drain (docs/ARCHITECTURE.md,
  // "Speed of the delivery path, sixth pass").
  mongoose.set('skipOriginalStackTraces', true);
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
  await dropRetiredIndexes();
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
