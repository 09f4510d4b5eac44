import mongoose, { Schema } from 'mongoose';

/**
 * The in-app message list: one document per (status change, recipient),
 * `_id` = `${effectId}:${citizenId}`, so writing it again after a crash or
 * from a second instance is a harmless duplicate-key error. Effect ids are
 * ObjectId hex, so `_id` order is time order (the list pages by `_id`).
 */
const messageSchema = new Schema(
  {
    _id: String,
    citizenId: { type: Schema.Types.ObjectId, required: true },
    reportId: { type: String, required: true },
    ticketNo: { type: String, required: true },
    status: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    following: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
    /** what happened to the WeChat subscribe message for it */
    wechat: {
      state: { type: String, enum: ['pending', 'sent', 'refused', 'no_subscription', 'not_configured', 'failed'], default: 'pending' },
      errcode: { type: Number, default: null },
      templateId: { type: String, default: null },
    },
  },
  { versionKey: false },
);
messageSchema.index({ citizenId: 1, _id: -1 });
messageSchema.index({ citizenId: 1, readAt: 1 });
export const Message = mongoose.model('Message', messageSchema);

/**
 * One accepted subscription = one message WeChat will let us send for that
 * template (subscriptions are one-time). `refused` when WeChat said 43101:
 * our record was out of date, and we stop trying it.
 */
const grantSchema = new Schema(
  {
    _id: String,
    citizenId: { type: Schema.Types.ObjectId, required: true },
    templateId: { type: String, required: true },
    reportId: { type: String, default: null },
    state: { type: String, enum: ['available', 'used', 'refused'], default: 'available' },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
grantSchema.index({ citizenId: 1, templateId: 1, state: 1 });
export const SubscriptionGrant = mongoose.model('SubscriptionGrant', grantSchema);

/**
 * Claims by unique insert (the one atomic primitive on FerretDB too): a grant
 * is spent by at most one message, and a message is sent at most once, even
 * with several instances working the same effects.
 */
const claimSchema = new Schema({ _id: String, at: Date }, { versionKey: false });
export const NotificationClaim = mongoose.model('NotificationClaim', claimSchema);
