import Router from '@koa/router';
import { pipelineEventSchema, rateSchema, reopenSchema, staffTransitionSchema, supplementSchema, urgeSchema, withdrawSchema } from '@ssp/shared';
import type { AppContext, AppState } from '../http/context';
import { AppError } from '../http/errors';
import { allow, bodyOf, parse, publicRoute, requireRole } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import { inScope, reportVisibleTo } from '../reports/reportSearch';
import type { TokenService } from '../auth/tokens';
import type { TicketService } from '../reports/ticketService';
import { Report, type ReportDoc } from '../reports/reportModel';
import { presentReport } from '../reports/reportPresenter';
import type { MediaSigner } from '../media/mediaSigner';
import type { Dispatcher } from './dispatcher';
import type { createPipelineEvents } from './pipelineEvents';
import { verify } from './signature';

export function pipelineRoutes(deps: {
  tickets: TicketService;
  tokens: TokenService;
  signer: MediaSigner;
  dispatcher: Dispatcher | null;
  events: ReturnType<typeof createPipelineEvents>;
  pipelineSecret: string | null;
  audit: AuditService;
}) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const operator = allow(deps.tokens, 'operator');
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

  // Staff console: the `local` connector's pipeline (the list is 诉求检索, GET /admin/reports, in reports/).
  router.post('/admin/reports/:id/transitions', operator, async (ctx) => {
    const input = parse(staffTransitionSchema, bodyOf(ctx));
    // Another district's report does not exist for a scoped account.
    if (!(await reportVisibleTo(me(ctx), ctx.params.id))) throw new AppError(404, 'REPORT_NOT_FOUND');
    const before = await Report.findById(ctx.params.id, { status: 1 }).lean<Pick<ReportDoc, 'status'>>();
    const view = await deps.tickets.staffTransition(me(ctx), ctx.params.id, input);
    await deps.audit.record(ctx, 'report.transition', { type: 'report', id: view.id, label: view.ticketNo }, { before: { status: before?.status }, after: { status: view.status }, message: input.message ?? '' });
    ctx.body = view;
  });
  router.get('/admin/deliveries', operator, async (ctx) => {
    const state = ctx.query.state === 'pending' ? 'pending' : 'dead';
    const docs = await Report.find({ 'delivery.state': state }).sort({ createdAt: 1 }).limit(200).lean<ReportDoc[]>();
    ctx.body = { items: docs.filter((d) => inScope(me(ctx), d)).map((d) => presentReport(d, deps.signer, { forStaff: true })) };
  });
  router.post('/admin/deliveries/:id/retry', operator, async (ctx) => {
    if (!(await reportVisibleTo(me(ctx), ctx.params.id))) throw new AppError(404, 'REPORT_NOT_FOUND');
    if (!deps.dispatcher || !(await deps.dispatcher.retry(ctx.params.id))) throw new AppError(409, 'DELIVERY_NOT_DEAD');
    await deps.audit.record(ctx, 'delivery.retry', { type: 'report', id: ctx.params.id }, {});
    ctx.body = { ok: true };
  });

  /** Status updates from the city's ticket system: signed, fresh, each event once, in sequence order. */
  router.post('/pipeline/events', publicRoute(), async (ctx) => {
    if (!deps.pipelineSecret) throw new AppError(404, 'NOT_FOUND');
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    const check = verify(deps.pipelineSecret, ctx.get('X-Pipeline-Timestamp') || undefined, ctx.get('X-Pipeline-Signature') || undefined, raw);
    if (check === 'stale') throw new AppError(401, 'PIPELINE_TIMESTAMP_STALE');
    if (check !== 'ok') throw new AppError(401, 'PIPELINE_SIGNATURE_INVALID');
    const event = parse(pipelineEventSchema, bodyOf(ctx));
    ctx.body = { status: await deps.events.receive(event) };
  });

  return router;
}
