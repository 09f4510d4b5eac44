import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * One collection for residents and staff. `loginKey` is `wx:<openid>` or
 * `admin:<username>`: a single unique index covers both ways in, and works on
 * FerretDB, which has no partial/sparse unique indexes to lean on.
 */
const userSchema = new Schema(
  {
    loginKey: { type: String, required: true, unique: true },
    role: { type: String, enum: ['citizen', 'admin'], required: true },
    openid: { type: String },
    username: { type: String },
    passwordHash: { type: String },
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };
export const User = mongoose.model('User', userSchema);
