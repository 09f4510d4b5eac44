import type mongoose from 'mongoose';
import { isFerretDb } from './dialect';

/**
 * Documents that remove themselves once the date in `field` has passed: a TTL index (`expireAfterSeconds: 0`)
 * on MongoDB. FerretDB v1.24 has no TTL monitor, so on the embedded database nothing would ever expire them;
 * there the caller's housekeeping removes them by the same date (which it may do on MongoDB too, harmlessly).
 * The one place that asks which database answered (db/dialect.ts), so domains and http/ stay on one code path.
 * Answers whether the database expires them by itself.
 */
export async function expireByDate(collection: mongoose.mongo.Collection, field: string): Promise<boolean> {
  if (isFerretDb()) return false;
  await collection.createIndex({ [field]: 1 }, { expireAfterSeconds: 0 });
  return true;
}
