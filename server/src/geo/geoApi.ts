import { z } from 'zod';
import { reversePlaceSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of geoRoutes.ts. */
export const geoOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/geo/reverse',
    summary: 'Address and district for a point (fills the location card)',
    auth: 'user',
    query: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), coordSystem: z.enum(['gcj02', 'wgs84']).optional() }),
    rateLimited: true,
    ok: { status: 200, schema: reversePlaceSchema, description: 'the place' },
  },
];
