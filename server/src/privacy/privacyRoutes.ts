import Router from '@koa/router';
import { deleteMeSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole, type TokenVerifier } from '../http/middleware';
import type { PrivacyService } from './privacyService';
import { recordResidentAudit } from './residentAudit';

export function privacyRoutes(deps: { privacy: PrivacyService; tokens: TokenVerifier }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');

  // What 个人信息 shows when it opens: counts only, and not an export, so not in the audit trail (the resident
  // sees how much is held about them; nothing personal leaves). The data itself comes only from /me/data,
  // and every such answer is recorded as resident.data_export.
  router.get('/me/data/summary', citizen, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.privacy.summary(ctx.state.user!);
  });

  router.get('/me/data', citizen, async (ctx) => {
    const data = await deps.privacy.export(ctx.state.user!);
    await recordResidentAudit(ctx, 'resident.data_export', { reports: data.reports.length, photos: data.photos.length });
    ctx.set('Cache-Control', 'no-store');
    if (ctx.query.download === '1') ctx.set('Content-Disposition', 'attachment; filename="my-data.json"');
    ctx.body = data;
  });

  router.delete('/me', citizen, async (ctx) => {
    parse(deleteMeSchema, bodyOf(ctx));
    const removed = await deps.privacy.deleteAccount(ctx.state.user!);
    await recordResidentAudit(ctx, 'resident.delete', removed);
    ctx.body = { deleted: true, ...removed };
  });
  return router;
}
