import Router from '@koa/router';
import { districtByCode, districtByName, hotspotSettingsSchema, insightQuerySchema, markAlertsSeenSchema } from '@ssp/shared';
import data from '../geo/shanghai-districts.json' with { type: 'json' };
import type { AuditService } from '../audit/auditService';
import type { TokenService } from '../auth/tokens';
import type { AppContext, AppState } from '../http/context';
import { AppError, badRequest, notFound } from '../http/errors';
import { allow, bodyOf, parse } from '../http/middleware';
import { districtScope } from '../reports/reportSearch';
import { addDays } from './contribution';
import type { InsightService, Query } from './insightService';

/**
 * The 数据看板 API (role analyst; an admin always passes; changing the hotspot
 * settings is admin-only). A district-scoped account sees only its districts:
 * its scope narrows every query, and asking for a district outside it is refused.
 */

/** The account's districts (null: all), the same scope 诉求检索 applies (reports/reportSearch.ts). */
export function scopeOf(ctx: AppContext): string[] | null {
  return ctx.state.user ? districtScope(ctx.state.user) : null;
}

function queryOf(ctx: AppContext, today: string): Query {
  const q = parse(insightQuerySchema, ctx.query);
  const to = q.to ?? (q.from ? addDays(q.from, 29) : today);
  const from = q.from ?? addDays(to, -29);
  const scope = scopeOf(ctx);
  let districts = q.district?.length ? q.district : null;
  if (scope) {
    if (districts?.some((d) => !scope.includes(d))) {
      // Refused, not silently emptied, and saying why: which districts this account may see.
      const names = scope.map((c) => districtByCode(c)?.name ?? c).join('、');
      throw new AppError(403, 'FORBIDDEN', `你的账号只能查看${names}的数据`);
    }
    districts = districts ?? scope;
  }
  return { from, to, districts, category: q.category ?? null, zone: q.zone ?? null };
}

/** The 16 district boundaries as GeoJSON (for the choropleth), built once. */
let geoJson: unknown = null;
function districtsGeoJson() {
  geoJson ??= {
    type: 'FeatureCollection',
    features: (data as { districts: { name: string; polygons: number[][][][] }[] }).districts.map((d) => ({
      type: 'Feature',
      properties: { name: d.name, code: districtByName(d.name)?.code ?? null },
      geometry: { type: 'MultiPolygon', coordinates: d.polygons },
    })),
  };
  return geoJson;
}

export function insightRoutes(deps: { insight: InsightService; tokens: TokenService; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1/admin/insight' });
  const analyst = allow(deps.tokens, 'analyst');
  // No role listed: admins only (they pass every staff guard).
  const admin = allow(deps.tokens);
  const { insight } = deps;

  router.get('/overview', analyst, async (ctx) => {
    ctx.body = await insight.overview(queryOf(ctx, insight.today()));
  });
  router.get('/blockers', analyst, async (ctx) => {
    ctx.body = await insight.blockers(queryOf(ctx, insight.today()));
  });
  /** The reports of one 堵点 (district + second-level category). */
  router.get('/blockers/reports', analyst, async (ctx) => {
    const q = queryOf(ctx, insight.today());
    if (q.districts?.length !== 1 || !q.category) {
      throw badRequest('VALIDATION_FAILED', '请指定一个区（district）和一个二级分类（category）');
    }
    ctx.body = await insight.pairReports({ ...q, district: q.districts[0], cat: q.category });
  });
  router.get('/hotspots', analyst, async (ctx) => {
    ctx.body = await insight.hotspots(queryOf(ctx, insight.today()));
  });
  /** The reports of one hotspot (what its row and its alert open); a hotspot outside the account's districts is not found. */
  router.get('/hotspots/:id/reports', analyst, async (ctx) => {
    const id = ctx.params.id;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw notFound();
    const found = await insight.hotspotReports(id, scopeOf(ctx));
    if (!found) throw notFound();
    ctx.body = found;
  });
  router.get('/trends', analyst, async (ctx) => {
    ctx.body = await insight.trends(queryOf(ctx, insight.today()));
  });
  router.get('/alerts', analyst, async (ctx) => {
    ctx.body = await insight.alerts(ctx.state.user!.id, scopeOf(ctx));
  });
  router.post('/alerts/seen', analyst, async (ctx) => {
    const { ids } = parse(markAlertsSeenSchema, bodyOf(ctx));
    await insight.markSeen(ctx.state.user!.id, ids);
    ctx.status = 204;
  });
  router.get('/settings', analyst, async (ctx) => {
    ctx.body = await insight.settings();
  });
  router.put('/settings', admin, async (ctx) => {
    const before = await insight.settings();
    const after = await insight.updateSettings(parse(hotspotSettingsSchema, bodyOf(ctx)));
    await deps.audit.record(ctx, 'insight.settings', { type: 'insight', id: 'hotspot-settings', label: '热点参数' }, { before, after });
    ctx.body = after;
  });
  router.get('/zones', analyst, async (ctx) => {
    ctx.body = await insight.zones();
  });
  router.get('/districts.geojson', analyst, (ctx) => {
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.body = districtsGeoJson();
  });
  return router;
}
