import mongoose, { Schema } from 'mongoose';

/**
 * A 专区 (themed entry on the home page). `_id` is the hex of a new ObjectId
 * (a string: FerretDB answers string `_id` lookups from its index). Reports
 * copy `{ id, title }` when filed, so editing or closing a zone never
 * changes reports already filed.
 */
const zoneSchema = new Schema(
  {
    _id: { type: String, default: () => new mongoose.Types.ObjectId().toHexString() },
    title: { type: String, required: true },
    titleEn: { type: String },
    banner: { type: String, default: '' },
    bannerEn: { type: String },
    icon: { type: String, default: '📌' },
    startsAt: { type: Date, default: null },
    endsAt: { type: Date, default: null },
    enabled: { type: Boolean, default: true },
    categoryCodes: { type: [String], default: [] },
    questions: { type: [Schema.Types.Mixed], default: [] },
    successMessage: { type: String },
    successMessageEn: { type: String },
    createdBy: { type: String },
  },
  { timestamps: true, versionKey: false },
);

export interface ZoneDoc {
  _id: string;
  title: string;
  titleEn?: string;
  banner: string;
  bannerEn?: string;
  icon: string;
  startsAt: Date | null;
  endsAt: Date | null;
  enabled: boolean;
  categoryCodes: string[];
  questions: unknown[];
  successMessage?: string;
  successMessageEn?: string;
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}
export const Zone = mongoose.model('Zone', zoneSchema);
