import Router from '@koa/router';
import { rateSchema, reopenSchema, staffTransitionSchema, supplementSchema, urgeSchema, withdrawSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AppContext, AppState } from '../http/context';
import { allow, bodyOf, parse, requireRole } from '../http/middleware';
import { AppError } from '../http/errors';
import type { AuditService } from '../audit/auditService';
import { inScope } from './reportSearch';
import type { MediaSigner } from '../media/mediaSigner';
import type { ReportRepository } from './reportRepository';
import type { TicketService } from './ticketService';
import type { RateLimits } from '../http/rateLimits';

/** A ticket's life after submit: the resident's follow-ups and the staff console's moves. */
export function ticketRoutes(deps: { tickets: TicketService; repo: ReportRepository; tokens: TokenService; signer: MediaSigner; limits: RateLimits; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const operator = allow(deps.tokens, 'operator');
  const me = (ctx: AppContext) => ctx.state.user!;
  // Every follow-up is forwarded to the city's pipeline: limited per resident and ticket, so one ticket cannot be flooded.
  const followUpQuota = deps.limits.guard('followUps', (ctx) => `${ctx.state.user!.id}:${ctx.params.id}`);

  // Resident follow-up: 撤回, 催办, 补充, 评价, 重新办理.
  router.post('/reports/:id/withdraw', citizen, followUpQuota, async (ctx) => {
    ctx.body = await deps.tickets.withdraw(me(ctx), ctx.params.id, parse(withdrawSchema, bodyOf(ctx)).reason);
  });
  router.post('/reports/:id/urge', citizen, followUpQuota, async (ctx) => {
    ctx.body = await deps.tickets.urge(me(ctx), ctx.params.id, parse(urgeSchema, bodyOf(ctx) ?? {}).message);
  });
  router.post('/reports/:id/supplement', citizen, followUpQuota, async (ctx) => {
    const { text, mediaIds } = parse(supplementSchema, bodyOf(ctx));
    ctx.body = await deps.tickets.supplement(me(ctx), ctx.params.id, text, mediaIds);
  });
  router.post('/reports/:id/rate', citizen, followUpQuota, async (ctx) => {
    const { rating, comment } = parse(rateSchema, bodyOf(ctx));
    ctx.body = await deps.tickets.rate(me(ctx), ctx.params.id, rating, comment);
  });
  router.post('/reports/:id/reopen', citizen, followUpQuota, async (ctx) => {
    ctx.body = await deps.tickets.reopen(me(ctx), ctx.params.id, parse(reopenSchema, bodyOf(ctx)).reason);
  });

  // Staff console: the `local` connector's pipeline (the list is 诉求检索, GET /admin/reports, adminReportRoutes.ts).
  router.post('/admin/reports/:id/transitions', operator, async (ctx) => {
    const input = parse(staffTransitionSchema, bodyOf(ctx));
    // Another district's report does not exist for a scoped account.
    const before = await deps.repo.findById(ctx.params.id);
    if (!before || !inScope(me(ctx), before)) throw new AppError(404, 'REPORT_NOT_FOUND');
    const view = await deps.tickets.staffTransition(me(ctx), ctx.params.id, input);
    await deps.audit.record(ctx, 'report.transition', { type: 'report', id: view.id, label: view.ticketNo }, { before: { status: before.status }, after: { status: view.status }, message: input.message ?? '' });
    ctx.body = view;
  });

  return router;
}
