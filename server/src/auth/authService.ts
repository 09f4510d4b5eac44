import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { LoginResponse } from '@ssp/shared';
import { AppError } from '../http/errors';
import type { Logger } from '../log';
import type { TokenService } from './tokens';
import { User } from './userModel';
import { isDuplicateKey } from '../db/errors';
import { WechatError, type WechatClient } from './wechatClient';

// A real hash to compare against when the username is unknown, so response time does not reveal which usernames exist.
const DUMMY_HASH = bcrypt.hashSync(randomBytes(8).toString('hex'), 10);

export function createAuthService(deps: { wechat: WechatClient; tokens: TokenService; log: Logger }) {
  function respond(user: { _id: unknown; role: 'citizen' | 'admin'; username?: string | null }): LoginResponse {
    const view = { id: String(user._id), role: user.role };
    return { ...deps.tokens.sign(view), user: { ...view, ...(user.username ? { displayName: user.username } : {}) } };
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
      return respond({ _id: user!._id, role: user!.role });
    },

    async loginAdmin(username: string, password: string): Promise<LoginResponse> {
      const user = await User.findOne({ loginKey: `admin:${username}` }).lean();
      const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.role !== 'admin') throw new AppError(401, 'INVALID_CREDENTIALS');
      await User.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
      return respond({ _id: user._id, role: 'admin', username: user.username });
    },

    /**
     * First start: make sure one admin exists. With ADMIN_PASSWORD unset a
     * password is generated and printed once to the console (not to the log).
     */
    async seedAdmin(username: string, password: string | undefined, print: (line: string) => void): Promise<void> {
      const exists = await User.exists({ role: 'admin' });
      if (exists) {
        if (password) {
          // An operator who sets ADMIN_PASSWORD expects it to work: keep that account in step.
          const passwordHash = await bcrypt.hash(password, 10);
          await User.updateOne(
            { loginKey: `admin:${username}` },
            { $set: { passwordHash }, $setOnInsert: { role: 'admin', username } },
            { upsert: true },
          );
        }
        return;
      }
      const chosen = password ?? randomBytes(9).toString('base64url');
      const passwordHash = await bcrypt.hash(chosen, 10);
      await User.updateOne(
        { loginKey: `admin:${username}` },
        { $setOnInsert: { role: 'admin', username, passwordHash } },
        { upsert: true },
      );
      if (!password) print(`\n  管理员账号已创建 / admin account created: ${username} / ${chosen}\n  (shown once; set ADMIN_PASSWORD to choose your own)\n`);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
