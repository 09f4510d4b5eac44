import mongoose from 'mongoose';
import { createStaffSchema, updateStaffSchema, type StaffAccountCreated, type StaffAccountView, type StaffRole } from '@ssp/shared';
import type { z } from 'zod';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/errors';
import { generatePassword, hashPassword } from '../auth/passwords';
import type { LoginThrottle } from '../auth/loginThrottle';
import type { TokenService } from '../auth/tokens';
import { staffLoginKey } from '../auth/authService';
import { User, type UserDoc } from '../auth/userModel';

export function presentStaff(doc: UserDoc): StaffAccountView {
  return {
    id: String(doc._id),
    username: doc.username ?? '',
    displayName: doc.displayName || doc.username || '',
    roles: (doc.roles ?? []) as StaffRole[],
    districts: doc.districts ?? [],
    disabled: Boolean(doc.disabled),
    mustChangePassword: Boolean(doc.mustChangePassword),
    lastLoginAt: doc.lastLoginAt ? doc.lastLoginAt.toISOString() : null,
    createdAt: doc.createdAt ? doc.createdAt.toISOString() : new Date(0).toISOString(),
  };
}

/** The audit trail's before/after of an account: what an admin changes, nothing secret. */
const auditView = (v: StaffAccountView) => ({ displayName: v.displayName, roles: v.roles, districts: v.districts, disabled: v.disabled });

/**
 * Staff accounts, managed by admins. A new or reset password is generated,
 * returned once, and must be changed at the next sign-in. Any change to roles,
 * scope, the disabled flag or the password bumps the token version, which
 * ends the account's sessions within seconds.
 */
export function createStaffService(deps: { tokens: TokenService; throttle: LoginThrottle }) {
  async function find(id: string): Promise<UserDoc> {
    if (!mongoose.isValidObjectId(id)) throw notFound('STAFF_NOT_FOUND');
    const doc = await User.findById(id).lean<UserDoc>();
    if (!doc || doc.role !== 'admin') throw notFound('STAFF_NOT_FOUND');
    return doc;
  }

  async function otherActiveAdmins(id: string): Promise<number> {
    return User.countDocuments({ role: 'admin', roles: 'admin', disabled: { $ne: true }, _id: { $ne: new mongoose.Types.ObjectId(id) } });
  }

  return {
    async list(): Promise<StaffAccountView[]> {
      const docs = await User.find({ role: 'admin' }).sort({ username: 1 }).lean<UserDoc[]>();
      return docs.map(presentStaff);
    },

    async get(id: string): Promise<StaffAccountView> {
      return presentStaff(await find(id));
    },

    async create(input: z.output<typeof createStaffSchema>): Promise<StaffAccountCreated> {
      const initialPassword = generatePassword();
      try {
        const doc = await User.create({
          loginKey: staffLoginKey(input.username),
          role: 'admin',
          username: input.username,
          displayName: input.displayName,
          roles: input.roles,
          districts: input.districts,
          passwordHash: await hashPassword(initialPassword),
          mustChangePassword: true,
          tokenVersion: 0,
        });
        return { ...presentStaff(doc.toObject() as UserDoc), initialPassword };
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError(409, 'USERNAME_TAKEN');
        throw err;
      }
    },

    async update(id: string, patch: z.output<typeof updateStaffSchema>): Promise<{ before: ReturnType<typeof auditView>; after: StaffAccountView; initialPassword?: string; summary: Record<string, unknown> }> {
      const doc = await find(id);
      const before = presentStaff(doc);
      const set: Record<string, unknown> = {};
      if (patch.displayName !== undefined) set.displayName = patch.displayName;
      if (patch.roles) set.roles = patch.roles;
      if (patch.districts) set.districts = patch.districts;
      if (patch.disabled !== undefined) set.disabled = patch.disabled;
      const losesAdmin = before.roles.includes('admin') && !before.disabled && ((patch.roles && !patch.roles.includes('admin')) || patch.disabled === true);
      if (losesAdmin && (await otherActiveAdmins(id)) === 0) throw new AppError(409, 'LAST_ADMIN');
      let initialPassword: string | undefined;
      if (patch.resetPassword) {
        initialPassword = generatePassword();
        set.passwordHash = await hashPassword(initialPassword);
        set.mustChangePassword = true;
      }
      const revokes =
        patch.resetPassword ||
        (patch.disabled !== undefined && patch.disabled !== before.disabled) ||
        (patch.roles && patch.roles.join() !== before.roles.join()) ||
        (patch.districts && patch.districts.join() !== before.districts.join());
      if (revokes) set.tokenVersion = (doc.tokenVersion ?? 0) + 1;
      const updated = await User.findOneAndUpdate({ _id: doc._id }, { $set: set }, { new: true }).lean<UserDoc>();
      if (patch.resetPassword) await deps.throttle.unlock(staffLoginKey(doc.username!));
      deps.tokens.forget(id);
      const after = presentStaff(updated!);
      return { before: auditView(before), after, initialPassword, summary: { before: auditView(before), after: auditView(after), ...(patch.resetPassword ? { resetPassword: true } : {}), sessionsEnded: Boolean(revokes) } };
    },
  };
}
export type StaffService = ReturnType<typeof createStaffService>;
