import Router from '@koa/router';
import { triageDecisionSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AuditService } from '../audit/auditService';
import type { AppState } from '../http/context';
import { allow, bodyOf, parse } from '../http/middleware';
import type { ReportService } from './reportService';

/** Staff choose the category of reports the classifier was unsure about, or correct one later (the decisions become training data). */
export function triageRoutes(deps: { reports: ReportService; tokens: TokenService; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const triage = allow(deps.tokens, 'category_admin', 'operator');

  router.get('/admin/triage', triage, async (ctx) => {
    ctx.body = { items: await deps.reports.triageQueue(50, ctx.state.user!) };
  });

  /**
   * A report waiting for triage: the decision (the reason, if given, is kept in the audit log). Any other
   * report: 更正分类, which needs a reason; without one the answer stays 409 TRIAGE_NOT_PENDING, so two
   * people deciding the same queued report still learn that the other was first.
   */
  router.post('/admin/reports/:id/category', triage, async (ctx) => {
    const { categoryCode, reason, expectedCategoryCode } = parse(triageDecisionSchema, bodyOf(ctx));
    if (reason !== undefined) {
      const waiting = await deps.reports.get(ctx.state.user!, ctx.params.id);
      if (waiting.triage?.state !== 'pending') {
        const { view, before } = await deps.reports.correctCategory(ctx.state.user!, ctx.params.id, categoryCode, reason, expectedCategoryCode);
        await deps.audit.record(ctx, 'report.recategorize', { type: 'report', id: view.id, label: view.ticketNo }, {
          reason,
          before: { category: before?.code ?? null },
          after: { category: view.category?.code ?? null, triage: view.triage?.state },
        });
        ctx.body = view;
        return;
      }
    }
    const view = await deps.reports.decideCategory(ctx.state.user!, ctx.params.id, categoryCode);
    await deps.audit.record(ctx, 'report.triage', { type: 'report', id: view.id, label: view.ticketNo }, {
      suggested: view.classification?.top3[0]?.code ?? null,
      after: { category: view.category?.code ?? null, triage: view.triage?.state },
      ...(reason ? { reason } : {}),
    });
    ctx.body = view;
  });

  return router;
}
