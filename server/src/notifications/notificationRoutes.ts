import Router from '@koa/router';
import { markReadSchema, subscriptionResultSchema } from '@ssp/shared';
import type { TokenService } from '../auth/tokens';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { NotificationService } from './notificationService';
import { languageOf } from '../http/language';

export function notificationRoutes(deps: { notifications: NotificationService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const citizen = requireRole(deps.tokens, 'citizen');

  router.get('/notifications/templates', citizen, (ctx) => {
    ctx.body = deps.notifications.templates();
  });
  router.post('/me/subscriptions', citizen, async (ctx) => {
    ctx.body = await deps.notifications.recordSubscriptions(ctx.state.user!, parse(subscriptionResultSchema, bodyOf(ctx)));
  });
  router.get('/me/messages', citizen, async (ctx) => {
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    ctx.body = await deps.notifications.list(ctx.state.user!, cursor, Number(ctx.query.limit) || 20, languageOf(ctx.get('Accept-Language')));
  });
  router.get('/me/messages/unread', citizen, async (ctx) => {
    ctx.body = { unread: await deps.notifications.unread(ctx.state.user!) };
  });
  router.post('/me/messages/read', citizen, async (ctx) => {
    ctx.body = await deps.notifications.markRead(ctx.state.user!, parse(markReadSchema, bodyOf(ctx) ?? {}).ids);
  });
  return router;
}
