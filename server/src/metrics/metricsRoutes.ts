import { publicRoute } from '../http/middleware';
import Router from '@koa/router';
import { z } from 'zod';
import type { AppState } from '../http/context';
import { AppError } from '../http/errors';
import type { ApiOperation } from '../http/openapi';
import { bearerMatches, registry } from './metrics';

/**
 * `GET /metrics` in Prometheus text format, for a bearer METRICS_TOKEN.
 * Without a token configured the endpoint does not exist (404): metrics say
 * how busy the city is, which is nobody else's business.
 */
export function metricsRoutes(deps: { token: string | null }) {
  const router = new Router<AppState>();
  // Its own bearer check (METRICS_TOKEN) is inside: declared public to the route-permission table.
  router.get('/metrics', publicRoute(), async (ctx) => {
    if (!deps.token) throw new AppError(404, 'NOT_FOUND');
    if (!bearerMatches(ctx.get('Authorization'), deps.token)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'UNAUTHENTICATED');
    }
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}

export const metricsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (404 when METRICS_TOKEN is not set)',
    auth: 'metrics',
    ok: { status: 200, schema: z.string(), contentType: 'text/plain', description: 'Prometheus text exposition format' },
    errors: { 401: ['UNAUTHENTICATED'], 404: ['NOT_FOUND'] },
  },
];
