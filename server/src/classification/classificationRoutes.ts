import Router from '@koa/router';
import { classifyRequestSchema, keywordImpactSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import type { RateLimits } from '../http/rateLimits';
import { allow, bodyOf, parse, publicRoute } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import type { TokenService } from '../auth/tokens';
import type { ClassificationService } from './classificationService';
import type { CategoryFiguresService } from './categoryFigures';

export function classificationRoutes(deps: { classification: ClassificationService; figures: CategoryFiguresService; tokens: TokenService; limits: RateLimits; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const modelAdmins = allow(deps.tokens, 'category_admin');

  /** The app calls this (debounced) while the resident types, to suggest a category. */
  // Public: limited per client address (ctx.ip, which believes X-Forwarded-For only from TRUST_PROXY's proxies).
  router.post('/classify', publicRoute(), deps.limits.guard('classify', (ctx) => ctx.ip), async (ctx) => {
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

  /** 分类管理: open reports, last 30 days and training examples per category. */
  router.get('/admin/categories/figures', modelAdmins, async (ctx) => {
    ctx.body = await deps.figures.figures();
  });

  /** 分类管理: what an edit of this category's keywords would do to the last 1,000 reports (nothing is saved, so nothing is audited). */
  router.post('/admin/categories/:code/keyword-impact', modelAdmins, async (ctx) => {
    const edit = parse(keywordImpactSchema, bodyOf(ctx));
    ctx.body = await deps.figures.keywordImpact(ctx.params.code, edit);
  });

  return router;
}
