import { itemsSchema, reportViewSchema, triageDecisionSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of triageRoutes.ts. */
export const triageOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/admin/triage',
    summary: 'Reports waiting for a person to pick their category',
    auth: 'admin',
    ok: { status: 200, schema: itemsSchema(reportViewSchema), description: 'the queue' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/reports/:id/category',
    summary: 'Decide the category of a report in triage; with a reason, correct the category of any report (更正分类)',
    auth: 'admin',
    body: triageDecisionSchema,
    ok: { status: 200, schema: reportViewSchema, description: 'the report, routed' },
    errors: { 400: ['CATEGORY_NOT_FOUND', 'CATEGORY_DISABLED'], 404: ['REPORT_NOT_FOUND', 'CATEGORY_NOT_FOUND'], 409: ['TRIAGE_NOT_PENDING', 'CATEGORY_CHANGED'] },
  },
];
