import mongoose, { Schema } from 'mongoose';
import type { EvalReport } from './evaluate';

/**
 * Trained models: a small metadata document per version, the weights in
 * GridFS (bucket `classifier`) since they run to megabytes.
 */
const classifierModelSchema = new Schema(
  {
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
    taxonomyVersion: { type: Number, required: true },
    trainedOn: { type: Number, required: true },
    reason: { type: String, required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    heldOut: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false },
);
export const ClassifierModel = mongoose.model('ClassifierModel', classifierModelSchema);

const bucket = () => new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: 'classifier' });

export async function saveModel(meta: { version: string; createdAt: Date; taxonomyVersion: number; trainedOn: number; reason: string; heldOut: Omit<EvalReport, 'perClass'> | null }, bytes: Buffer): Promise<void> {
  const upload = bucket().openUploadStream(meta.version);
  await new Promise<void>((resolve, reject) => {
    upload.once('finish', () => resolve());
    upload.once('error', reject);
    upload.end(bytes);
  });
  await ClassifierModel.create({ _id: meta.version, createdAt: meta.createdAt, taxonomyVersion: meta.taxonomyVersion, trainedOn: meta.trainedOn, reason: meta.reason, fileId: upload.id, heldOut: meta.heldOut });
}

export async function latestModelMeta() {
  return ClassifierModel.findOne({}).sort({ createdAt: -1 }).lean();
}

export async function loadModelBytes(fileId: mongoose.Types.ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket().openDownloadStream(fileId)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
