import mongoose from 'mongoose';
import { LIMITS, type MediaView } from '@ssp/shared';
import { AppError, notFound } from '../http/errors';
import type { AuthUser } from '../http/context';
import { CorruptImageError, processImage, sniffImageType } from './imageProcessing';
import { Media, type MediaDoc } from './mediaModel';
import type { MediaSigner } from './mediaSigner';

const BUCKET = 'media';

export function createMediaService(deps: { signer: MediaSigner }) {
  const bucket = () => new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });

  async function putFile(name: string, contentType: string, bytes: Buffer): Promise<mongoose.Types.ObjectId> {
    const upload = bucket().openUploadStream(name, { metadata: { contentType } });
    await new Promise<void>((resolve, reject) => {
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(bytes);
    });
    return upload.id as mongoose.Types.ObjectId;
  }

  function present(doc: MediaDoc): MediaView {
    const id = String(doc._id);
    return {
      id,
      contentType: doc.contentType,
      size: doc.size,
      width: doc.width,
      height: doc.height,
      url: deps.signer.url(id, 'original'),
      previewUrl: deps.signer.url(id, 'preview'),
    };
  }

  return {
    present,

    async upload(owner: AuthUser, bytes: Buffer): Promise<MediaView> {
      if (bytes.length > LIMITS.mediaBytes) throw new AppError(413, 'MEDIA_TOO_LARGE');
      const type = sniffImageType(bytes);
      if (!type) throw new AppError(415, 'MEDIA_UNSUPPORTED_TYPE');
      let image;
      try {
        image = await processImage(bytes, type);
      } catch (err) {
        if (err instanceof CorruptImageError) throw new AppError(400, 'MEDIA_CORRUPT');
        throw err;
      }
      const fileId = await putFile('original', image.contentType, image.original);
      const previewFileId = await putFile('preview', image.previewType, image.preview);
      const doc = await Media.create({
        ownerId: owner.id,
        contentType: image.contentType,
        size: image.original.length,
        width: image.width,
        height: image.height,
        fileId,
        previewFileId,
      });
      return present(doc.toObject());
    },

    /** Residents see their own images; staff see all. Others get 404, not 403. */
    async findReadable(id: string, viewer: AuthUser | null): Promise<MediaDoc> {
      if (!mongoose.isValidObjectId(id)) throw notFound('MEDIA_NOT_FOUND');
      const doc = await Media.findById(id).lean<MediaDoc>();
      if (!doc) throw notFound('MEDIA_NOT_FOUND');
      if (viewer && viewer.role !== 'admin' && String(doc.ownerId) !== viewer.id) throw notFound('MEDIA_NOT_FOUND');
      return doc;
    },

    openStream(doc: MediaDoc, size: 'original' | 'preview') {
      return bucket().openDownloadStream(size === 'preview' ? doc.previewFileId : doc.fileId);
    },

    /** Indices of `ids` that are not images this resident uploaded. */
    async notOwned(ownerId: string, ids: string[]): Promise<number[]> {
      if (ids.length === 0) return [];
      // Point reads by _id: an index lookup on MongoDB and FerretDB alike.
      const found = await Promise.all(ids.map((id) => Media.findById(id, { ownerId: 1 }).lean()));
      return ids.flatMap((_, i) => (found[i] && String(found[i]!.ownerId) === ownerId ? [] : [i]));
    },

    /** Every photo a resident uploaded (their data export). */
    async ownedBy(ownerId: string): Promise<MediaView[]> {
      const docs = await Media.find({ ownerId }).sort({ _id: 1 }).lean<MediaDoc[]>();
      return docs.map((d) => ({ ...present(d), createdAt: (d as { createdAt?: Date }).createdAt?.toISOString() }));
    },

    /**
     * Deletes every photo a resident uploaded: the metadata first (so no link
     * works any more, and a retry finds what is left), then both files.
     * Returns how many photos were removed.
     */
    async deleteOwnedBy(ownerId: string): Promise<number> {
      const docs = await Media.find({ ownerId }).lean<MediaDoc[]>();
      for (const d of docs) {
        await Media.deleteOne({ _id: d._id });
        for (const fileId of [d.fileId, d.previewFileId]) {
          await bucket().delete(fileId).catch(() => {}); // already gone (an earlier, interrupted run)
        }
      }
      return docs.length;
    },

    async findMany(ids: string[]): Promise<MediaDoc[]> {
      if (ids.length === 0) return [];
      const docs = await Media.find({ _id: { $in: ids } }).lean<MediaDoc[]>();
      const byId = new Map(docs.map((d) => [String(d._id), d]));
      return ids.map((id) => byId.get(id)).filter((d): d is MediaDoc => Boolean(d));
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
