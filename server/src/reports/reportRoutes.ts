import Router from '@koa/router';
import { createReportSchema, descriptionPublicSchema, joinSchema, mergeSchema, similarQuerySchema } from '@ssp/shared';
import type { DuplicateService } from './duplicates';
import type { AppState } from '../http/context';
import { languageOf } from '../http/language';
import { AppError } from '../http/errors';
import { allow, bodyOf, parse, requireRole } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import { reportVisibleTo, ticketVisibleTo } from './reportSearch';
import type { ReportRepository } from './reportRepository';
import type { TokenService } from '../auth/tokens';
import type { ReportService } from './reportService';
import type { RateLimits } from '../http/rateLimits';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: { reports: ReportService; duplicates: DuplicateService; tokens: TokenService; limits: RateLimits; audit: AuditService; repo: ReportRepository }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const anyone = requireRole(deps.tokens, 'citizen', 'admin');
  const operator = allow(deps.tokens, 'operator');

  // 附近已有人反映: asked before submitting; the resident may join one instead.
  router.post('/reports/similar', citizen, deps.limits.guard('similar'), async (ctx) => {
    ctx.body = { items: await deps.duplicates.similar(ctx.state.user!, parse(similarQuerySchema, bodyOf(ctx))) };
  });
  router.post('/reports/:id/join', citizen, deps.limits.guard('similar'), async (ctx) => {
    // Optional in the schema: without an offer the answer is the 404 of a made-up id, not a validation error.
    const { offer } = parse(joinSchema, bodyOf(ctx) ?? {});
    ctx.body = await deps.duplicates.join(ctx.state.user!, ctx.params.id, offer);
  });
  router.post('/admin/reports/:id/description-public', operator, async (ctx) => {
    const { public: value } = parse(descriptionPublicSchema, bodyOf(ctx));
    if (!(await reportVisibleTo(deps.repo, ctx.state.user!, ctx.params.id))) throw new AppError(404, 'REPORT_NOT_FOUND');
    const result = await deps.duplicates.setDescriptionPublic(ctx.params.id, value);
    await deps.audit.record(ctx, 'report.description_public', { type: 'report', id: ctx.params.id }, { public: value });
    ctx.body = result;
  });
  router.get('/me/following', citizen, async (ctx) => {
    ctx.body = { items: await deps.duplicates.following(ctx.state.user!) };
  });
  router.post('/admin/reports/:id/merge', operator, async (ctx) => {
    const { into, message } = parse(mergeSchema, bodyOf(ctx));
    // Both tickets must be in the account's districts; otherwise they do not exist for it.
    if (!(await reportVisibleTo(deps.repo, ctx.state.user!, ctx.params.id))) throw new AppError(404, 'REPORT_NOT_FOUND');
    if (!(await ticketVisibleTo(deps.repo, ctx.state.user!, into))) throw new AppError(404, 'REPORT_NOT_FOUND');
    const result = await deps.duplicates.merge(ctx.params.id, into, message);
    await deps.audit.record(ctx, 'report.merge', { type: 'report', id: result.duplicate.id, label: result.duplicate.ticketNo }, { into: result.target.ticketNo, intoId: result.target.id, message: message ?? '' });
    ctx.body = result;
  });

  router.post('/reports', citizen, async (ctx) => {
    const key = ctx.get('Idempotency-Key');
    if (!UUID.test(key)) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID');
    const input = parse(createReportSchema, bodyOf(ctx));
    const user = ctx.state.user!;
    // A retry of a draft already acknowledged (same key) is never limited: the client must be able to finish it.
    // Asked only when the quota refuses: looking the key up before every submit was a database read on the
    // hot path for the rare retry. A retry that fitted the quota gets its point back below (it stored nothing).
    // True when the submit took a point.
    const admit = async (): Promise<boolean> => {
      try {
        await deps.limits.consume('reports', user.id);
        return true;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 429) || !(await deps.reports.isKnownKey(user, key.toLowerCase()))) throw err;
        return false;
      }
    };
    // The quota is asked while the report is checked and its outbox document written, not before: the
    // rate-limit write and the outbox insert are then one wait on the database instead of two in a row
    // (docs/LOG.md "Submit path: one write transaction per batch"). The report itself is stored only after a
    // yes (`create` waits for it), so a refused submit stores nothing, as before.
    const admitted = admit();
    admitted.catch(() => {}); // its refusal is thrown below, whichever way `create` ends
    let result;
    try {
      result = await deps.reports.create(user, key.toLowerCase(), input, languageOf(ctx.get('Accept-Language')), admitted);
    } catch (err) {
      // Over the quota is the answer whatever else is wrong with the request (as when the quota was asked first).
      const counted = await admitted;
      // Refused as invalid (unknown photo, category…): nothing was stored, so it does not count.
      if (counted && err instanceof AppError && err.status < 500) await deps.limits.refund('reports', user.id);
      throw err;
    }
    const counted = await admitted;
    const { report, replayed } = result;
    if (counted && replayed) await deps.limits.refund('reports', user.id);
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = 201;
    ctx.body = report;
  });

  router.get('/me/reports', citizen, async (ctx) => {
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    ctx.body = await deps.reports.listMine(ctx.state.user!, cursor, Number(ctx.query.limit) || 0, languageOf(ctx.get('Accept-Language')));
  });

  /** Quick category chips (under /categories for the app, but answered from reports) for 随申拍: what residents report most around this point lately. */
  // Limited per user together with /geo/reverse (README "Limits").
  router.get('/categories/nearby', anyone, deps.limits.guard('geo'), async (ctx) => {
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
