import mongoose, { Schema } from 'mongoose';

/**
 * Named counters, one document each: `$inc` on a single document is atomic on
 * MongoDB and on our FerretDB build (patch 0002), including the upsert that
 * creates it, so concurrent callers in any number of processes get distinct
 * values.
 */
const counterSchema = new Schema({ _id: String, value: { type: Number, default: 0 } }, { versionKey: false });
const Counter = mongoose.model('Counter', counterSchema);

/** Adds `n` and answers the new value: the caller owns `value - n + 1 … value`. */
export async function addToCounter(name: string, n: number): Promise<number> {
  const doc = await Counter.findOneAndUpdate({ _id: name }, { $inc: { value: n } }, { upsert: true, new: true }).lean<{ value: number }>();
  return doc!.value;
}

/** Raises the counter to at least `value` (never lowers it). */
export async function raiseCounter(name: string, value: number): Promise<void> {
  await Counter.updateOne({ _id: name }, { $max: { value } }, { upsert: true });
}
