import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { EXPORT_MAX_ROWS, exportQuerySchema, reportSearchSchema, shanghaiDate } from '@ssp/shared';
import type { AppState } from '../http/context';
import { notFound } from '../http/errors';
import { allow, parse } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { AuditService } from '../audit/auditService';
import type { Logger } from '../log';
import type { ReportService } from './reportService';
import { exportReports } from './export';
import { searchReports } from './reportSearch';
import { Follower } from './followerModel';
import type { ReportRepository } from './reportRepository';

/** 诉求检索 (search, detail, export): every staff role reads; district scope applies everywhere. */
export function adminReportRoutes(deps: { repo: ReportRepository; reports: ReportService; audit: AuditService; tokens: TokenService; log: Logger }) {
  const router = new Router<AppState>({ prefix: '/api/v1/admin/reports' });
  const readers = allow(deps.tokens, 'category_admin', 'operator', 'analyst');

  router.get('/', readers, async (ctx) => {
    ctx.body = await searchReports(deps.repo, ctx.state.user!, parse(reportSearchSchema, ctx.query));
  });

  /** The current search as a file: streamed from a database cursor, ≤ 100,000 rows, phones masked unless the role may see them. */
  router.get('/export', readers, async (ctx) => {
    const { cursor: _c, limit: _l, ...q } = parse(reportSearchSchema, ctx.query);
    const { format } = parse(exportQuerySchema, ctx.query);
    // The parsed filters, not the raw query: unknown keys (e.g. starting with `$`) are not valid field names to store.
    await deps.audit.record(ctx, 'reports.export', { type: 'reports', id: 'search' }, { format, filters: q });
    const out = new PassThrough();
    ctx.set('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('Content-Disposition', `attachment; filename="reports-${shanghaiDate()}.${format}"`);
    ctx.body = out;
    void exportReports(deps.repo, ctx.state.user!, q, format, out, EXPORT_MAX_ROWS).catch((err) => {
      deps.log.error('export failed', { requestId: ctx.state.requestId, error: err });
      out.destroy(err);
    });
  });

  /** A report as staff see it, with its followers (count and when) and the audit entries about it. */
  router.get('/:id', readers, async (ctx) => {
    const report = await deps.reports.get(ctx.state.user!, ctx.params.id);
    if (!report) throw notFound('REPORT_NOT_FOUND');
    const followers = await Follower.find({ reportId: report.id }, { via: 1, createdAt: 1 }).sort({ createdAt: 1 }).limit(200).lean();
    ctx.body = {
      report,
      followers: followers.map((f) => ({ via: f.via, at: f.createdAt.toISOString() })),
      audit: await deps.audit.forTarget(report.id),
    };
  });

  return router;
}
