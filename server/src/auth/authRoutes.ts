import Router from '@koa/router';
import { adminLoginSchema, changePasswordSchema, wechatLoginSchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse, publicRoute, signedIn } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import type { AuthService } from './authService';
import type { TokenService } from './tokens';

export function authRoutes(auth: AuthService, deps: { tokens: TokenService; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1/auth' });
  router.post('/wechat-login', publicRoute(), async (ctx) => {
    const { code } = parse(wechatLoginSchema, bodyOf(ctx));
    ctx.body = await auth.loginWithWechat(code);
  });
  router.post('/admin-login', publicRoute(), async (ctx) => {
    const { username, password } = parse(adminLoginSchema, bodyOf(ctx));
    ctx.body = await auth.loginAdmin(username, password, ctx.ip);
  });
  /** Ends every session of the signed-in account (residents and staff alike). */
  router.post('/logout', signedIn(deps.tokens), async (ctx) => {
    await auth.logout(ctx.state.user!.id);
    ctx.status = 204;
  });
  router.post('/password', signedIn(deps.tokens, { citizens: false }), async (ctx) => {
    const { current, next } = parse(changePasswordSchema, bodyOf(ctx));
    const result = await auth.changePassword(ctx.state.user!, current, next, ctx.ip);
    await deps.audit.record(ctx, 'staff.password', { type: 'staff', id: ctx.state.user!.id, label: ctx.state.user!.name }, {});
    ctx.body = result;
  });
  return router;
}
