/**
 * MongoDB's duplicate-key error (E11000), the answer of a unique index to a
 * second insert of the same key. Several claims in this codebase are "insert
 * and see whether we won" (ticket numbers, idempotency keys, delivery slots,
 * notification sends), so this is the one place that recognises it.
 */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/**
 * For an unordered `insertMany`: the indexes of the documents that lost to a
 * duplicate key. Any other write error is rethrown (it means something is
 * wrong, not that someone else won).
 */
export function duplicateKeyIndexes(err: unknown): Set<number> {
  const writeErrors = (err as { writeErrors?: { index?: number; code?: number; err?: { index?: number; code?: number } }[] } | null)?.writeErrors;
  if (!writeErrors) throw err;
  const lost = new Set<number>();
  for (const w of writeErrors) {
    if ((w.code ?? w.err?.code) !== DUPLICATE_KEY) throw err;
    lost.add((w.index ?? w.err?.index)!);
  }
  return lost;
}

/**
 * For a bulk write (or a single write) that may lose only to unique indexes: true when every write error it
 * carries is a duplicate key (one `writeErrors` entry, a list of them, or the error itself).
 */
export function onlyDuplicateKeys(err: unknown): boolean {
  const e = (err as { writeErrors?: { code?: number } | { code?: number }[] } | null)?.writeErrors;
  const list = Array.isArray(e) ? e : e ? [e] : [err];
  return list.every(isDuplicateKey);
}

/** Runs an insert that may lose to a unique index: true when this call inserted, false when the key was taken. */
export async function insertUnlessTaken(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
