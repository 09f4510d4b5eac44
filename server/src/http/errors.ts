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

/** A 429/503 that tells the client when to come back (the error handler sets `Retry-After` in seconds). */
export function withRetryAfter(err: AppError, retryAfterMs: number): AppError {
  return Object.assign(err, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}
