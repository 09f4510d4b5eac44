import type { mongo } from 'mongoose';

/**
 * Values per `_id $in` read. Up to FerretDB patch 0014 the embedded database pushed an `$in` of at most 100
 * values down to the `_id` index and read the whole collection for a longer one (100 ids 13 ms, 200 ids 7.8 s
 * at 100,000 documents), so reads went in chunks of 100. Patch 0015 pushes down a list of any length (above 100
 * values as one JSON parameter), so no batch the app reads is chunked any more. The bound that remains keeps a
 * single command well under MongoDB's 16 MB message limit (10,000 ids of 24 characters: ~300 KB).
 */
export const ID_IN_MAX = 10_000;

/** The documents with these `_id`s (any order, missing ones left out), read `ID_IN_MAX` ids at a time. */
export async function findByIds<T>(coll: mongo.Collection, ids: readonly string[], projection?: mongo.Document): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += ID_IN_MAX) {
    const rows = await coll.find({ _id: { $in: ids.slice(i, i + ID_IN_MAX) } } as never, projection ? { projection } : {}).toArray();
    out.push(...(rows as unknown as T[]));
  }
  return out;
}
