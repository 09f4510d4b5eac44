import { z } from 'zod';
import { rateSchema, reopenSchema, reportViewSchema, staffTransitionSchema, supplementSchema, urgeSchema, withdrawSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

const followUp = (action: string, summary: string, body: z.ZodTypeAny, errors: ApiOperation['errors']): ApiOperation => ({
  method: 'post',
  path: `/api/v1/reports/:id/${action}`,
  summary,
  auth: 'citizen',
  body,
  rateLimited: true,
  ok: { status: 200, schema: reportViewSchema, description: 'the ticket after the follow-up' },
  errors: { 404: ['REPORT_NOT_FOUND'], ...errors },
});

/** The OpenAPI operations of ticketRoutes.ts. */
export const ticketOperations: ApiOperation[] = [
  followUp('withdraw', '撤回: withdraw a ticket', withdrawSchema, { 409: ['ILLEGAL_TRANSITION'] }),
  followUp('urge', '催办: ask for speed (24 h after filing or once past the deadline, whichever is first; once per 24 h)', urgeSchema, { 429: ['URGE_TOO_EARLY', 'RATE_LIMITED'] }),
  followUp('supplement', '补充: add text or photos', supplementSchema, { 400: ['MEDIA_NOT_OWNED'], 409: ['ILLEGAL_TRANSITION'] }),
  followUp('rate', '评价: rate a resolved ticket', rateSchema, { 409: ['RATING_NOT_ALLOWED'] }),
  followUp('reopen', '重新办理: reopen within 7 days of resolution', reopenSchema, { 409: ['ILLEGAL_TRANSITION', 'REOPEN_WINDOW_CLOSED'] }),
  {
    method: 'post',
    path: '/api/v1/admin/reports/:id/transitions',
    summary: 'Move a ticket along the state machine (accept, dispatch, resolve…)',
    auth: 'admin',
    body: staffTransitionSchema,
    ok: { status: 200, schema: reportViewSchema, description: 'the ticket after the move' },
    errors: { 400: ['REASON_REQUIRED', 'REPLY_REQUIRED', 'MEDIA_NOT_OWNED'], 404: ['REPORT_NOT_FOUND'], 409: ['ILLEGAL_TRANSITION'] },
  },
];
