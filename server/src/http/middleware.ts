import { randomUUID } from 'node:crypto';
import type { Middleware, Next } from 'koa';
import { z } from 'zod';
import { ErrorCodes, ErrorMessagesEn, fieldMessageEn, STAFF_ROLES, toFieldIssues, validate, type Role, type StaffRole } from '@ssp/shared';
import { languageOf } from './language';
import type { Logger } from '../log';
import { AppError, forbidden, unauthenticated, validationFailed } from './errors';
import type { AppContext, AppState, AuthUser } from './context';

/** Whatever turns a bearer token into the signed-in user, account checks included (auth/tokens.ts); http/ depends on no domain. */
export interface TokenVerifier {
  authenticate(token: string): Promise<AuthUser>;
}

/**
 * What the error handler counts. metrics/ hands its counters in (app.ts): http/ is below every other folder
 * and imports none of them, so http → metrics → http is not a cycle.
 */
export interface ErrorCounters {
  /** a 429 RATE_LIMITED answer, by router pattern */
  rateLimited(route: string): void;
  /** a database failure seen by a request, by error name */
  databaseError(kind: string): void;
}

/** The one error path: AppErrors answer as-is, everything else is logged and hidden. */
export function errorHandler(log: Logger, counters: ErrorCounters): Middleware<AppState> {
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
        if (appError.code === 'RATE_LIMITED') counters.rateLimited(routeOf(ctx));
        if (appError.code === 'DATABASE_UNAVAILABLE') counters.databaseError((err as Error).name ?? 'unavailable');
        ctx.status = appError.status;
        const retryAfter = (appError as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retryAfter) ctx.set('Retry-After', String(retryAfter));
        // The resident's language (Accept-Language) changes the messages, never the codes.
        const en = languageOf(ctx.get('Accept-Language')) === 'en';
        const message = en ? (appError.messageEn ?? ErrorMessagesEn[appError.code] ?? appError.message) : appError.message;
        const details = appError.details && en ? appError.details.map((d) => ({ ...d, message: fieldMessageEn(d) })) : appError.details;
        // A resubmit refused because the draft was filed already names that report (its owner's only; reportService.ts).
        const existing = (appError as { existing?: { id: string; ticketNo: string } }).existing;
        ctx.body = { error: { code: appError.code, message, ...(details ? { details } : {}), ...(existing ? { existing } : {}) } };
        return;
      }
      if (/^Mongo|^Mongoose|CastError|ValidationError/.test((err as Error)?.name ?? '')) counters.databaseError((err as Error).name);
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

/**
 * What a route admits, declared on its guard middleware. The route-permission
 * test walks every router and fails on any route without one.
 * `staff`: the staff roles admitted (`admin` always is); null = no staff.
 */
export interface RouteAccess {
  public?: boolean;
  citizen?: boolean;
  staff?: StaffRole[] | null;
  /** admitted before an initial password has been changed (sign-out, the change itself) */
  pendingPasswordChange?: boolean;
}
type Guard = ((ctx: AppContext, next: Next) => Promise<void>) & { access: RouteAccess };

function bearer(ctx: AppContext): string {
  const match = /^Bearer (.+)$/.exec(ctx.get('Authorization'));
  if (!match) throw unauthenticated();
  return match[1];
}

function guard(tokens: TokenVerifier, access: RouteAccess): Guard {
  const fn = async (ctx: AppContext, next: Next) => {
    const user = await tokens.authenticate(bearer(ctx));
    if (user.role === 'citizen') {
      if (!access.citizen) throw forbidden();
    } else {
      const roles = user.roles ?? [];
      if (!access.staff || !(roles.includes('admin') || roles.some((r) => access.staff!.includes(r)))) throw forbidden();
      if (user.mustChangePassword && !access.pendingPasswordChange) throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED');
    }
    ctx.state.user = user;
    await next();
  };
  return Object.assign(fn, { access });
}

/** Requires a valid, unrevoked token whose role is one of `roles`; `admin` admits any staff account. */
export function requireRole(tokens: TokenVerifier, ...roles: Role[]): Guard {
  return guard(tokens, { citizen: roles.includes('citizen'), staff: roles.includes('admin') ? [...STAFF_ROLES] : null });
}

/** Staff holding any of these roles (an `admin` always passes). */
export function allow(tokens: TokenVerifier, ...roles: StaffRole[]): Guard {
  return guard(tokens, { staff: roles });
}

/** Any signed-in account, even one that must still change its initial password. */
export function signedIn(tokens: TokenVerifier, opts: { citizens?: boolean } = {}): Guard {
  return guard(tokens, { citizen: opts.citizens ?? true, staff: [...STAFF_ROLES], pendingPasswordChange: true });
}

/** Marks a route as open to everyone (its own checks, e.g. a signature, are inside): a declaration, not a check. */
export function publicRoute(): Guard {
  return Object.assign(async (_ctx: AppContext, next: Next) => {
    await next();
  }, { access: { public: true } });
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
