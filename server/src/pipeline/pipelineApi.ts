import { z } from 'zod';
import { itemsSchema, okSchema, pipelineEventSchema, reportViewSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of pipelineRoutes.ts. */
export const pipelineOperations: ApiOperation[] = [
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
    errors: { 404: ['REPORT_NOT_FOUND'], 409: ['DELIVERY_NOT_DEAD'] },
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
