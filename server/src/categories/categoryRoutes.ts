import Router from '@koa/router';
import { createCategorySchema, mergeCategorySchema, updateCategorySchema } from '@ssp/shared';
import type { AppState } from '../http/context';
import { allow, bodyOf, parse, publicRoute } from '../http/middleware';
import type { AuditService } from '../audit/auditService';
import type { TokenService } from '../auth/tokens';
import type { CategoryService } from './categoryService';

export function categoryRoutes(deps: { categories: CategoryService; tokens: TokenService; audit: AuditService }) {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  // Everyone on staff reads the tree (search filters, triage); category admins change it.
  const staff = allow(deps.tokens, 'category_admin', 'operator', 'analyst');
  const editors = allow(deps.tokens, 'category_admin');
  const who = (ctx: { state: AppState }) => ctx.state.user!.id;
  /** Only the fields a change touched, before and after. */
  const diff = (before: Record<string, unknown>, after: Record<string, unknown>, keys: string[]) => ({
    before: Object.fromEntries(keys.map((k) => [k, before[k]])),
    after: Object.fromEntries(keys.map((k) => [k, after[k]])),
  });

  /** Public tree of enabled categories; the version is the ETag, so clients revalidate cheaply. */
  router.get('/categories', publicRoute(), async (ctx) => {
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

  router.get('/admin/categories', staff, async (ctx) => {
    ctx.body = await deps.categories.tree(true);
  });

  router.post('/admin/categories', editors, async (ctx) => {
    const input = parse(createCategorySchema, bodyOf(ctx));
    const created = await deps.categories.create(input, who(ctx));
    await deps.audit.record(ctx, 'category.create', { type: 'category', id: created.code, label: created.name }, { after: created });
    ctx.status = 201;
    ctx.body = created;
  });

  router.patch('/admin/categories/:code', editors, async (ctx) => {
    const patch = parse(updateCategorySchema, bodyOf(ctx));
    const before = await deps.categories.get(ctx.params.code);
    const after = await deps.categories.update(ctx.params.code, patch, who(ctx));
    await deps.audit.record(ctx, 'category.update', { type: 'category', id: after.code, label: after.name }, diff(before as never, after as never, Object.keys(patch)));
    ctx.body = after;
  });

  router.post('/admin/categories/:code/merge', editors, async (ctx) => {
    const { into } = parse(mergeCategorySchema, bodyOf(ctx));
    const before = await deps.categories.get(ctx.params.code);
    const result = await deps.categories.merge(ctx.params.code, into, who(ctx));
    await deps.audit.record(ctx, 'category.merge', { type: 'category', id: before.code, label: before.name }, { into, moved: result.moved, before: { enabled: before.enabled, mergedInto: before.mergedInto }, after: { enabled: false, mergedInto: into } });
    ctx.body = result;
  });

  router.delete('/admin/categories/:code', editors, async (ctx) => {
    const before = await deps.categories.get(ctx.params.code);
    await deps.categories.remove(ctx.params.code, who(ctx));
    await deps.audit.record(ctx, 'category.delete', { type: 'category', id: before.code, label: before.name }, { before });
    ctx.status = 204;
  });

  return router;
}
