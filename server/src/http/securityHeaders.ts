import { createHash } from 'node:crypto';
import helmet from 'koa-helmet';
import type { Middleware } from 'koa';

/**
 * Security headers for the API, the web app and the staff console (koa-helmet).
 * The CSP is the one the H5 build runs under: scripts only from our origin,
 * images also as data:/blob: (previews of photos being picked), network only
 * to our origin. Inline styles are allowed because Taro's H5 components add
 * <style> elements at run time; inline scripts are not, except the ones in the
 * built index.html (Taro's rem sizing), allowed by their SHA-256 hash, read from
 * the build when the server starts. Checked by the browser tests, which fail on
 * any CSP violation (server/e2e/browser.ts).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  // blob: too: the H5 upload reads the picked photo back from its blob: URL before sending it.
  connectSrc: ["'self'", 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Taro's H5 tab bar renders `<a href="javascript:;">` (its click handler does
 * the navigation). The browser still "runs" that empty URL, which a strict
 * script-src reports as a violation. 'unsafe-hashes' with the hash of exactly
 * that no-op lets it through and nothing else (no other inline handler or URL).
 */
const JAVASCRIPT_URL_NOOP = ["'unsafe-hashes'", `'sha256-${createHash('sha256').update('javascript:;').digest('base64')}'`];

/** CSP source expressions for the inline <script> elements of a page (those without src). */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .filter((m) => m[1].length > 0)
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}

export function securityHeaders(opts: { hsts: boolean; scriptHashes?: string[] }): Middleware {
  const directives = { ...CONTENT_SECURITY_POLICY, scriptSrc: [...CONTENT_SECURITY_POLICY.scriptSrc, ...(opts.scriptHashes ?? []), ...JAVASCRIPT_URL_NOOP] };
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    // Old browsers that ignore frame-ancestors.
    frameguard: { action: 'deny' },
    // Signed photo links must not travel in Referer headers.
    referrerPolicy: { policy: 'no-referrer' },
    // Only when we are served over HTTPS: HSTS on plain HTTP would lock a local try-out out of its own server.
    strictTransportSecurity: opts.hsts ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    crossOriginEmbedderPolicy: false,
  }) as unknown as Middleware;
}
