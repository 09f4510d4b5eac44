import mongoose from 'mongoose';
import { Media, type MediaDoc } from './mediaModel';

/** An upload not attached to a report (or a follow-up, or a staff reply) within this long is removed. */
export const UNATTACHED_MEDIA_TTL_MS = 24 * 3600_000;
const BATCH = 500;

/**
 * Removes uploads older than 24 h that no report refers to: metadata first (so
 * no new submit can claim them), then a second look for a submit that raced
 * in (restored if so), then their GridFS files. Referenced ones are marked, so
 * later passes skip them. Returns how many were removed.
 */
export async function removeUnattachedMedia(opts: { inUse: (ids: string[]) => Promise<Set<string>>; now?: number }): Promise<number> {
  const now = opts.now ?? Date.now();
  // media sits below reports: which ids reports use comes in through this port (housekeeping passes the repository's answer).
  const referenced = (ids: mongoose.Types.ObjectId[]) => opts.inUse(ids.map(String));
  const bucket = new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: 'media' });
  let removed = 0;
  for (;;) {
    const candidates = await Media.find({ createdAt: { $lt: new Date(now - UNATTACHED_MEDIA_TTL_MS) }, attachedAt: null }).limit(BATCH).lean<MediaDoc[]>();
    if (candidates.length === 0) break;
    const used = await referenced(candidates.map((m) => m._id));
    const attached = candidates.filter((m) => used.has(String(m._id)));
    if (attached.length) await Media.updateMany({ _id: { $in: attached.map((m) => m._id) } }, { $set: { attachedAt: new Date(now) } });
    const orphans = candidates.filter((m) => !used.has(String(m._id)));
    if (orphans.length) {
      await Media.deleteMany({ _id: { $in: orphans.map((m) => m._id) } });
      const late = await referenced(orphans.map((m) => m._id));
      for (const m of orphans) {
        if (late.has(String(m._id))) {
          await Media.collection.insertOne({ ...m, attachedAt: new Date(now) } as never);
          continue;
        }
        for (const fileId of [m.fileId, m.previewFileId]) {
          await bucket.delete(fileId).catch((err: { message?: string }) => {
            // Already gone (a pass cut short earlier): nothing left to remove.
            if (!/not found/i.test(err?.message ?? '')) throw err;
          });
        }
        removed++;
      }
    }
    if (candidates.length < BATCH) break;
  }
  return removed;
}
