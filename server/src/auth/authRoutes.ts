import Router from '@koa/router';
import { adminLoginSchema, wechatLoginSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse } from '../http/middleware';
import type { AuthService } from './authService';

export function authRoutes(auth: AuthService) {
  const router = new Router<AppState>({ prefix: '/api/v1/auth' });

  router.post('/wechat-login', async (ctx) => {
    const { code } = parse(wechatLoginSchema, bodyOf(ctx));
    ctx.body = await auth.loginWithWechat(code);
  });

  router.post('/admin-login', async (ctx) => {
    const { username, password } = parse(adminLoginSchema, bodyOf(ctx));
    ctx.body = await auth.loginAdmin(username, password);
  });

  return router;
}
