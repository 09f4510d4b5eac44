import { z } from 'zod';
import { markReadSchema, messageTemplatesViewSchema, messageViewSchema, pageSchema, subscriptionResultSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of notificationRoutes.ts. */
export const notificationOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/notifications/templates',
    summary: 'WeChat subscribe-message templates the app should ask for',
    auth: 'citizen',
    ok: { status: 200, schema: messageTemplatesViewSchema, description: 'template ids' },
  },
  {
    method: 'post',
    path: '/api/v1/me/subscriptions',
    summary: 'Record what the resident granted in wx.requestSubscribeMessage',
    auth: 'citizen',
    body: subscriptionResultSchema,
    ok: { status: 200, schema: z.object({ granted: z.number().int() }), description: 'how many grants were recorded' },
    errors: { 400: ['TEMPLATE_UNKNOWN'] },
  },
  {
    method: 'get',
    path: '/api/v1/me/messages',
    summary: 'In-app messages, newest first',
    auth: 'citizen',
    query: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(50).optional() }),
    ok: { status: 200, schema: pageSchema(messageViewSchema).extend({ unread: z.number().int() }), description: 'one page and the unread count' },
  },
  {
    method: 'get',
    path: '/api/v1/me/messages/unread',
    summary: 'Unread message count (the badge)',
    auth: 'citizen',
    ok: { status: 200, schema: z.object({ unread: z.number().int() }), description: 'count' },
  },
  {
    method: 'post',
    path: '/api/v1/me/messages/read',
    summary: 'Mark messages read (all when no ids are given)',
    auth: 'citizen',
    body: markReadSchema,
    ok: { status: 200, schema: z.object({ unread: z.number().int() }), description: 'unread count after' },
  },
];
