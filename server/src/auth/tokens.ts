import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import type { Role, StaffRole } from '@ssp/shared';
import { AppError, unauthenticated } from '../http/errors';
import type { AuthUser } from '../http/context';
import { User } from './userModel';

export const TOKEN_TTL_SECONDS = 2 * 60 * 60;
/** How stale a process's view of an account may be: revocation takes effect within this. */
export const ACCOUNT_CACHE_MS = 5_000;

interface AccountState {
  tokenVersion: number;
  disabled: boolean;
  roles: StaffRole[];
  districts: string[];
  name: string;
  mustChangePassword: boolean;
}

/**
 * Tokens are HS256 JWTs carrying the account's token version (`tv`). Every
 * authenticated request compares it with the account's current version,
 * read from the database at most every ACCOUNT_CACHE_MS per account and
 * process; logout, a new password, disabling or a change of roles/scope bump
 * the version and so end every session of that account within seconds.
 * Staff roles and scope come from the same read, never from the token.
 */
export function createTokenService(secret: string, opts: { cacheMs?: number } = {}) {
  // jsonwebtoken turns a string secret into a KeyObject on every call; doing it
  // once took ~10 % of the CPU of a report submit off the hot path.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const cacheMs = opts.cacheMs ?? ACCOUNT_CACHE_MS;
  const cache = new Map<string, { at: number; state: Promise<AccountState | null> }>();

  /**
   * Tokens already verified, by their exact text, until they expire. A token's signature and claims never
   * change, so verifying the same text again (HMAC, base64 and JSON decoding in jsonwebtoken: ~0.15 ms, about
   * a tenth of a report submit's CPU, docs/ARCHITECTURE.md "Submit path: our server's CPU") gives the same
   * answer every time; a resident's session sends the same token with every request. Expiry is still
   * checked on every request (an expired one goes to jsonwebtoken again, which says TOKEN_EXPIRED), and
   * revocation never came from the token (the account check below). Bounded: cleared when full.
   */
  const verified = new Map<string, { claims: { id: string; role: Role; tv: number }; expiresAtMs: number }>();
  const MAX_VERIFIED = 20_000;

  function verify(token: string): { id: string; role: Role; tv: number } {
    const hit = verified.get(token);
    // jsonwebtoken's own rule: valid while the current second is before `exp`.
    if (hit && Date.now() < hit.expiresAtMs) return { ...hit.claims };
    try {
      const payload = jwt.verify(token, key, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      if (typeof payload.sub !== 'string' || (payload.role !== 'citizen' && payload.role !== 'admin')) throw unauthenticated();
      const claims = { id: payload.sub, role: payload.role as Role, tv: typeof payload.tv === 'number' ? payload.tv : 0 };
      // Only tokens that expire (ours all do): one without `exp` is verified each time.
      if (typeof payload.exp === 'number') {
        if (verified.size >= MAX_VERIFIED) verified.clear();
        verified.set(token, { claims, expiresAtMs: payload.exp * 1000 });
      }
      return { ...claims };
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw unauthenticated('TOKEN_EXPIRED');
      throw unauthenticated();
    }
  }

  async function load(id: string): Promise<AccountState | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await User.findById(id, { tokenVersion: 1, disabled: 1, roles: 1, districts: 1, username: 1, displayName: 1, mustChangePassword: 1 }).lean();
    if (!doc) return null;
    return {
      tokenVersion: doc.tokenVersion ?? 0,
      disabled: Boolean(doc.disabled),
      roles: (doc.roles ?? []) as StaffRole[],
      districts: doc.districts ?? [],
      name: doc.displayName || doc.username || '',
      mustChangePassword: Boolean(doc.mustChangePassword),
    };
  }

  function account(id: string): Promise<AccountState | null> {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && now - hit.at < cacheMs) return hit.state;
    if (cache.size > 50_000) cache.clear();
    // The promise is cached, so concurrent requests of one account share one read.
    const state = load(id);
    cache.set(id, { at: now, state });
    state.catch(() => cache.delete(id));
    return state;
  }

  return {
    sign(user: { id: string; role: Role; tokenVersion?: number }): { token: string; expiresIn: number } {
      const token = jwt.sign({ role: user.role, tv: user.tokenVersion ?? 0 }, key, { algorithm: 'HS256', subject: user.id, expiresIn: TOKEN_TTL_SECONDS });
      return { token, expiresIn: TOKEN_TTL_SECONDS };
    },
    /** Signature and expiry only (no account check): for the logout route, which must work on a token it then revokes. */
    verify,
    /** The full check every protected route runs. */
    async authenticate(token: string): Promise<AuthUser> {
      const claims = verify(token);
      const state = await account(claims.id);
      if (!state || state.tokenVersion !== claims.tv) throw new AppError(401, 'TOKEN_REVOKED');
      if (state.disabled) throw new AppError(401, 'ACCOUNT_DISABLED');
      if (claims.role === 'citizen') return { id: claims.id, role: 'citizen' };
      return { id: claims.id, role: 'admin', roles: state.roles, districts: state.districts, name: state.name, mustChangePassword: state.mustChangePassword };
    },
    /** This process changed the account: forget what it knew at once (other processes catch up within cacheMs). */
    forget(id: string): void {
      cache.delete(id);
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
