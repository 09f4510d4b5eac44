import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import type { Role } from '@ssp/shared';
import { unauthenticated } from '../http/errors';
import type { AuthUser } from '../http/context';
import { User } from './userModel';

/** How stale a process's knowledge of a deleted resident account may be (other instances; this one forgets at once). */
export const ACCOUNT_CACHE_MS = 5_000;

export const TOKEN_TTL_SECONDS = 2 * 60 * 60;

export function createTokenService(secret: string) {
  // jsonwebtoken turns a string secret into a KeyObject on every call; doing it
  // once took ~10 % of the CPU of a report submit off the hot path.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  /** resident id → whether the account still exists, with when it was read (the promise is shared by concurrent requests) */
  const accounts = new Map<string, { at: number; exists: Promise<boolean> }>();
  function accountExists(id: string): Promise<boolean> {
    const hit = accounts.get(id);
    if (hit && Date.now() - hit.at < ACCOUNT_CACHE_MS) return hit.exists;
    if (accounts.size > 50_000) accounts.clear();
    const exists = mongoose.isValidObjectId(id) ? User.exists({ _id: id }).then(Boolean) : Promise.resolve(false);
    accounts.set(id, { at: Date.now(), exists });
    exists.catch(() => accounts.delete(id));
    return exists;
  }
  return {
    sign(user: AuthUser): { token: string; expiresIn: number } {
      const token = jwt.sign({ role: user.role }, key, { algorithm: 'HS256', subject: user.id, expiresIn: TOKEN_TTL_SECONDS });
      return { token, expiresIn: TOKEN_TTL_SECONDS };
    },
    verify(token: string): AuthUser {
      try {
        const payload = jwt.verify(token, key, { algorithms: ['HS256'] }) as jwt.JwtPayload;
        if (typeof payload.sub !== 'string' || (payload.role !== 'citizen' && payload.role !== 'admin')) throw unauthenticated();
        return { id: payload.sub, role: payload.role as Role };
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw unauthenticated('TOKEN_EXPIRED');
        throw unauthenticated();
      }
    },
    /**
     * `verify`, plus: a resident whose account was deleted (删除我的个人信息) is signed out — their
     * still-unexpired token answers 401 (within ACCOUNT_CACHE_MS on other instances, at once here).
     */
    async authenticate(token: string): Promise<AuthUser> {
      const user = this.verify(token);
      if (user.role === 'citizen' && !(await accountExists(user.id))) throw unauthenticated();
      return user;
    },
    /** This process forgets an account at once (after deleting it). */
    forget(id: string): void {
      accounts.set(id, { at: Date.now(), exists: Promise.resolve(false) });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
