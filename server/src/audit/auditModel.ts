import mongoose, { Schema } from 'mongoose';

/**
 * The audit trail: one document per staff write, inserted and never updated
 * or deleted (no code path does either, and no API offers it). `_id` is the
 * hex of a new ObjectId, so it sorts by time and pages by `_id` alone.
 */
const auditSchema = new Schema(
  {
    _id: { type: String, default: () => new mongoose.Types.ObjectId().toHexString() },
    at: { type: Date, required: true },
    actor: { id: String, name: String, roles: [String] },
    action: { type: String, required: true },
    target: { type: { type: String }, id: String, label: String },
    summary: { type: Schema.Types.Mixed, default: {} },
    ip: String,
    requestId: String,
  },
  { versionKey: false, writeConcern: { w: 'majority', j: true } },
);
auditSchema.index({ 'actor.id': 1, _id: -1 });
auditSchema.index({ action: 1, _id: -1 });
auditSchema.index({ 'target.id': 1, _id: -1 });

export interface AuditDoc {
  _id: string;
  at: Date;
  actor: { id: string; name: string; roles: string[] };
  action: string;
  target: { type: string; id: string; label?: string };
  summary: Record<string, unknown>;
  ip: string;
  requestId: string;
}
export const Audit = mongoose.model('Audit', auditSchema, 'audit');
