import Router from '@koa/router';
import { triageDecisionSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AuditService } from '../audit/auditService';
import type { AppState } from '../http/context';
import { allow, bodyOf, parse } from '../http/middleware';
import type { ReportService } from './reportService';

/** Staff choose the category of reports the classifier was unsure about (the decisions become training data). */
export function triageRoutes(deps: { reports: ReportService; tokens: TokenService; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const triage = allow(deps.tokens, 'category_admin', 'operator');

  router.get('/admin/triage', triage, async (ctx) => {
    ctx.body = { items: await deps.reports.triageQueue(50, ctx.state.user!) };
  });

  router.post('/admin/reports/:id/category', triage, async (ctx) => {
    const { categoryCode } = parse(triageDecisionSchema, bodyOf(ctx));
    const view = await deps.reports.decideCategory(ctx.state.user!, ctx.params.id, categoryCode);
    await deps.audit.record(ctx, 'report.triage', { type: 'report', id: view.id, label: view.ticketNo }, {
      suggested: view.classification?.top3[0]?.code ?? null,
      after: { category: view.category?.code ?? null, triage: view.triage?.state },
    });
    ctx.body = view;
  });

  return router;
}
