import { randomUUID } from 'node:crypto';
import type { Middleware, Next } from 'koa';
import { z } from 'zod';
import { ErrorCodes, ErrorMessagesEn, fieldMessageEn, toFieldIssues, validate, type Role } from '@ssp/shared';
import { languageOf } from './language';
import type { Logger } from '../log';
import { AppError, forbidden, unauthenticated, validationFailed } from './errors';
import type { AppContext, AppState, AuthUser } from './context';
import { databaseErrors, rateLimited } from '../metrics/metrics';

/** The one error path: AppErrors answer as-is, everything else is logged and hidden. */
export function errorHandler(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null && ctx.path.startsWith('/api/')) throw new AppError(404, 'NOT_FOUND');
      // The router answers an unknown method (TRACE, PROPFIND…) with a bare 501; it is the client's mistake, not ours (the Allow header stays).
      if ((ctx.status === 501 || ctx.status === 405) && ctx.body == null) throw new AppError(405, 'METHOD_NOT_ALLOWED');
    } catch (err) {
      const appError = toAppError(err);
      if (appError) {
        if (appError.code === 'RATE_LIMITED') rateLimited.inc({ limit: routeOf(ctx) });
        if (appError.code === 'DATABASE_UNAVAILABLE') databaseErrors.inc({ kind: (err as Error).name ?? 'unavailable' });
        ctx.status = appError.status;
        // The resident's language (Accept-Language) changes the messages, never the codes.
        const en = languageOf(ctx.get('Accept-Language')) === 'en';
        const message = en ? (ErrorMessagesEn[appError.code] ?? appError.message) : appError.message;
        const details = appError.details && en ? appError.details.map((d) => ({ ...d, message: fieldMessageEn(d) })) : appError.details;
        ctx.body = { error: { code: appError.code, message, ...(details ? { details } : {}) } };
        return;
      }
      if (/^Mongo|^Mongoose|CastError|ValidationError/.test((err as Error)?.name ?? '')) databaseErrors.inc({ kind: (err as Error).name });
      log.error('unhandled error', { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, error: err });
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: languageOf(ctx.get('Accept-Language')) === 'en' ? ErrorMessagesEn.INTERNAL : ErrorCodes.INTERNAL } };
    }
  };
}

function routeOf(ctx: { _matchedRoute?: unknown; path: string }): string {
  return typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
}

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; type?: string; name?: string; code?: string };
  // koa-bodyparser-style and multer errors carry a status/type of their own.
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'INVALID_JSON');
  if (e?.type === 'entity.too.large') return new AppError(413, 'PAYLOAD_TOO_LARGE');
  if (e?.name === 'MongoServerSelectionError' || e?.name === 'MongoNetworkError') return new AppError(503, 'DATABASE_UNAVAILABLE');
  return null;
}

/** Requires a valid token whose role is one of `roles`. */
/** Whatever turns a bearer token into the signed-in user (auth/tokens.ts); http/ depends on no domain. */
export interface TokenVerifier {
  verify(token: string): AuthUser;
  /** verify + the account still exists (a deleted resident's token stops working) */
  authenticate?(token: string): Promise<AuthUser>;
}

export function requireRole(tokens: TokenVerifier, ...roles: Role[]) {
  return async (ctx: AppContext, next: Next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw unauthenticated();
    const user = tokens.authenticate ? await tokens.authenticate(match[1]) : tokens.verify(match[1]);
    if (!roles.includes(user.role)) throw forbidden();
    ctx.state.user = user;
    await next();
  };
}

export function parse<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = validate(schema, input);
  if (!result.success) throw validationFailed(toFieldIssues(result.error));
  return result.data;
}

/** Reads a JSON body with a size limit; no third-party parser needed for JSON-only routes. */
export function jsonBody(limitBytes = 64 * 1024): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || !ctx.is('application/json')) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw new AppError(413, 'PAYLOAD_TOO_LARGE');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    // Kept for signature checks, which are over the exact bytes received.
    (ctx.request as { rawBody?: string }).rawBody = text;
    try {
      (ctx.request as { body?: unknown }).body = text ? JSON.parse(text) : {};
    } catch {
      throw new AppError(400, 'INVALID_JSON');
    }
    await next();
  };
}

export function bodyOf(ctx: AppContext): unknown {
  return (ctx.request as { body?: unknown }).body;
}

/** Access log without personal data: method, route, status, duration, user id hash. */
export function accessLog(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        log.debug('request', { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - start) });
      }
    }
  };
}
