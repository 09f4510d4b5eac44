import Router from '@koa/router';
import { createReportSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { AppError } from '../http/errors';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { ReportService } from './reportService';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: { reports: ReportService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const anyone = requireRole(deps.tokens, 'citizen', 'admin');

  router.post('/reports', citizen, async (ctx) => {
    const key = ctx.get('Idempotency-Key');
    if (!UUID.test(key)) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID');
    const input = parse(createReportSchema, bodyOf(ctx));
    const { report, replayed } = await deps.reports.create(ctx.state.user!, key.toLowerCase(), input);
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = 201;
    ctx.body = report;
  });

  router.get('/me/reports', citizen, async (ctx) => {
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    ctx.body = await deps.reports.listMine(ctx.state.user!, cursor, Number(ctx.query.limit) || 0);
  });

  router.get('/reports/:id', anyone, async (ctx) => {
    ctx.body = await deps.reports.get(ctx.state.user!, ctx.params.id);
  });

  return router;
}
