import { z } from 'zod';
import { mediaViewSchema } from '@ssp/shared';
import { binary, type ApiOperation } from '../http/openapi';

/** The OpenAPI operations of mediaRoutes.ts. */
export const mediaOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/media',
    summary: 'Upload one photo (JPEG, PNG or WebP, ≤ 10 MB); metadata is stripped',
    auth: 'user',
    multipart: z.object({ file: binary() }),
    rateLimited: true,
    ok: { status: 201, schema: mediaViewSchema, description: 'stored photo with signed links' },
    errors: { 400: ['MEDIA_MISSING_FILE', 'MEDIA_CORRUPT'], 413: ['MEDIA_TOO_LARGE'], 415: ['MEDIA_UNSUPPORTED_TYPE'] },
  },
  {
    method: 'get',
    path: '/api/v1/media/:id',
    summary: 'A photo: by signed link (exp + sig) or with the owner’s/staff bearer token',
    auth: 'public',
    query: z.object({ size: z.enum(['original', 'preview']).optional(), exp: z.string().optional(), sig: z.string().optional() }),
    ok: { status: 200, schema: binary(), contentType: 'image/*', description: 'the image bytes' },
    errors: { 401: ['UNAUTHENTICATED', 'TOKEN_EXPIRED'], 404: ['MEDIA_NOT_FOUND'] },
  },
];
