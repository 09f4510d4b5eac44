import mongoose, { Schema } from 'mongoose';

/**
 * A resident who joined someone else's open ticket instead of filing a
 * duplicate (+1): they follow its progress and get its messages. `_id` is
 * `${reportId}:${citizenId}`, so joining twice is the same row.
 */
const followerSchema = new Schema(
  {
    _id: String,
    reportId: { type: String, required: true },
    citizenId: { type: Schema.Types.ObjectId, required: true },
    /** joined by the resident, or added because staff merged their own report into this one */
    via: { type: String, enum: ['join', 'merge'], required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
followerSchema.index({ reportId: 1 });
followerSchema.index({ citizenId: 1, createdAt: -1 });
export const Follower = mongoose.model('Follower', followerSchema);

export async function followersOf(reportId: string): Promise<string[]> {
  const rows = await Follower.find({ reportId }, { citizenId: 1 }).lean();
  return rows.map((r) => String(r.citizenId));
}
