import mongoose from 'mongoose';
import { Report } from '../reports/reportModel';
import { Media, type MediaDoc } from './mediaModel';

/** An upload not attached to a report (or a follow-up, or a staff reply) within this long is removed. */
export const UNATTACHED_MEDIA_TTL_MS = 24 * 3600_000;
const BATCH = 500;

/** Which of these media ids some report refers to (its photos, or photos of a timeline step). */
async function referenced(ids: mongoose.Types.ObjectId[]): Promise<Set<string>> {
  const rows = await Report.find({ $or: [{ mediaIds: { $in: ids } }, { 'timeline.mediaIds': { $in: ids } }] }, { mediaIds: 1, 'timeline.mediaIds': 1 }).lean();
  const out = new Set<string>();
  for (const r of rows) {
    for (const m of r.mediaIds ?? []) out.add(String(m));
    for (const t of r.timeline ?? []) for (const m of (t as { mediaIds?: unknown[] }).mediaIds ?? []) out.add(String(m));
  }
  return out;
}

/**
 * Removes uploads older than 24 h that no report refers to: metadata first (so
 * no new submit can claim them), then a second look for a submit that raced
 * in (restored if so), then their GridFS files. Referenced ones are marked, so
 * later passes skip them. Returns how many were removed.
 */
export async function removeUnattachedMedia(now = Date.now()): Promise<number> {
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
