import { z } from 'zod';
import { categoryNodeSchema, categoryTreeViewSchema, createCategorySchema, mergeCategorySchema, updateCategorySchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** The OpenAPI operations of categoryRoutes.ts. */
export const categoryOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/v1/categories',
    summary: 'Enabled categories as a tree; ETag is the taxonomy version',
    auth: 'public',
    headers: z.object({ 'If-None-Match': z.string().optional() }),
    ok: { status: 200, schema: categoryTreeViewSchema, description: 'the tree' },
    otherResponses: { 304: 'unchanged since the ETag sent' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/categories',
    summary: 'All categories, disabled and merged ones included',
    auth: 'admin',
    ok: { status: 200, schema: categoryTreeViewSchema, description: 'the full tree' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/categories',
    summary: 'Add a category',
    auth: 'admin',
    body: createCategorySchema,
    ok: {
      status: 201,
      schema: categoryNodeSchema,
      description: 'the new category',
      links: {
        update: { operation: 'patch /api/v1/admin/categories/:code', parameters: { code: '$response.body#/code' } },
        merge: { operation: 'post /api/v1/admin/categories/:code/merge', parameters: { code: '$response.body#/code' } },
        remove: { operation: 'delete /api/v1/admin/categories/:code', parameters: { code: '$response.body#/code' } },
      },
    },
    errors: { 400: ['CATEGORY_PARENT_INVALID'], 409: ['CATEGORY_CODE_TAKEN'] },
  },
  {
    method: 'patch',
    path: '/api/v1/admin/categories/:code',
    summary: 'Change a category (name, keywords, department, deadlines, enabled…)',
    auth: 'admin',
    body: updateCategorySchema,
    ok: { status: 200, schema: categoryNodeSchema, description: 'the category after the change' },
    errors: { 404: ['CATEGORY_NOT_FOUND'], 409: ['CATEGORY_HAS_ENABLED_CHILDREN'] },
  },
  {
    method: 'post',
    path: '/api/v1/admin/categories/:code/merge',
    summary: 'Merge a category into a sibling',
    auth: 'admin',
    body: mergeCategorySchema,
    ok: { status: 200, schema: categoryNodeSchema, description: 'the merged category' },
    errors: { 400: ['CATEGORY_MERGE_INVALID'], 404: ['CATEGORY_NOT_FOUND'] },
  },
  {
    method: 'delete',
    path: '/api/v1/admin/categories/:code',
    summary: 'Delete an unused category',
    auth: 'admin',
    ok: { status: 204, description: 'deleted' },
    errors: { 404: ['CATEGORY_NOT_FOUND'], 409: ['CATEGORY_IN_USE'] },
  },
];
