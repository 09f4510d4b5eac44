import Router from '@koa/router';
import { createCategorySchema, mergeCategorySchema, updateCategorySchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { bodyOf, parse, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { CategoryService } from './categoryService';

export function categoryRoutes(deps: { categories: CategoryService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(deps.tokens, 'admin');

  /** Public tree of enabled categories; the version is the ETag, so clients revalidate cheaply. */
  router.get('/categories', async (ctx) => {
    const tree = await deps.categories.tree(false);
    const etag = `"taxonomy-${tree.version}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=60');
    if (ctx.get('If-None-Match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.body = tree;
  });

  router.get('/admin/categories', admin, async (ctx) => {
    ctx.body = await deps.categories.tree(true);
  });

  router.post('/admin/categories', admin, async (ctx) => {
    const input = parse(createCategorySchema, bodyOf(ctx));
    ctx.status = 201;
    ctx.body = await deps.categories.create(input, ctx.state.user!.id);
  });

  router.patch('/admin/categories/:code', admin, async (ctx) => {
    const patch = parse(updateCategorySchema, bodyOf(ctx));
    ctx.body = await deps.categories.update(ctx.params.code, patch, ctx.state.user!.id);
  });

  router.post('/admin/categories/:code/merge', admin, async (ctx) => {
    const { into } = parse(mergeCategorySchema, bodyOf(ctx));
    ctx.body = await deps.categories.merge(ctx.params.code, into, ctx.state.user!.id);
  });

  router.delete('/admin/categories/:code', admin, async (ctx) => {
    await deps.categories.remove(ctx.params.code, ctx.state.user!.id);
    ctx.status = 204;
  });

  return router;
}
