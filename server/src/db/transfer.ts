import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import mongoose from 'mongoose';

type Db = mongoose.mongo.Db;
type Document = mongoose.mongo.Document;
const { EJSON } = mongoose.mongo.BSON;

/**
 * Moving a city's data between databases (the embedded one and a MongoDB):
 * every collection, GridFS buckets included (they are the `*.files` and
 * `*.chunks` collections), one EJSON document per line so types (ObjectId,
 * Date, Binary) survive, plus a manifest with counts and indexes.
 *
 * Consistency without transactions (FerretDB has no snapshot reads): the
 * export fixes a moment T first. Reports are read first, only those created
 * by T; each is one document, read whole. Everything a report points to
 * (photos, GridFS chunks) was written before the report, so it is in the
 * later collections. A report written during the export is absent, never
 * half there. GridFS files are taken only when their `files` document (written
 * after all chunks) is dated by T, and chunks only for files taken.
 */
export interface Manifest {
  format: 1;
  exportedAt: string;
  database: string;
  collections: { name: string; file: string; count: number; indexes: Document[] }[];
}

const BATCH = 500;
/** Read first: the documents whose consistency matters. */
const FIRST = ['reports'];
/** Time fields that date a document for the cut at T. */
// The delivery outbox (`deliveries`, one per report, dated with its report's filing time and written
// before it): read after the reports, so every exported report finds its delivery; dated too, so reports
// filed after T do not leave outbox documents without a report behind in the export.
const DATED: Record<string, string> = { reports: 'createdAt', deliveries: 'createdAt' };

async function writeLines(file: string, docs: AsyncIterable<Document>, keep: (d: Document) => boolean = () => true): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  for await (const doc of docs) {
    if (!keep(doc)) continue;
    if (!out.write(EJSON.stringify(doc, { relaxed: false }) + '\n')) await once(out, 'drain');
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

export async function exportDatabase(db: Db, dir: string, log: (line: string) => void = () => {}): Promise<Manifest> {
  if (existsSync(path.join(dir, 'manifest.json'))) throw new Error(`${dir} already holds an export; choose an empty directory`);
  mkdirSync(dir, { recursive: true });
  const at = new Date();
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
  // Reports first; GridFS `*.chunks` last, after the `*.files` that say which chunks belong to a whole file.
  const rest = names.filter((n) => !FIRST.includes(n)).sort();
  const ordered = [...FIRST.filter((n) => names.includes(n)), ...rest.filter((n) => !n.endsWith('.chunks')), ...rest.filter((n) => n.endsWith('.chunks'))];
  const manifest: Manifest = { format: 1, exportedAt: at.toISOString(), database: db.databaseName, collections: [] };
  const filesTaken = new Map<string, Set<string>>(); // bucket → file ids

  for (const name of ordered) {
    const coll = db.collection(name);
    const filter: Document = {};
    if (DATED[name]) filter[DATED[name]] = { $lte: at };
    if (name.endsWith('.files')) filter.uploadDate = { $lte: at };
    const file = `${encodeURIComponent(name)}.jsonl`;
    let keep: ((d: Document) => boolean) | undefined;
    if (name.endsWith('.files')) {
      const ids = new Set<string>();
      filesTaken.set(name.replace(/\.files$/, ''), ids);
      keep = (d) => (ids.add(String(d._id)), true);
    }
    if (name.endsWith('.chunks')) {
      const ids = filesTaken.get(name.replace(/\.chunks$/, '')) ?? new Set<string>();
      keep = (d) => ids.has(String(d.files_id));
    }
    const count = await writeLines(path.join(dir, file), coll.find(filter).sort({ _id: 1 }), keep);
    const indexes = (await coll.indexes()).filter((i) => i.name !== '_id_');
    manifest.collections.push({ name, file, count, indexes });
    log(`exported ${name}: ${count}`);
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Loads an export into `db`, which must not hold any of its collections' documents yet (unless `replace`). */
export async function importDatabase(db: Db, dir: string, opts: { replace?: boolean; log?: (line: string) => void } = {}): Promise<Manifest> {
  const log = opts.log ?? (() => {});
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${dir} holds no export (manifest.json missing)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  if (manifest.format !== 1) throw new Error(`unknown export format ${manifest.format}`);
  const present = new Set(readdirSync(dir));
  for (const c of manifest.collections) if (!present.has(c.file)) throw new Error(`${c.file} missing from ${dir}`);

  for (const c of manifest.collections) {
    const existing = await db.collection(c.name).estimatedDocumentCount().catch(() => 0);
    if (existing > 0 && !opts.replace) throw new Error(`${c.name} already has ${existing} documents in ${db.databaseName}; import into an empty database (or pass --replace)`);
  }
  for (const c of manifest.collections) {
    if (opts.replace) await db.collection(c.name).drop().catch(() => {});
    await db.createCollection(c.name).catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // NamespaceExists
    });
    const coll = db.collection(c.name);
    const lines = readline.createInterface({ input: createReadStream(path.join(dir, c.file)), crlfDelay: Infinity });
    let batch: Document[] = [];
    let count = 0;
    for await (const line of lines) {
      if (!line) continue;
      batch.push(EJSON.parse(line, { relaxed: false }) as Document);
      if (batch.length >= BATCH) {
        await coll.insertMany(batch, { ordered: true });
        count += batch.length;
        batch = [];
      }
    }
    if (batch.length) await coll.insertMany(batch, { ordered: true });
    count += batch.length;
    if (count !== c.count) throw new Error(`${c.name}: read ${count} documents, the manifest says ${c.count}`);
    for (const index of c.indexes) {
      const { key, name, v: _v, ns: _ns, ...options } = index as { key: Document; name: string; v?: number; ns?: string };
      await coll.createIndex(key, { name, ...options });
    }
    log(`imported ${c.name}: ${count}`);
  }
  return manifest;
}
