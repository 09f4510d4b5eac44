import { classificationViewSchema, classifierStatusSchema, classifyRequestSchema, retrainResultSchema } from '@ssp/shared';
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
];
