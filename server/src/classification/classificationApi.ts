import { classificationViewSchema, classifierStatusSchema, classifyRequestSchema, itemsSchema, reportViewSchema, retrainResultSchema, triageDecisionSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of classificationRoutes.ts. */
export const classificationOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/classify',
    summary: 'Suggest a category for a description (called while the resident types)',
    auth: 'public',
    body: classifyRequestSchema,
    rateLimited: true,
    ok: { status: 200, schema: classificationViewSchema, description: 'top categories with probabilities' },
    errors: { 503: ['CLASSIFIER_BUSY'] },
  },
  {
    method: 'get',
    path: '/api/v1/admin/classifier',
    summary: 'The live model and the triage threshold',
    auth: 'admin',
    ok: { status: 200, schema: classifierStatusSchema, description: 'model info' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/classifier/retrain',
    summary: 'Retrain the classifier now',
    auth: 'admin',
    ok: { status: 200, schema: retrainResultSchema, description: 'the model before and after' },
    errors: { 409: ['CLASSIFIER_BUSY'] },
  },
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
    summary: 'Confirm or correct the category of a report in triage',
    auth: 'admin',
    body: triageDecisionSchema,
    ok: { status: 200, schema: reportViewSchema, description: 'the report, routed' },
    errors: { 400: ['CATEGORY_NOT_FOUND', 'CATEGORY_DISABLED'], 404: ['REPORT_NOT_FOUND', 'CATEGORY_NOT_FOUND'], 409: ['TRIAGE_NOT_PENDING'] },
  },
];
