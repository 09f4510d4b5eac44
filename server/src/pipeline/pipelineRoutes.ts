import Router from '@koa/router';
import { pipelineEventSchema } from '@ssp/shared';
import type { AppContext, AppState } from '../http/context';
import { AppError } from '../http/errors';
import { allow, bodyOf, parse, publicRoute } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import { inScope, reportVisibleTo } from '../reports/reportSearch';
import type { TokenService } from '../auth/tokens';
import type { ReportRepository } from '../reports/reportRepository';
import { presentReport } from '../reports/reportPresenter';
import type { MediaSigner } from '../media/mediaSigner';
import type { Dispatcher } from './dispatcher';
import type { createPipelineEvents } from './pipelineEvents';
import { verify } from './signature';

export function pipelineRoutes(deps: {
  repo: ReportRepository;
  tokens: TokenService;
  signer: MediaSigner;
  dispatcher: Dispatcher | null;
  events: ReturnType<typeof createPipelineEvents>;
  pipelineSecret: string | null;
  audit: AuditService;
}) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const operator = allow(deps.tokens, 'operator');
  const me = (ctx: AppContext) => ctx.state.user!;

  router.get('/admin/deliveries', operator, async (ctx) => {
    const state = ctx.query.state === 'pending' ? 'pending' : 'dead';
    const docs = await deps.repo.listByDeliveryState(state, 200);
    ctx.body = { items: docs.filter((d) => inScope(me(ctx), d)).map((d) => presentReport(d, deps.signer, { forStaff: true })) };
  });
  router.post('/admin/deliveries/:id/retry', operator, async (ctx) => {
    if (!(await reportVisibleTo(deps.repo, me(ctx), ctx.params.id))) throw new AppError(404, 'REPORT_NOT_FOUND');
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
