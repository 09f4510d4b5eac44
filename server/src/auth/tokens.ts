import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '@ssp/shared';
import { unauthenticated } from '../http/errors';
import type { AuthUser } from '../http/context';

export const TOKEN_TTL_SECONDS = 2 * 60 * 60;

export function createTokenService(secret: string) {
  // jsonwebtoken turns a string secret into a KeyObject on every call; doing it
  // once took ~10 % of the CPU of a report submit off the hot path.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
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
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
