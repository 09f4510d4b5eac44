import Router from '@koa/router';
import { createZoneSchema, updateZoneSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { allow, bodyOf, parse, publicRoute, type TokenVerifier } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import type { ZoneService } from './zoneService';

export function zoneRoutes(deps: { zones: ZoneService; tokens: TokenVerifier; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  // Zones shape what residents can file, like the category tree: its maintainers (and admins) manage them.
  const admin = allow(deps.tokens, 'category_admin');
  // Every staff member reads the list: 诉求检索 filters by zone, ended ones included.
  const staff = allow(deps.tokens, 'category_admin', 'operator', 'analyst');

  // Public like the category tree: the home page shows the entries before sign-in.
  router.get('/zones', publicRoute(), async (ctx) => {
    ctx.body = { items: await deps.zones.active() };
  });
  router.get('/admin/zones', staff, async (ctx) => {
    ctx.body = { items: await deps.zones.list() };
  });
  router.post('/admin/zones', admin, async (ctx) => {
    const zone = await deps.zones.create(parse(createZoneSchema, bodyOf(ctx)), ctx.state.user!.id);
    await deps.audit.record(ctx, 'zone.create', { type: 'zone', id: zone.id, label: zone.title }, { after: zone });
    ctx.status = 201;
    ctx.body = zone;
  });
  router.patch('/admin/zones/:id', admin, async (ctx) => {
    const input = parse(updateZoneSchema, bodyOf(ctx));
    const zone = await deps.zones.update(ctx.params.id, input);
    await deps.audit.record(ctx, 'zone.update', { type: 'zone', id: zone.id, label: zone.title }, { change: input });
    ctx.body = zone;
  });
  return router;
}
