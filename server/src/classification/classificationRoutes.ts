import Router from '@koa/router';
import { classifyRequestSchema } from '@ssp/shared';
import type { AppContext, AppState } from '../http/context';
import { AppError } from '../http/errors';
import { allow, bodyOf, parse, publicRoute } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import type { TokenService } from '../auth/tokens';
import type { ClassificationService } from './classificationService';

/** Fixed-window limiter per client address; enough to keep a public endpoint from being hammered. */
function rateLimit(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const now = Date.now();
    const w = windows.get(ctx.ip);
    if (!w || now - w.start >= 60_000) {
      if (windows.size > 10_000) windows.clear();
      windows.set(ctx.ip, { start: now, count: 1 });
    } else if (++w.count > perMinute) {
      ctx.set('Retry-After', String(Math.ceil((w.start + 60_000 - now) / 1000)));
      throw new AppError(429, 'RATE_LIMITED');
    }
    await next();
  };
}

export function classificationRoutes(deps: { classification: ClassificationService; tokens: TokenService; classifyPerMinute: number; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const modelAdmins = allow(deps.tokens, 'category_admin');

  /** The app calls this (debounced) while the resident types, to suggest a category. */
  router.post('/classify', publicRoute(), rateLimit(deps.classifyPerMinute), async (ctx) => {
    const { text } = parse(classifyRequestSchema, bodyOf(ctx));
    ctx.body = deps.classification.classify(text);
  });

  router.get('/admin/classifier', modelAdmins, async (ctx) => {
    ctx.body = { current: deps.classification.info(), confidenceThreshold: deps.classification.confidenceThreshold };
  });

  router.post('/admin/classifier/retrain', modelAdmins, async (ctx) => {
    const before = deps.classification.info();
    const result = await deps.classification.retrain(`requested by admin ${ctx.state.user!.id}`);
    await deps.audit.record(ctx, 'classifier.retrain', { type: 'classifier', id: 'classifier' }, { before, after: deps.classification.info() });
    ctx.body = result;
  });

  return router;
}
