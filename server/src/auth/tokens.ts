import jwt from 'jsonwebtoken';
import type { Role } from '@ssp/shared';
import { unauthenticated } from '../http/errors';
import type { AuthUser } from '../http/context';

export const TOKEN_TTL_SECONDS = 2 * 60 * 60;

export function createTokenService(secret: string) {
  return {
    sign(user: AuthUser): { token: string; expiresIn: number } {
      const token = jwt.sign({ role: user.role }, secret, { algorithm: 'HS256', subject: user.id, expiresIn: TOKEN_TTL_SECONDS });
      return { token, expiresIn: TOKEN_TTL_SECONDS };
    },
    verify(token: string): AuthUser {
      try {
        const payload = jwt.verify(token, secret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
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
