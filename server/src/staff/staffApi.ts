import { z } from 'zod';
import { changePasswordSchema, createStaffSchema, itemsSchema, loginResponseSchema, reportViewSchema, updateStaffSchema } from '@ssp/shared';
import type { ApiOperation } from '../http/openapi';

/** OpenAPI operations of the staff side: sign-out/password (authRoutes), accounts and audit (staffRoutes), 诉求检索 (adminReportRoutes). */
const staffAccount = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), roles: z.array(z.string()), districts: z.array(z.string()),
  disabled: z.boolean(), mustChangePassword: z.boolean(), lastLoginAt: z.string().nullable(), createdAt: z.string(),
});
const auditEntry = z.object({
  id: z.string(), at: z.string(), actor: z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) }), action: z.string(),
  target: z.object({ type: z.string(), id: z.string(), label: z.string().optional() }), summary: z.record(z.unknown()), ip: z.string(), requestId: z.string(),
});
const row = z.object({
  id: z.string(), ticketNo: z.string(), kind: z.enum(['complaint', 'snap']), status: z.string(), statusLabel: z.string(), description: z.string(),
  category: z.object({ code: z.string(), name: z.string(), parentCode: z.string().nullable(), parentName: z.string().nullable() }).nullable(),
  district: z.object({ code: z.string(), name: z.string() }).nullable(), address: z.string(), urgent: z.boolean(), urgency: z.enum(['urgent', 'semi_urgent', 'normal']), overdue: z.boolean(),
  rating: z.string().nullable(), department: z.string().nullable(), dueAt: z.string().nullable(), supporters: z.number(), createdAt: z.string(),
  zone: z.object({ id: z.string(), title: z.string() }).nullable().optional(),
});
const page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const searchQuery = z.object({
  q: z.string().optional(), status: z.string().optional().describe('comma-separated statuses'), category: z.string().optional(), district: z.string().optional().describe('comma-separated 6-digit codes'),
  kind: z.enum(['complaint', 'snap']).optional(), from: z.string().optional(), to: z.string().optional(), urgent: z.enum(['1', '0', 'true', 'false']).optional(),
  urgency: z.string().optional().describe('comma-separated levels: urgent (紧急), semi_urgent (次紧急), normal (普通); reports stored before the levels count by `urgent`'),
  overdue: z.enum(['1', '0', 'true', 'false']).optional(), rating: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']).optional(), sort: z.enum(['desc', 'asc']).optional(),
  cursor: z.string().optional(), limit: z.string().optional(),
});
const auditQuery = z.object({ actor: z.string().optional(), action: z.string().optional(), target: z.string().optional(), from: z.string().optional(), to: z.string().optional(), cursor: z.string().optional(), limit: z.string().optional() });

export const staffOperations: ApiOperation[] = [
  // Not fuzzed: it revokes the fuzzer's own token (every later call would be a 401). staff.test.ts covers it.
  { method: 'post', path: '/api/v1/auth/logout', summary: 'End every session of the signed-in account', auth: 'user', ok: { status: 204, description: 'signed out' }, fuzz: false },
  { method: 'post', path: '/api/v1/auth/password', summary: 'Change one’s own staff password', auth: 'admin', body: changePasswordSchema, ok: { status: 200, schema: loginResponseSchema, description: 'a new token' }, errors: { 400: ['PASSWORD_TOO_WEAK', 'CURRENT_PASSWORD_WRONG'], 429: ['ACCOUNT_LOCKED', 'RATE_LIMITED'] } },
  { method: 'get', path: '/api/v1/admin/staff', summary: 'Staff accounts', auth: 'admin', ok: { status: 200, schema: itemsSchema(staffAccount), description: 'all accounts' } },
  { method: 'post', path: '/api/v1/admin/staff', summary: 'Create a staff account (initial password shown once)', auth: 'admin', body: createStaffSchema, ok: { status: 201, schema: staffAccount.extend({ initialPassword: z.string() }), description: 'created' }, errors: { 409: ['USERNAME_TAKEN'] } },
  { method: 'patch', path: '/api/v1/admin/staff/:id', summary: 'Change roles, scope, disabled flag, or reset the password', auth: 'admin', body: updateStaffSchema, ok: { status: 200, schema: staffAccount.extend({ initialPassword: z.string().optional() }), description: 'the account' }, errors: { 404: ['STAFF_NOT_FOUND'], 409: ['LAST_ADMIN'] } },
  { method: 'get', path: '/api/v1/admin/audit', summary: 'Audit trail, newest first', auth: 'admin', query: auditQuery, ok: { status: 200, schema: page(auditEntry), description: 'a page of entries' } },
  { method: 'get', path: '/api/v1/admin/audit/export', summary: 'Audit trail as CSV', auth: 'admin', query: auditQuery, ok: { status: 200, description: 'CSV', contentType: 'text/csv' } },
  { method: 'get', path: '/api/v1/admin/reports', summary: '诉求检索: search reports (district scope applies)', auth: 'admin', query: searchQuery, ok: { status: 200, schema: page(row).extend({ scanLimited: z.object({ examined: z.number().int(), until: z.string() }).optional().describe('a text search stopped after this many of the newest candidates: more may exist before `until`; nextCursor continues') }), description: 'a page of rows, newest first' } },
  { method: 'get', path: '/api/v1/admin/reports/export', summary: 'The search result as XLSX or CSV (≤ 100,000 rows, streamed)', auth: 'admin', query: searchQuery.extend({ format: z.enum(['xlsx', 'csv']).optional() }), ok: { status: 200, description: 'the file', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } },
  { method: 'get', path: '/api/v1/admin/reports/:id', summary: 'A report for staff, with followers and audit entries', auth: 'admin', ok: { status: 200, schema: z.object({ report: reportViewSchema, followers: z.array(z.object({ via: z.string(), at: z.string() })), audit: z.array(auditEntry) }), description: 'the report' }, errors: { 404: ['REPORT_NOT_FOUND'] } },
];
