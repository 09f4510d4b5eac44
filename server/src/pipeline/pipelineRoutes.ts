import Router from '@koa/router';
import { pipelineEventSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { AppError } from '../http/errors';
import { bodyOf, parse, requireRole } from '../http/middleware';
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
}) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(deps.tokens, 'admin');

  router.get('/admin/deliveries', admin, async (ctx) => {
    const state = ctx.query.state === 'pending' ? 'pending' : 'dead';
    const docs = await deps.repo.listByDeliveryState(state, 200);
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
