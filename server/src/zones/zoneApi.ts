import { z } from 'zod';
import { createZoneSchema, updateZoneSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

const zone = z.object({ id: z.string(), title: z.string(), banner: z.string(), categoryCodes: z.array(z.string()), questions: z.array(z.any()) }).passthrough();

/** The OpenAPI operations of zoneRoutes.ts (专区). */
export const zoneOperations: ApiOperation[] = [
  { method: 'get', path: '/api/v1/zones', summary: 'Active 专区 for the home page', auth: 'public', ok: { status: 200, schema: z.object({ items: z.array(zone) }), description: 'active zones' } },
  { method: 'get', path: '/api/v1/admin/zones', summary: 'All 专区 (staff)', auth: 'admin', ok: { status: 200, schema: z.object({ items: z.array(zone) }), description: 'every zone, newest first' } },
  { method: 'post', path: '/api/v1/admin/zones', summary: 'Open a 专区', auth: 'admin', body: createZoneSchema, ok: { status: 201, schema: zone, description: 'the zone' } },
  { method: 'patch', path: '/api/v1/admin/zones/:id', summary: 'Edit or close a 专区 (reports already filed keep theirs)', auth: 'admin', body: updateZoneSchema, ok: { status: 200, schema: zone, description: 'the zone' }, errors: { 404: ['NOT_FOUND'] } },
];
