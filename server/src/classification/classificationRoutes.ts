import Router from '@koa/router';
import { classifyRequestSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import type { RateLimits } from '../http/rateLimits';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { ClassificationService } from './classificationService';

export function classificationRoutes(deps: { classification: ClassificationService; tokens: TokenService; limits: RateLimits }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(deps.tokens, 'admin');

  /** The app calls this (debounced) while the resident types, to suggest a category. */
  // Public: limited per client address (ctx.ip, which believes X-Forwarded-For only from TRUST_PROXY's proxies).
  router.post('/classify', deps.limits.guard('classify', (ctx) => ctx.ip), async (ctx) => {
    const { text } = parse(classifyRequestSchema, bodyOf(ctx));
    ctx.body = deps.classification.classify(text);
  });

  router.get('/admin/classifier', admin, async (ctx) => {
    ctx.body = { current: deps.classification.info(), confidenceThreshold: deps.classification.confidenceThreshold };
  });

  router.post('/admin/classifier/retrain', admin, async (ctx) => {
    ctx.body = await deps.classification.retrain(`requested by admin ${ctx.state.user!.id}`);
  });

  return router;
}
