import { z } from 'zod';
import { createReportSchema, descriptionPublicSchema, joinSchema, itemsSchema, nearbyCategorySchema, mergeResultSchema, mergeSchema, pageSchema, reportViewSchema, similarQuerySchema, similarTicketSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of reportRoutes.ts (keep in step with it; openapi.test.ts checks). */
export const reportOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/reports/similar',
    summary: '附近已有人反映: open tickets like the one about to be filed',
    auth: 'citizen',
    body: similarQuerySchema,
    rateLimited: true,
    ok: { status: 200, schema: itemsSchema(similarTicketSchema), description: 'offers, most similar first' },
  },
  {
    method: 'post',
    path: '/api/v1/reports/:id/join',
    summary: 'Join (+1) an open ticket instead of filing a duplicate, with the offer /reports/similar gave',
    auth: 'citizen',
    body: joinSchema,
    rateLimited: true,
    ok: { status: 200, schema: reportViewSchema, description: 'the ticket as a follower sees it' },
    errors: { 404: ['REPORT_NOT_FOUND'], 409: ['NOT_A_DUPLICATE_TARGET'] },
  },
  {
    method: 'post',
    path: '/api/v1/admin/reports/:id/description-public',
    summary: 'Staff decide whether neighbours may read the description (offers, follower view)',
    auth: 'admin',
    body: descriptionPublicSchema,
    ok: { status: 200, schema: reportViewSchema, description: 'the ticket as staff see it' },
    errors: { 404: ['REPORT_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/v1/me/following',
    summary: 'Tickets the resident joined',
    auth: 'citizen',
    ok: { status: 200, schema: itemsSchema(reportViewSchema), description: 'followed tickets' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/reports/:id/merge',
    summary: 'Merge a duplicate ticket into another',
    auth: 'admin',
    body: mergeSchema,
    ok: { status: 200, schema: mergeResultSchema, description: 'both tickets after the merge' },
    errors: { 404: ['REPORT_NOT_FOUND'], 409: ['MERGE_INVALID'] },
  },
  {
    method: 'post',
    path: '/api/v1/reports',
    summary: 'File a report (complaint or snap); retried safely with the same Idempotency-Key',
    auth: 'citizen',
    headers: z.object({ 'Idempotency-Key': z.string().uuid().describe('a UUID chosen by the client once per report') }),
    body: createReportSchema,
    rateLimited: true,
    ok: {
      status: 201,
      schema: reportViewSchema,
      description: 'stored (also when replayed: header Idempotent-Replayed: true)',
      links: Object.fromEntries(
        ['get /api/v1/reports/:id', ...['withdraw', 'urge', 'supplement', 'rate', 'reopen'].map((a) => `post /api/v1/reports/:id/${a}`)].map((operation) => [
          operation.split('/').pop() === ':id' ? 'detail' : operation.split('/').pop()!,
          { operation, parameters: { id: '$response.body#/id' } },
        ]),
      ),
    },
    errors: { 400: ['IDEMPOTENCY_KEY_INVALID', 'MEDIA_NOT_OWNED', 'CATEGORY_NOT_FOUND', 'CATEGORY_DISABLED', 'ZONE_NOT_ACTIVE'], 409: ['IDEMPOTENCY_KEY_REUSED'] },
  },
  {
    method: 'get',
    path: '/api/v1/me/reports',
    summary: "The resident's own reports, newest first",
    auth: 'citizen',
    query: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(50).optional() }),
    ok: { status: 200, schema: pageSchema(reportViewSchema), description: 'one page' },
  },
  {
    method: 'get',
    path: '/api/v1/reports/:id',
    summary: 'One ticket (its reporter, a follower, or staff)',
    auth: 'user',
    ok: { status: 200, schema: reportViewSchema, description: 'the ticket' },
    errors: { 404: ['REPORT_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/api/v1/categories/nearby',
    summary: 'What residents report most around a point lately (quick chips)',
    auth: 'user',
    query: z.object({ lat: z.number().optional(), lng: z.number().optional(), coordSystem: z.enum(['gcj02', 'wgs84']).optional() }),
    rateLimited: true,
    ok: { status: 200, schema: itemsSchema(nearbyCategorySchema), description: 'categories, most reported first' },
  },
];
