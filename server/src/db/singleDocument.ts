import type mongoose from 'mongoose';
import { isFerretDb } from './dialect';

/**
 * Compare-and-set of one document by `_id`: apply `update` only while every
 * dotted path in `expected` still holds that value. This is the one write
 * primitive the report repository builds on.
 *
 * On MongoDB the condition simply goes in the filter, and the server applies
 * the update atomically. Upstream FerretDB v1.24 does neither (an update is a
 * read and a separate write, and `{_id, other}` scans the table), so there
 * the state is re-read and the write made inside a per-document queue in this
 * process. That embedded-database detail lives here and nowhere else.
 */
const chains = new Map<string, Promise<unknown>>();

function serialize<T>(key: string, write: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(write);
  chains.set(key, next);
  void next
    .catch(() => {})
    .finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  return next;
}

/** For tools and tests that write raw fields (e.g. back-date `createdAt`): in turn with this process's other writes to the document. */
export function serializedWrite<T>(model: mongoose.Model<any>, id: string, write: () => Promise<T>): Promise<T> {
  return isFerretDb() ? serialize(`${model.collection.collectionName}:${id}`, write) : write();
}

const valueAt = (doc: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], doc);

/** The filter's equality, as MongoDB reads it: `null` also matches a missing field; dates compare by time. */
function holds(actual: unknown, expected: unknown): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  return actual === expected;
}

export type Expected = Record<string, string | number | boolean | Date | null>;

export function compareAndSet(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>): Promise<boolean>;
export function compareAndSet<T>(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>, opts: { returnDocument: true }): Promise<T | null>;
export function compareAndSet<T>(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>, opts?: { returnDocument: true }): Promise<T | null | boolean> {
  const write = async (filter: Record<string, unknown>) => {
    // Through mongoose, so values are cast to the schema (ObjectIds, dates) and `updatedAt` is kept.
    if (opts?.returnDocument) return model.findOneAndUpdate(filter, update, { new: true }).lean<T>();
    const res = await model.updateOne(filter, update);
    return res.matchedCount === 1;
  };
  if (!isFerretDb()) return write({ _id: id, ...expected });
  return serialize(`${model.collection.collectionName}:${id}`, async () => {
    const keys = Object.keys(expected);
    if (keys.length) {
      // Whole top-level fields: a path like `effects.0` must see the array, not a projection of it.
      const current = await model.findById(id, Object.fromEntries(keys.map((k) => [k.split('.')[0], 1]))).lean();
      if (!current || keys.some((k) => !holds(valueAt(current, k), expected[k]))) return opts?.returnDocument ? null : false;
    }
    return write({ _id: id });
  });
}
