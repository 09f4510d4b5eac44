import { findByIds } from '../db/findByIds';
import { Bucket, InsightState, JournalLog } from './insightModel';

/**
 * An in-process cache of bucket documents for the 数据看板's reads.
 *
 * Why: a page over a year reads hundreds of bucket documents, and almost all
 * of them (every closed month) are the same from one request to the next.
 * Correctness comes from the writer's journal position: after each batch the
 * writer logs the ids of the buckets it touched under the batch's sequence
 * and then raises `applied` (rollupWriter). Before each read the cache looks
 * at `applied`; if it moved, it reads the log entries in between and evicts
 * exactly those ids (a gap it cannot read, or a new rebuild `epoch`, drops
 * everything). A document loaded while a batch was being applied may be
 * half-updated, but that batch's log entry evicts it at the next read; and a
 * load that started before an eviction is not stored (the generation check),
 * so a stale copy cannot outlive the eviction that was meant for it.
 * Missing documents are cached too (as null): the batch that creates one logs it.
 */
export interface BucketDoc {
  _id: string;
  e?: Record<string, any>;
  [k: string]: unknown;
}

const MAX_LOG_GAP = 1000;

export function createBucketCache(maxDocs = 60_000) {
  const docs = new Map<string, BucketDoc | null>();
  let applied = -1;
  let epoch: string | null = null;
  let generation = 0;
  let syncing: Promise<void> | null = null;

  function clear() {
    docs.clear();
    generation++;
  }

  async function syncOnce() {
    const s = await InsightState.findById('writer', { applied: 1, epoch: 1 }).lean<{ applied?: number; epoch?: string }>();
    const now = s?.applied ?? 0;
    const ep = s?.epoch ?? null;
    if (ep !== epoch || now < applied || applied < 0 || now - applied > MAX_LOG_GAP) {
      clear();
    } else if (now > applied) {
      const ids = Array.from({ length: now - applied }, (_, i) => String(applied + 1 + i));
      const logs = (await JournalLog.collection.find({ _id: { $in: ids } } as never).toArray()) as unknown as { docs: string[] }[];
      if (logs.length !== ids.length) clear();
      else {
        for (const l of logs) for (const id of l.docs) docs.delete(id);
        generation++;
      }
    }
    applied = now;
    epoch = ep;
  }

  /** Brings the cache up to the writer's last applied batch (concurrent callers share one sync). */
  function sync(): Promise<void> {
    syncing ??= syncOnce().finally(() => {
      syncing = null;
    });
    return syncing;
  }

  /** The documents with these ids (null for missing ones), from the cache or in one `_id $in` query. */
  async function getMany(ids: string[]): Promise<Map<string, BucketDoc | null>> {
    await sync();
    const out = new Map<string, BucketDoc | null>();
    const missing: string[] = [];
    for (const id of ids) {
      if (docs.has(id)) out.set(id, docs.get(id)!);
      else missing.push(id);
    }
    if (missing.length) {
      const gen = generation;
      const found = new Map<string, BucketDoc>();
      for (const r of await findByIds<BucketDoc>(Bucket.collection, missing)) found.set(r._id, r);
      for (const id of missing) {
        const d = found.get(id) ?? null;
        out.set(id, d);
        if (gen === generation) docs.set(id, d);
      }
      // Oldest first out when full (Map keeps insertion order).
      for (const id of docs.keys()) {
        if (docs.size <= maxDocs) break;
        docs.delete(id);
      }
    }
    return out;
  }

  return { getMany, clear, size: () => docs.size };
}

export type BucketCache = ReturnType<typeof createBucketCache>;
