import Router from '@koa/router';
import { triageDecisionSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { ReportService } from './reportService';

/** Staff choose the category of reports the classifier was unsure about (the decisions become training data). */
export function triageRoutes(deps: { reports: ReportService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(deps.tokens, 'admin');

  router.get('/admin/triage', admin, async (ctx) => {
    ctx.body = { items: await deps.reports.triageQueue() };
  });

  router.post('/admin/reports/:id/category', admin, async (ctx) => {
    const { categoryCode } = parse(triageDecisionSchema, bodyOf(ctx));
    ctx.body = await deps.reports.decideCategory(ctx.state.user!, ctx.params.id, categoryCode);
  });

  return router;
}
