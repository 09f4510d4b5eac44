import Router from '@koa/router';
import { auditQuerySchema, createStaffSchema, EXPORT_MAX_ROWS, updateStaffSchema, shanghaiDate } from '@ssp/shared';
import { PassThrough } from 'node:stream';
import type { AppState } from '../http/context';
import { allow, bodyOf, parse } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { AuditService } from '../audit/auditService';
import type { StaffService } from './staffService';

/** 账号与权限 and 操作日志: admins only. */
export function staffRoutes(deps: { staff: StaffService; audit: AuditService; tokens: TokenService }) {
  const router = new Router<AppState>({ prefix: '/api/v1/admin' });
  const admin = allow(deps.tokens, 'admin');

  router.get('/staff', admin, async (ctx) => {
    ctx.body = { items: await deps.staff.list() };
  });

  router.post('/staff', admin, async (ctx) => {
    const input = parse(createStaffSchema, bodyOf(ctx));
    const created = await deps.staff.create(input);
    const { initialPassword: _secret, ...after } = created;
    await deps.audit.record(ctx, 'staff.create', { type: 'staff', id: created.id, label: created.username }, { after: { displayName: after.displayName, roles: after.roles, districts: after.districts } });
    ctx.status = 201;
    ctx.body = created;
  });

  router.patch('/staff/:id', admin, async (ctx) => {
    const patch = parse(updateStaffSchema, bodyOf(ctx));
    const result = await deps.staff.update(ctx.params.id, patch);
    await deps.audit.record(ctx, 'staff.update', { type: 'staff', id: result.after.id, label: result.after.username }, result.summary);
    ctx.body = { ...result.after, ...(result.initialPassword ? { initialPassword: result.initialPassword } : {}) };
  });

  router.get('/audit', admin, async (ctx) => {
    ctx.body = await deps.audit.list(parse(auditQuerySchema, ctx.query));
  });

  router.get('/audit/export', admin, async (ctx) => {
    const { cursor: _c, limit: _l, ...q } = parse(auditQuerySchema, ctx.query);
    await deps.audit.record(ctx, 'audit.export', { type: 'audit', id: 'audit' }, { filters: ctx.query, format: 'csv' });
    const out = new PassThrough();
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="audit-${shanghaiDate()}.csv"`);
    ctx.body = out;
    void deps.audit.exportCsv(q, out, EXPORT_MAX_ROWS).catch((err) => out.destroy(err));
  });

  return router;
}
