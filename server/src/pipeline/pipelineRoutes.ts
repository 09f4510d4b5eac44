import Router from '@koa/router';
import { pipelineEventSchema, rateSchema, reopenSchema, staffTransitionSchema, supplementSchema, urgeSchema, withdrawSchema } from '@ssp/shared';
import type { AppContext, AppState } from '../http/context';
import { AppError } from '../http/errors';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { TicketService } from '../reports/ticketService';
import { Report, type ReportDoc } from '../reports/reportModel';
import { presentReport } from '../reports/reportPresenter';
import type { MediaSigner } from '../media/mediaSigner';
import type { Dispatcher } from './dispatcher';
import type { createPipelineEvents } from './pipelineEvents';
import { verify } from './signature';
import type { RateLimits } from '../http/rateLimits';

export function pipelineRoutes(deps: {
  tickets: TicketService;
  tokens: TokenService;
  signer: MediaSigner;
  dispatcher: Dispatcher | null;
  events: ReturnType<typeof createPipelineEvents>;
  pipelineSecret: string | null;
  limits: RateLimits;
}) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');
  const admin = requireRole(deps.tokens, 'admin');
  const me = (ctx: AppContext) => ctx.state.user!;
  // Every follow-up is forwarded to the city's pipeline: per resident and ticket, so one ticket cannot be flooded.
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

  // Staff console: the `local` connector's pipeline.
  router.get('/admin/reports', admin, async (ctx) => {
    const status = typeof ctx.query.status === 'string' ? ctx.query.status.split(',') : ['submitted', 'accepted', 'dispatched', 'in_progress', 'returned', 'reopened'];
    const filter: Record<string, unknown> = { status: { $in: status } };
    if (ctx.query.overdue === '1') filter.overdueAt = { $ne: null };
    const docs = await Report.find(filter).sort({ createdAt: -1 }).limit(100).lean<ReportDoc[]>();
    ctx.body = { items: docs.map((d) => presentReport(d, deps.signer, { forStaff: true })) };
  });
  router.post('/admin/reports/:id/transitions', admin, async (ctx) => {
    ctx.body = await deps.tickets.staffTransition(me(ctx), ctx.params.id, parse(staffTransitionSchema, bodyOf(ctx)));
  });
  router.get('/admin/deliveries', admin, async (ctx) => {
    const state = ctx.query.state === 'pending' ? 'pending' : 'dead';
    const docs = await Report.find({ 'delivery.state': state }).sort({ createdAt: 1 }).limit(200).lean<ReportDoc[]>();
    ctx.body = { items: docs.map((d) => presentReport(d, deps.signer, { forStaff: true })) };
  });
  router.post('/admin/deliveries/:id/retry', admin, async (ctx) => {
    if (!deps.dispatcher || !(await deps.dispatcher.retry(ctx.params.id))) throw new AppError(409, 'DELIVERY_NOT_DEAD');
    ctx.body = { ok: true };
  });

  /** Status updates from the city's ticket system: signed, fresh, each event once, in sequence order. */
  router.post('/pipeline/events', async (ctx) => {
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
