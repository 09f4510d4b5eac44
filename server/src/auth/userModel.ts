import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * One collection for residents and staff. `loginKey` is `wx:<openid>` or
 * `admin:<username>`: a single unique index covers both ways in, and works on
 * FerretDB, which has no partial/sparse unique indexes to lean on.
 * Staff keep `role: 'admin'` (what tokens and older clients check) and carry
 * their real permissions in `roles` and `districts`.
 */
const userSchema = new Schema(
  {
    loginKey: { type: String, required: true, unique: true },
    role: { type: String, enum: ['citizen', 'admin'], required: true },
    openid: { type: String },
    username: { type: String },
    displayName: { type: String },
    passwordHash: { type: String },
    /** staff: any of STAFF_ROLES */
    roles: { type: [String], default: undefined },
    /** staff: district codes this account is limited to; empty = the whole city */
    districts: { type: [String], default: undefined },
    disabled: { type: Boolean, default: false },
    /** set for an initial or reset password: nothing but changing it is allowed until then */
    mustChangePassword: { type: Boolean, default: false },
    /**
     * Bumped by logout, disabling, a role/scope change or a new password.
     * Tokens carry the version they were issued under; an older one is refused
     * (each process re-reads it at most 5 s later).
     */
    tokenVersion: { type: Number, default: 0 },
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date; updatedAt: Date };
export const User = mongoose.model('User', userSchema);

/**
 * Per-account sign-in failures, `_id` = the login key (string `_id`: the one
 * lookup FerretDB answers from an index). Separate from the account so that
 * unknown usernames are throttled the same way.
 */
const loginLockSchema = new Schema({ _id: String, failures: { type: Number, default: 0 }, lockedUntil: { type: Date, default: null } }, { versionKey: false });
export const LoginLock = mongoose.model('LoginLock', loginLockSchema, 'loginlocks');
