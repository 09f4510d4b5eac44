import Router from '@koa/router';
import { rateSchema, reopenSchema, staffTransitionSchema, supplementSchema, urgeSchema, withdrawSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AppContext, AppState } from '../http/context';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { MediaSigner } from '../media/mediaSigner';
import { presentReport } from './reportPresenter';
import type { ReportRepository } from './reportRepository';
import type { TicketService } from './ticketService';

/** A ticket's life after submit: the resident's follow-ups and the staff console's moves. */
export function ticketRoutes(deps: { tickets: TicketService; repo: ReportRepository; tokens: TokenService; signer: MediaSigner }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const admin = requireRole(deps.tokens, 'admin');
  const me = (ctx: AppContext) => ctx.state.user!;

  // Resident follow-up: 撤回, 催办, 补充, 评价, 重新办理.
  router.post('/reports/:id/withdraw', citizen, async (ctx) => {
    ctx.body = await deps.tickets.withdraw(me(ctx), ctx.params.id, parse(withdrawSchema, bodyOf(ctx)).reason);
  });
  router.post('/reports/:id/urge', citizen, async (ctx) => {
    ctx.body = await deps.tickets.urge(me(ctx), ctx.params.id, parse(urgeSchema, bodyOf(ctx) ?? {}).message);
  });
  router.post('/reports/:id/supplement', citizen, async (ctx) => {
    const { text, mediaIds } = parse(supplementSchema, bodyOf(ctx));
    ctx.body = await deps.tickets.supplement(me(ctx), ctx.params.id, text, mediaIds);
  });
  router.post('/reports/:id/rate', citizen, async (ctx) => {
    const { rating, comment } = parse(rateSchema, bodyOf(ctx));
    ctx.body = await deps.tickets.rate(me(ctx), ctx.params.id, rating, comment);
  });
  router.post('/reports/:id/reopen', citizen, async (ctx) => {
    ctx.body = await deps.tickets.reopen(me(ctx), ctx.params.id, parse(reopenSchema, bodyOf(ctx)).reason);
  });

  // Staff console: the `local` connector's pipeline.
  router.get('/admin/reports', admin, async (ctx) => {
    const status = typeof ctx.query.status === 'string' ? ctx.query.status.split(',') : ['submitted', 'accepted', 'dispatched', 'in_progress', 'returned', 'reopened'];
    const zoneId = typeof ctx.query.zone === 'string' && ctx.query.zone ? ctx.query.zone : undefined;
    const docs = await deps.repo.listForStaff(status, ctx.query.overdue === '1', 100, { zoneId });
    ctx.body = { items: docs.map((d) => presentReport(d, deps.signer, { forStaff: true })) };
  });
  router.post('/admin/reports/:id/transitions', admin, async (ctx) => {
    ctx.body = await deps.tickets.staffTransition(me(ctx), ctx.params.id, parse(staffTransitionSchema, bodyOf(ctx)));
  });

  return router;
}
