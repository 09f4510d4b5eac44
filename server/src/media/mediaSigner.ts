import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Expiring HMAC links for images. `<Image>` in a mini-program cannot send an
 * Authorization header, and the city pipeline fetches photos without our
 * tokens, so a link carries its own short-lived proof instead.
 */
export function createMediaSigner(secret: string, ttlSeconds = 60 * 60) {
  const key = createHmac('sha256', secret).update('media-links').digest();
  const sign = (id: string, size: string, exp: number) =>
    createHmac('sha256', key).update(`${id}:${size}:${exp}`).digest('base64url').slice(0, 32);

  return {
    url(id: string, size: 'original' | 'preview', now = Date.now()): string {
      const exp = Math.floor(now / 1000) + ttlSeconds;
      // Round expiry so the same image yields the same URL for a while: caches stay warm.
      const rounded = exp - (exp % 600) + 600;
      const q = size === 'preview' ? 'size=preview&' : '';
      return `/api/v1/media/${id}?${q}exp=${rounded}&sig=${sign(id, size, rounded)}`;
    },
    verify(id: string, size: 'original' | 'preview', exp: string | undefined, sig: string | undefined, now = Date.now()): boolean {
      if (!exp || !sig || !/^\d+$/.test(exp) || Number(exp) * 1000 < now) return false;
      const expected = Buffer.from(sign(id, size, Number(exp)));
      const given = Buffer.from(sig);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type MediaSigner = ReturnType<typeof createMediaSigner>;
