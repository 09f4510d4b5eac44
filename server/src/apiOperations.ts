import { z } from 'zod';
import { healthSchema } from '@ssp/shared';
import { authOperations } from './auth/authApi';
import { categoryOperations } from './categories/categoryApi';
import { classificationOperations } from './classification/classificationApi';
import { geoOperations } from './geo/geoApi';
import { insightOperations } from './insight/insightApi';
import { mediaOperations } from './media/mediaApi';
import { metricsOperations } from './metrics/metricsRoutes';
import { notificationOperations } from './notifications/notificationApi';
import { pipelineOperations } from './pipeline/pipelineApi';
import { reportOperations } from './reports/reportApi';
import { ticketOperations } from './reports/ticketApi';
import { triageOperations } from './reports/triageApi';
import { staffOperations } from './staff/staffApi';
import type { ApiOperation } from './http/openapi';
import { zoneOperations } from './zones/zoneApi';
import { privacyOperations } from './privacy/privacyApi';

/** Health checks and the document itself (routes in app.ts). */
export const systemOperations: ApiOperation[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', auth: 'public', ok: { status: 200, schema: healthSchema, description: 'the process answers' } },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database answers',
    auth: 'public',
    ok: { status: 200, schema: healthSchema, description: 'ready' },
    otherResponses: { 503: 'database down or shutting down' },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    auth: 'public',
    ok: { status: 200, schema: z.object({ openapi: z.string() }), description: 'OpenAPI 3.1' },
  },
];

/**
 * Every operation of the API, by domain. A new route is documented by adding
 * an operation to its domain's list (or a new domain's list here);
 * openapi.test.ts fails while a registered route has none.
 */
export const apiOperations: ApiOperation[] = [
  ...systemOperations,
  ...metricsOperations,
  ...authOperations,
  ...mediaOperations,
  ...reportOperations,
  ...ticketOperations,
  ...triageOperations,
  ...geoOperations,
  ...categoryOperations,
  ...classificationOperations,
  ...pipelineOperations,
  ...notificationOperations,
  ...insightOperations,
  ...zoneOperations,
  ...privacyOperations,
  ...staffOperations,
];
