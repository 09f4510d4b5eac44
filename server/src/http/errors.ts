import { ErrorCodes, type ErrorCode, type FieldIssue } from '@ssp/shared';

/**
 * An error meant for the client: status, stable code, Chinese message.
 * Anything else that escapes a handler is a bug and becomes a logged 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string = ErrorCodes[code],
    readonly details?: FieldIssue[],
    /** the English message when it says more than the code's fixed English text (e.g. when to retry) */
    readonly messageEn?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: ErrorCode, message?: string, details?: FieldIssue[]) => new AppError(400, code, message, details);
export const validationFailed = (details: FieldIssue[]) => new AppError(400, 'VALIDATION_FAILED', undefined, details);
export const unauthenticated = (code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED' = 'UNAUTHENTICATED') => new AppError(401, code);
export const forbidden = () => new AppError(403, 'FORBIDDEN');
export const notFound = (code: ErrorCode = 'NOT_FOUND') => new AppError(404, code);
export const conflict = (code: ErrorCode) => new AppError(409, code);
export const tooLarge = (code: ErrorCode) => new AppError(413, code);
export const unsupportedMedia = (code: ErrorCode) => new AppError(415, code);
export const badGateway = (code: ErrorCode) => new AppError(502, code);
export const unavailable = (code: ErrorCode) => new AppError(503, code);

/** 429 RATE_LIMITED, telling the resident when to try again (also as Retry-After, set by the error handler). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number, now = Date.now()) {
    super(429, 'RATE_LIMITED', rateLimitMessage(retryAfterSeconds, now), undefined, rateLimitMessageEn(retryAfterSeconds, now));
  }
}

export const rateLimited = (retryAfterSeconds: number) => new RateLimitedError(retryAfterSeconds);

/** e.g. 「操作太频繁，请 12 分钟后（14:05 之后）再试」, clock time in Shanghai. */
export function rateLimitMessage(seconds: number, now = Date.now()): string {
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds < 60 ? `${seconds} 秒` : minutes < 60 ? `${minutes} 分钟` : `${Math.floor(minutes / 60)} 小时${minutes % 60 ? ` ${minutes % 60} 分钟` : ''}`;
  const at = new Date(now + seconds * 1000).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  return `操作太频繁，请 ${wait}后（${at} 之后）再试`;
}

/** The same in English: 「Too many requests: please try again in 12 minutes (after 14:05 Shanghai time)」. */
export function rateLimitMessageEn(seconds: number, now = Date.now()): string {
  const minutes = Math.ceil(seconds / 60);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const wait =
    seconds < 60 ? unit(seconds, 'second') : minutes < 60 ? unit(minutes, 'minute') : `${unit(Math.floor(minutes / 60), 'hour')}${minutes % 60 ? ` ${unit(minutes % 60, 'minute')}` : ''}`;
  const at = new Date(now + seconds * 1000).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  return `Too many requests: please try again in ${wait} (after ${at} Shanghai time)`;
}

/** A 429/503 that tells the client when to come back (the error handler sets `Retry-After` in seconds). */
export function withRetryAfter(err: AppError, retryAfterMs: number): AppError {
  return Object.assign(err, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}
