import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * A node of the two-level category tree. `code` is the stable identifier used
 * by routing, classification and outside systems: unique, and never reused
 * (a removed category stays as a tombstone with `deleted: true`).
 */
const categorySchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    parentCode: { type: String, default: null },
    name: { type: String, required: true },
    nameEn: { type: String, default: '' },
    description: { type: String, default: '' },
    keywords: { type: [String], default: [] },
    negativeKeywords: { type: [String], default: [] },
    examples: { type: [String], default: [] },
    department: { type: String, default: '' },
    deadlineHours: {
      normal: { type: Number, required: true },
      urgent: { type: Number, required: true },
      /** 次紧急; absent = reports/deadline.ts defaultSemiUrgentHours */
      semiUrgent: { type: Number, default: null },
    },
    enabled: { type: Boolean, default: true },
    order: { type: Number, default: 0 },
    mergedInto: { type: String, default: null },
    deleted: { type: Boolean, default: false },
    /** per-category questions (shared/src/questions.ts), checked on submit against the current tree */
    questions: { type: [Schema.Types.Mixed], default: [] },
  },
  { timestamps: true },
);

export type CategoryDoc = InferSchemaType<typeof categorySchema> & { _id: mongoose.Types.ObjectId };
export const Category = mongoose.model('Category', categorySchema);

/**
 * Taxonomy versions: one document per version, `_id` = the number. Bumping
 * inserts max+1 and retries on a duplicate (the version history is the
 * record, so no separate counter is needed).
 */
const taxonomyVersionSchema = new Schema(
  { _id: { type: Number, required: true }, at: { type: Date, required: true }, change: { type: String, required: true }, by: { type: String, default: 'system' } },
  { versionKey: false },
);
export const TaxonomyVersion = mongoose.model('TaxonomyVersion', taxonomyVersionSchema);
