import { z } from 'zod';
import { deleteMeSchema, myDataSummarySchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of privacyRoutes.ts (the resident's own personal data). */
export const privacyOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/me/data/summary',
    summary: 'How much is held about the caller (counts; not recorded as an export)',
    auth: 'citizen',
    ok: { status: 200, schema: myDataSummarySchema, description: 'counts for the 个人信息 page' },
  },
  {
    method: 'get',
    path: '/api/v1/me/data',
    summary: 'Everything held about the caller (download with ?download=1); recorded as resident.data_export',
    auth: 'citizen',
    query: z.object({ download: z.string().optional() }),
    ok: { status: 200, schema: z.object({ exportedAt: z.string() }).passthrough(), description: 'account, reports, phone numbers, photos, subscriptions, follows' },
  },
  {
    method: 'delete',
    path: '/api/v1/me',
    summary: 'Delete the caller\'s personal data and account; reports stay, anonymised',
    auth: 'citizen',
    body: deleteMeSchema,
    ok: { status: 200, schema: z.object({ deleted: z.boolean() }).passthrough(), description: 'what was removed' },
    // Not fuzzed: it deletes the fuzzer's own account (every later call would be a 401). privacy tests cover it.
    fuzz: false,
  },
];
