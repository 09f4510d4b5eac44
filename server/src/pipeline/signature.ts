import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The pipeline's signing scheme, both directions: `X-Pipeline-Timestamp`
 * (unix seconds) and `X-Pipeline-Signature` = hex HMAC-SHA256(secret,
 * timestamp + "." + raw body). A request more than 5 minutes off is refused
 * so a captured request cannot be replayed later.
 */
export const MAX_SKEW_SECONDS = 300;

export function sign(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function signedHeaders(secret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return { 'X-Pipeline-Timestamp': timestamp, 'X-Pipeline-Signature': sign(secret, timestamp, rawBody) };
}

export type VerifyResult = 'ok' | 'missing' | 'stale' | 'bad_signature';

export function verify(secret: string, timestamp: string | undefined, signature: string | undefined, rawBody: string, now = Date.now()): VerifyResult {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return 'missing';
  if (Math.abs(now / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'stale';
  const expected = Buffer.from(sign(secret, timestamp, rawBody), 'hex');
  const given = Buffer.from(signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'bad_signature';
}
