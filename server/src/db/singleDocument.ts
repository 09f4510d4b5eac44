import type mongoose from 'mongoose';

/**
 * Compare-and-set of one document by `_id`: apply `update` only while every
 * dotted path in `expected` still holds that value (`null` also matches a
 * missing field). The condition is in the filter, so the database applies
 * the check and the write as one: MongoDB does for any single-document
 * update, and so does our embedded FerretDB build (patch 0002 in
 * tools/ferretdb). This is the one write primitive the report repository
 * builds on; there is no lock in the process, so several instances can share
 * one database.
 */
export type Expected = Record<string, string | number | boolean | Date | null>;

/** The filter of a compare-and-set: the document by `_id`, while it still holds `expected`. */
export function casFilter(id: string, expected: Expected): Record<string, unknown> {
  return { _id: id, ...expected };
}

export function compareAndSet(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>): Promise<boolean>;
export function compareAndSet<T>(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>, opts: { returnDocument: true }): Promise<T | null>;
export async function compareAndSet<T>(model: mongoose.Model<any>, id: string, expected: Expected, update: mongoose.UpdateQuery<unknown>, opts?: { returnDocument: true }): Promise<T | null | boolean> {
  const filter = casFilter(id, expected);
  // Through mongoose, so values are cast to the schema (ObjectIds, dates) and `updatedAt` is kept.
  if (opts?.returnDocument) return model.findOneAndUpdate(filter, update, { new: true }).lean<T>();
  const res = await model.updateOne(filter, update);
  return res.matchedCount === 1;
}
