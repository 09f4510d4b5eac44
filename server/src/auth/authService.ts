import { randomBytes } from 'node:crypto';
import { type LoginResponse, type StaffRole } from '@ssp/shared';
import { AppError } from '../http/errors';
import type { AuthUser } from '../http/context';
import type { Logger } from '../log';
import type { TokenService } from './tokens';
import type { LoginThrottle } from './loginThrottle';
import { dummyHash, hashPassword, isLegacyHash, passwordProblems, verifyPassword } from './passwords';
import { User, type UserDoc } from './userModel';
import { isDuplicateKey } from '../db/errors';
import { WechatError, type WechatClient } from './wechatClient';

export const staffLoginKey = (username: string) => `admin:${username}`;

export function createAuthService(deps: { wechat: WechatClient; tokens: TokenService; log: Logger; throttle: LoginThrottle }) {
  function respondCitizen(user: { _id: unknown; tokenVersion?: number | null }): LoginResponse {
    const view = { id: String(user._id), role: 'citizen' as const };
    return { ...deps.tokens.sign({ ...view, tokenVersion: user.tokenVersion ?? 0 }), user: view };
  }

  /** `role` stays "admin" for every staff account (older clients check it); `roles` is the real list. */
  function respondStaff(user: Pick<UserDoc, '_id' | 'username' | 'displayName' | 'roles' | 'districts' | 'mustChangePassword' | 'tokenVersion'>): LoginResponse {
    const id = String(user._id);
    return {
      ...deps.tokens.sign({ id, role: 'admin', tokenVersion: user.tokenVersion ?? 0 }),
      user: {
        id,
        role: 'admin',
        roles: (user.roles ?? []) as StaffRole[],
        districts: user.districts ?? [],
        mustChangePassword: Boolean(user.mustChangePassword),
        displayName: user.displayName || user.username || '',
      },
    };
  }

  return {
    async loginWithWechat(code: string): Promise<LoginResponse> {
      let openid: string;
      try {
        ({ openid } = await deps.wechat.code2Session(code));
      } catch (err) {
        if (err instanceof WechatError && err.isBadCode) throw new AppError(401, 'WECHAT_LOGIN_FAILED', '微信登录凭证无效或已使用，请重试');
        deps.log.warn('jscode2session failed', { error: (err as Error).message });
        throw new AppError(502, 'WECHAT_UNAVAILABLE');
      }
      // Two first logins at once: both upsert, the unique loginKey lets one insert
      // win and the other fails with a duplicate key, so it just reads the winner.
      const loginKey = `wx:${openid}`;
      let user;
      try {
        user = await User.findOneAndUpdate(
          { loginKey },
          { $setOnInsert: { role: 'citizen', openid }, $set: { lastLoginAt: new Date() } },
          { upsert: true, new: true },
        ).lean();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        user = await User.findOne({ loginKey }).lean();
      }
      return respondCitizen(user!);
    },

    /**
     * Staff sign-in: throttled per account and per address (429 before any
     * password check when locked); argon2 verification runs off the event loop;
     * a bcrypt hash from before is replaced by an argon2id one on success.
     */
    async loginAdmin(username: string, password: string, address: string): Promise<LoginResponse> {
      const loginKey = staffLoginKey(username.toLowerCase());
      let user: UserDoc | null = null;
      const ok = await deps.throttle.attempt(loginKey, address, async () => {
        user = await User.findOne({ loginKey }).lean<UserDoc>();
        const good = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
        return Boolean(user && good && user.role === 'admin');
      });
      if (!ok || !user) throw new AppError(401, 'INVALID_CREDENTIALS');
      const found = user as UserDoc;
      if (found.disabled) throw new AppError(403, 'ACCOUNT_DISABLED');
      const set: Record<string, unknown> = { lastLoginAt: new Date() };
      if (isLegacyHash(found.passwordHash!)) set.passwordHash = await hashPassword(password);
      await User.updateOne({ _id: found._id }, { $set: set });
      return respondStaff(found);
    },

    /** A staff member replaces their password (required after an initial or reset one). Other sessions end; this one gets a new token. */
    async changePassword(me: AuthUser, current: string, next: string, address: string): Promise<LoginResponse> {
      const user = await User.findById(me.id).lean<UserDoc>();
      if (!user || user.role !== 'admin' || !user.username) throw new AppError(403, 'FORBIDDEN');
      const loginKey = staffLoginKey(user.username);
      const ok = await deps.throttle.attempt(loginKey, address, () => verifyPassword(user.passwordHash!, current));
      if (!ok) throw new AppError(400, 'CURRENT_PASSWORD_WRONG', undefined, [{ path: 'current', code: 'wrong_password', message: '当前密码不正确' }]);
      const problems = passwordProblems(next, user.username);
      if (next === current) problems.push({ path: 'next', code: 'unchanged', message: '新密码不能与当前密码相同' });
      if (problems.length) throw new AppError(400, 'PASSWORD_TOO_WEAK', undefined, problems);
      const updated = await User.findOneAndUpdate(
        { _id: user._id },
        { $set: { passwordHash: await hashPassword(next), mustChangePassword: false, tokenVersion: (user.tokenVersion ?? 0) + 1 } },
        { new: true },
      ).lean<UserDoc>();
      deps.tokens.forget(me.id);
      return respondStaff(updated!);
    },

    /** Ends every session of this account (resident or staff), on every instance within seconds. */
    async logout(userId: string): Promise<void> {
      const user = await User.findById(userId, { tokenVersion: 1 }).lean();
      if (user) await User.updateOne({ _id: user._id }, { $set: { tokenVersion: (user.tokenVersion ?? 0) + 1 } });
      deps.tokens.forget(userId);
    },

    /**
     * First start: make sure one admin exists. With ADMIN_PASSWORD unset a
     * password is generated and printed once to the console (not to the log).
     * Staff accounts from before roles existed become admins.
     */
    async seedAdmin(username: string, password: string | undefined, print: (line: string) => void): Promise<void> {
      await User.updateMany({ role: 'admin', roles: { $exists: false } }, { $set: { roles: ['admin'], districts: [] } });
      const exists = await User.exists({ role: 'admin' });
      if (exists) {
        if (password) {
          // An operator who sets ADMIN_PASSWORD expects it to work: keep that account in step.
          const existing = await User.findOne({ loginKey: staffLoginKey(username) }).lean<UserDoc>();
          if (existing?.passwordHash && (await verifyPassword(existing.passwordHash, password))) return;
          const passwordHash = await hashPassword(password);
          await User.updateOne(
            { loginKey: staffLoginKey(username) },
            { $set: { passwordHash, disabled: false }, $inc: { tokenVersion: 1 }, $setOnInsert: { role: 'admin', username, displayName: username, roles: ['admin'], districts: [] } },
            { upsert: true },
          );
          await deps.throttle.unlock(staffLoginKey(username));
        }
        return;
      }
      const chosen = password ?? randomBytes(12).toString('base64url');
      const passwordHash = await hashPassword(chosen);
      await User.updateOne(
        { loginKey: staffLoginKey(username) },
        { $setOnInsert: { role: 'admin', username, displayName: username, passwordHash, roles: ['admin'], districts: [], tokenVersion: 0 } },
        { upsert: true },
      );
      if (!password) print(`\n  管理员账号已创建 / admin account created: ${username} / ${chosen}\n  (shown once; set ADMIN_PASSWORD to choose your own)\n`);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
