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

/** Where connectDatabase connected this process (null: not through it): a worker thread connects there too. */
let connectedTo: { uri: string; dbName?: string } | null = null;
export const databaseSettings = () => connectedTo;

/** Connects mongoose and creates every schema-declared index before serving. */
export async function connectDatabase(uri: string, dbName?: string): Promise<void> {
  await attachDatabase(uri, dbName);
  // Create every collection before serving, so concurrent first inserts do not
  // race to create it (FerretDB v1.24 serialises collection creation per database).
  const exists = (err: { code?: number }) => {
    if (err.code !== 48) throw err; // NamespaceExists
  };
  for (const m of registeredModels()) await m.createCollection().catch(exists);
  for (const name of GRIDFS_COLLECTIONS) await mongoose.connection.db!.createCollection(name).catch(exists);
  await Promise.all(registeredModels().map((m) => m.createIndexes()));
  await dropRetiredIndexes();
  connectedTo = { uri, dbName };
}

/**
 * Connects mongoose only, to a database another thread has prepared with connectDatabase (its collections and
 * indexes exist): the rollup writer's worker thread (insight/writerThread.ts), which has a mongoose of its own.
 */
export async function attachDatabase(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  // Mongoose formats a stack trace (`new Error().stack`) at every query's exec, only to show it if the same
  // query object is ever run twice (a bug we would see as "Query was already executed" anyway). Under tsx
  // source maps make each one costly: 3 % of the server's CPU in bench:pipeline's drain (docs/ARCHITECTURE.md,
  // "Speed of the delivery path, sixth pass").
  mongoose.set('skipOriginalStackTraces', true);
  await mongoose.connect(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 10_000 });
  await detectDialect(mongoose.connection.db!);
}

/**
 * Drops a model's collection and makes it again, empty, with its indexes (dropping beats emptying on the embedded
 * database, which deletes a document at a time).
 *
 * The embedded database's registry makes a collection as CREATE TABLE then CREATE INDEX, and a CI run once saw the
 * second fail right after a drop of the same name ("SQL logic error: index <table>__id_ already exists": a pooled
 * SQLite connection still judged it by the schema from before the drop). FerretDB undoes the half-made collection
 * when that happens, so asking again is safe, and the next ask sees the current schema. A query of another client
 * may also make the collection meanwhile (NamespaceExists): that one is as good as ours.
 */
export async function recreateCollection(model: mongoose.Model<any>, attempts = 5): Promise<void> {
  await model.collection.drop().catch((err: { code?: number }) => {
    if (err.code !== 26) throw err; // NamespaceNotFound: nothing to drop
  });
  // The collection, then its indexes (the same race between that call and a concurrent one that made the
  // collection; asked again it finds the index and does nothing).
  await askAgainIfAlreadyExists(() => model.createCollection().then(() => undefined, (err: { code?: number }) => {
    if (err.code !== 48) throw err; // NamespaceExists
  }), attempts);
  await askAgainIfAlreadyExists(() => model.createIndexes(), attempts);
}

/** Runs `op`, and again (up to `attempts` times in all, 20 ms × attempt apart) while it fails with "… already exists". */
async function askAgainIfAlreadyExists(op: () => Promise<unknown>, attempts: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await op();
      return;
    } catch (err) {
      if (attempt >= attempts || !/already exists/.test(String((err as Error)?.message))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
