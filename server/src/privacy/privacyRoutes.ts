import Router from '@koa/router';
import { deleteMeSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole, type TokenVerifier } from '../http/middleware';
import type { PrivacyService } from './privacyService';
import { recordResidentAudit } from './residentAudit';

export function privacyRoutes(deps: { privacy: PrivacyService; tokens: TokenVerifier }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');

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
