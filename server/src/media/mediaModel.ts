import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * Metadata for one uploaded image. The bytes live in GridFS (bucket `media`):
 * the cleaned original and a preview. This document is written last, so an
 * upload the server acknowledged always has both files.
 */
const mediaSchema = new Schema(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true, index: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    previewFileId: { type: Schema.Types.ObjectId, required: true },
    /** set by the cleanup once a report was found using it (uploads never attached are removed after 24 h) */
    attachedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export type MediaDoc = InferSchemaType<typeof mediaSchema> & { _id: mongoose.Types.ObjectId };
export const Media = mongoose.model('Media', mediaSchema);
