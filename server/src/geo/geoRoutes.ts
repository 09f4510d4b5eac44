import Router from '@koa/router';
import { hasCoordinates, locationSchema } from '@ssp/shared';
import { validationFailed } from '../http/errors';
import type { AppState } from '../http/context';
import { parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { GeoService } from './geoService';
import type { RateLimits } from '../http/rateLimits';

export function geoRoutes(deps: { geo: GeoService; tokens: TokenService; limits: RateLimits }) {
  const router = new Router<AppState>({ prefix: '/api/v1/geo' });

  /** Fills the app's location card: address and district for a point. */
  // Limited per user (shared with /categories/nearby): each call may spend the city's Tencent quota.
  router.get('/reverse', requireRole(deps.tokens, 'citizen', 'admin'), deps.limits.guard('geo'), async (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    const location = parse(locationSchema, {
      lat: q.lat === undefined ? undefined : Number(q.lat),
      lng: q.lng === undefined ? undefined : Number(q.lng),
      coordSystem: q.coordSystem ?? 'gcj02',
    });
    if (!hasCoordinates(location)) throw validationFailed([{ path: 'lat', code: 'required', message: '请提供经纬度' }]);
    const place = await deps.geo.reverse(location);
    ctx.body = { ...place, outsideShanghai: place.district === null };
  });

  return router;
}
