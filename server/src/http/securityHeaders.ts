import helmet from 'koa-helmet';
import type { Middleware } from 'koa';

/**
 * Security headers for the API, the web app and the staff console (koa-helmet).
 * The CSP is the one the H5 build runs under: scripts only from our origin,
 * images also as data:/blob: (previews of photos being picked), network only
 * to our origin. Inline styles are allowed because Taro's H5 components add
 * <style> elements at run time; inline scripts are not. Checked by the browser
 * tests, which fail on any CSP violation (server/e2e/browser.ts).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityHeaders(opts: { hsts: boolean }): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
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
