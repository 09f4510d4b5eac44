import { z } from 'zod';
import {
  itemsSchema,
  okSchema,
  pipelineEventSchema,
  rateSchema,
  reopenSchema,
  reportViewSchema,
  staffTransitionSchema,
  supplementSchema,
  urgeSchema,
  withdrawSchema,
} from '@ssp/shared';
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

/** The OpenAPI operations of pipelineRoutes.ts. */
export const pipelineOperations: ApiOperation[] = [
  followUp('withdraw', '撤回: withdraw a ticket', withdrawSchema, { 409: ['ILLEGAL_TRANSITION'] }),
  followUp('urge', '催办: ask for speed (24 h after filing, once per 24 h)', urgeSchema, { 429: ['URGE_TOO_EARLY', 'RATE_LIMITED'] }),
  followUp('supplement', '补充: add text or photos', supplementSchema, { 400: ['MEDIA_NOT_OWNED'], 409: ['ILLEGAL_TRANSITION'] }),
  followUp('rate', '评价: rate a resolved ticket', rateSchema, { 409: ['RATING_NOT_ALLOWED'] }),
  followUp('reopen', '重新办理: reopen within 7 days of resolution', reopenSchema, { 409: ['ILLEGAL_TRANSITION', 'REOPEN_WINDOW_CLOSED'] }),
  {
    method: 'get',
    path: '/api/v1/admin/reports',
    summary: 'Open tickets for the staff console (local connector)',
    auth: 'admin',
    query: z.object({ status: z.string().optional().describe('comma-separated statuses'), overdue: z.enum(['1']).optional() }),
    ok: { status: 200, schema: itemsSchema(reportViewSchema), description: 'up to 100 tickets, newest first' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/reports/:id/transitions',
    summary: 'Move a ticket along the state machine (accept, dispatch, resolve…)',
    auth: 'admin',
    body: staffTransitionSchema,
    ok: { status: 200, schema: reportViewSchema, description: 'the ticket after the move' },
    errors: { 400: ['REASON_REQUIRED', 'REPLY_REQUIRED', 'MEDIA_NOT_OWNED'], 404: ['REPORT_NOT_FOUND'], 409: ['ILLEGAL_TRANSITION'] },
  },
  {
    method: 'get',
    path: '/api/v1/admin/deliveries',
    summary: 'Deliveries to the city pipeline: dead letters (default) or pending',
    auth: 'admin',
    query: z.object({ state: z.enum(['pending', 'dead']).optional() }),
    ok: { status: 200, schema: itemsSchema(reportViewSchema), description: 'up to 200 tickets, oldest first' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/deliveries/:id/retry',
    summary: 'Send a dead-lettered delivery again',
    auth: 'admin',
    ok: { status: 200, schema: okSchema, description: 'queued' },
    errors: { 409: ['DELIVERY_NOT_DEAD'] },
  },
  {
    method: 'post',
    path: '/api/v1/pipeline/events',
    summary: "Status events from the city's ticket system (signed; 404 when no PIPELINE_SECRET is set)",
    auth: 'signature',
    headers: z.object({ 'X-Pipeline-Timestamp': z.string().describe('unix seconds'), 'X-Pipeline-Signature': z.string() }),
    body: pipelineEventSchema,
    ok: { status: 200, schema: z.object({ status: z.string() }), description: 'applied, duplicate or out of order' },
    errors: { 401: ['PIPELINE_SIGNATURE_INVALID', 'PIPELINE_TIMESTAMP_STALE'], 404: ['NOT_FOUND', 'REPORT_NOT_FOUND'], 409: ['ILLEGAL_TRANSITION'] },
  },
];
