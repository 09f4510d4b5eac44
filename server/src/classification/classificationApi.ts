import { categoryFiguresViewSchema, classificationViewSchema, classifierStatusSchema, classifyRequestSchema, keywordImpactSchema, keywordImpactViewSchema, retrainResultSchema } from '@ssp/shared';
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
    // Trains a model (seconds of CPU each call): fuzzing it only measures the machine. classifier tests cover it.
    fuzz: false,
  },
  {
    method: 'get',
    path: '/api/v1/admin/categories/figures',
    summary: '分类管理: open reports, reports in the last 30 days and training examples per category',
    auth: 'admin',
    ok: { status: 200, schema: categoryFiguresViewSchema, description: 'one row per category, first-level rows summing their children' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/categories/:code/keyword-impact',
    summary: 'Re-classify the last 1,000 reports with edited keywords and count those whose category would change (saves nothing)',
    auth: 'admin',
    body: keywordImpactSchema,
    ok: { status: 200, schema: keywordImpactViewSchema, description: 'how many reports would move, with examples' },
    errors: { 404: ['CATEGORY_NOT_FOUND'], 503: ['CLASSIFIER_BUSY'] },
  },
];
