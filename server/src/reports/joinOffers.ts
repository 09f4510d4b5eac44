import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Join offers: `/reports/similar` hands one out per ticket it shows, and
 * `POST /reports/:id/join` accepts only a valid one. An offer is an expiry and
 * an HMAC over (report id, resident id, expiry), so it works for that resident
 * and that ticket only, for 30 minutes. Without it, join cannot be used to tell
 * real ticket ids from made-up ones, nor to follow a ticket one was never shown.
 */
export const JOIN_OFFER_TTL_MS = 30 * 60_000;

export function createJoinOffers(secret: string, ttlMs = JOIN_OFFER_TTL_MS) {
  // A key of its own: an offer is never a login token, nor a media link.
  const key = createHmac('sha256', secret).update('join-offers').digest();
  const sign = (reportId: string, citizenId: string, exp: string) => createHmac('sha256', key).update(`${reportId}:${citizenId}:${exp}`).digest('base64url');

  return {
    issue(reportId: string, citizenId: string, now = Date.now()): { offer: string; expiresAt: Date } {
      const exp = Math.floor((now + ttlMs) / 1000).toString(36);
      return { offer: `${exp}.${sign(reportId, citizenId, exp)}`, expiresAt: new Date(parseInt(exp, 36) * 1000) };
    },
    verify(offer: unknown, reportId: string, citizenId: string, now = Date.now()): boolean {
      if (typeof offer !== 'string' || offer.length > 100) return false;
      const [exp, sig] = offer.split('.');
      if (!exp || !sig || !/^[0-9a-z]{1,10}$/.test(exp) || parseInt(exp, 36) * 1000 < now) return false;
      const expected = Buffer.from(sign(reportId, citizenId, exp));
      const given = Buffer.from(sig);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type JoinOffers = ReturnType<typeof createJoinOffers>;
