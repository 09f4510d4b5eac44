import Router from '@koa/router';
import { createZoneSchema, updateZoneSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole, type TokenVerifier } from '../http/middleware';
import type { ZoneService } from './zoneService';

export function zoneRoutes(deps: { zones: ZoneService; tokens: TokenVerifier }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(deps.tokens, 'admin');

  // Public like the category tree: the home page shows the entries before sign-in.
  router.get('/zones', async (ctx) => {
    ctx.body = { items: await deps.zones.active() };
  });
  router.get('/admin/zones', admin, async (ctx) => {
    ctx.body = { items: await deps.zones.list() };
  });
  router.post('/admin/zones', admin, async (ctx) => {
    ctx.status = 201;
    ctx.body = await deps.zones.create(parse(createZoneSchema, bodyOf(ctx)), ctx.state.user!.id);
  });
  router.patch('/admin/zones/:id', admin, async (ctx) => {
    ctx.body = await deps.zones.update(ctx.params.id, parse(updateZoneSchema, bodyOf(ctx)));
  });
  return router;
}
