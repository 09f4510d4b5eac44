import Router from '@koa/router';
import { createReportSchema, mergeSchema, similarQuerySchema } from '@ssp/shared';
import type { DuplicateService } from './duplicates';
import type { AppState } from '../http/context';
import { languageOf } from '../http/language';
import { AppError } from '../http/errors';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { ReportService } from './reportService';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: { reports: ReportService; duplicates: DuplicateService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const anyone = requireRole(deps.tokens, 'citizen', 'admin');
  const admin = requireRole(deps.tokens, 'admin');

  // 附近已有人反映: asked before submitting; the resident may join one instead.
  router.post('/reports/similar', citizen, async (ctx) => {
    ctx.body = { items: await deps.duplicates.similar(ctx.state.user!, parse(similarQuerySchema, bodyOf(ctx))) };
  });
  router.post('/reports/:id/join', citizen, async (ctx) => {
    ctx.body = await deps.duplicates.join(ctx.state.user!, ctx.params.id);
  });
  router.get('/me/following', citizen, async (ctx) => {
    ctx.body = { items: await deps.duplicates.following(ctx.state.user!) };
  });
  router.post('/admin/reports/:id/merge', admin, async (ctx) => {
    const { into, message } = parse(mergeSchema, bodyOf(ctx));
    ctx.body = await deps.duplicates.merge(ctx.params.id, into, message);
  });

  router.post('/reports', citizen, async (ctx) => {
    const key = ctx.get('Idempotency-Key');
    if (!UUID.test(key)) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID');
    const input = parse(createReportSchema, bodyOf(ctx));
    const { report, replayed } = await deps.reports.create(ctx.state.user!, key.toLowerCase(), input, languageOf(ctx.get('Accept-Language')));
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = 201;
    ctx.body = report;
  });

  router.get('/me/reports', citizen, async (ctx) => {
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    ctx.body = await deps.reports.listMine(ctx.state.user!, cursor, Number(ctx.query.limit) || 0, languageOf(ctx.get('Accept-Language')));
  });

  /** Quick category chips (under /categories for the app, but answered from reports) for 随申拍: what residents report most around this point lately. */
  router.get('/categories/nearby', anyone, async (ctx) => {
    const lat = Number(ctx.query.lat);
    const lng = Number(ctx.query.lng);
    const coordSystem = ctx.query.coordSystem === 'wgs84' ? 'wgs84' : 'gcj02';
    ctx.body = { items: await deps.reports.nearbyCategories(Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng, coordSystem } : null) };
  });

  router.get('/reports/:id', anyone, async (ctx) => {
    ctx.body = await deps.reports.get(ctx.state.user!, ctx.params.id, languageOf(ctx.get('Accept-Language')));
  });

  return router;
}
