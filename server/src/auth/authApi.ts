import { adminLoginSchema, loginResponseSchema, wechatLoginSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of authRoutes.ts. */
export const authOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/auth/wechat-login',
    summary: 'Resident sign-in with a wx.login code',
    auth: 'public',
    body: wechatLoginSchema,
    ok: { status: 200, schema: loginResponseSchema, description: 'a resident token' },
    errors: { 401: ['WECHAT_LOGIN_FAILED'], 502: ['WECHAT_UNAVAILABLE'] },
  },
  {
    method: 'post',
    path: '/api/v1/auth/admin-login',
    summary: 'Staff sign-in',
    auth: 'public',
    body: adminLoginSchema,
    rateLimited: true,
    ok: { status: 200, schema: loginResponseSchema, description: 'a staff token' },
    errors: { 401: ['INVALID_CREDENTIALS'] },
  },
];
