import { z } from 'zod';
import { SHANGHAI_DISTRICTS } from './districts';
import { REPORT_STATUSES, type ReportStatus } from './status';
import { URGENCY_LEVELS, type Urgency } from './urgency';

/**
 * Staff roles; an account holds any combination. `admin` can do everything;
 * the others are narrower (the server's route-permission table says exactly what).
 */
export const STAFF_ROLES = ['admin', 'category_admin', 'operator', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  admin: '系统管理员',
  category_admin: '分类管理员',
  operator: '工单处理员',
  analyst: '数据分析员',
};

export const PASSWORD_MIN_LENGTH = 12;

const districtCodes = SHANGHAI_DISTRICTS.map((d) => d.code) as string[];
const districtsSchema = z
  .array(z.string().refine((c) => districtCodes.includes(c), { message: '未知的区代码（应为上海 16 个区的 6 位 GB/T 2260 代码）', params: { code: 'unknown_district' } }))
  .max(16)
  .transform((list) => [...new Set(list)].sort());
const rolesSchema = z
  .array(z.enum(STAFF_ROLES, { errorMap: () => ({ message: `角色只能是 ${STAFF_ROLES.join('、')}` }) }))
  .min(1, { message: '至少选择一个角色' })
  .transform((list) => STAFF_ROLES.filter((r) => list.includes(r)));

export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/;

export const createStaffSchema = z
  .object({
    username: z.string({ required_error: '请输入用户名' }).trim().toLowerCase().regex(USERNAME_PATTERN, { message: '用户名为 3–32 位小写字母、数字、_ . -，以字母开头' }),
    displayName: z.string({ required_error: '请输入姓名' }).trim().min(1, { message: '请输入姓名' }).max(40),
    roles: rolesSchema,
    districts: districtsSchema.default([]),
  })
  .strict();
export type CreateStaffInput = z.input<typeof createStaffSchema>;

export const updateStaffSchema = z
  .object({
    displayName: z.string().trim().min(1).max(40).optional(),
    roles: rolesSchema.optional(),
    districts: districtsSchema.optional(),
    disabled: z.boolean().optional(),
    resetPassword: z.literal(true, { errorMap: () => ({ message: 'resetPassword 只能为 true' }) }).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的内容', params: { code: 'empty_patch' } });
export type UpdateStaffInput = z.input<typeof updateStaffSchema>;

export const changePasswordSchema = z
  .object({
    current: z.string({ required_error: '请输入当前密码' }).min(1, { message: '请输入当前密码' }).max(200),
    next: z.string({ required_error: '请输入新密码' }).min(1, { message: '请输入新密码' }).max(200),
  })
  .strict();

export interface StaffAccountView {
  id: string;
  username: string;
  displayName: string;
  roles: StaffRole[];
  districts: string[];
  disabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

/** 201 to `POST /admin/staff` and to a password reset: the password is shown this once. */
export interface StaffAccountCreated extends StaffAccountView {
  initialPassword: string;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: { id: string; name: string; roles: string[] };
  action: string;
  target: { type: string; id: string; label?: string };
  summary: { before?: unknown; after?: unknown; [key: string]: unknown };
  ip: string;
  requestId: string;
}

/**
 * How 操作日志 names a resident: they have no display name, and their openid and phone never show; the end of
 * the account id is enough to tell one resident's entries from another's (the full id is the entry's 对象).
 */
export const residentActorName = (accountId: string): string => `居民 …${accountId.slice(-6)}`;

/** What staff (and residents, about their own data) do, as recorded in the audit trail. */
export const AUDIT_ACTIONS = {
  'category.create': '新增分类',
  'zone.create': '新建专区',
  'zone.update': '修改专区',
  'category.update': '修改分类',
  'category.merge': '合并分类',
  'category.delete': '删除分类',
  'report.transition': '工单状态变更',
  'report.merge': '合并诉求',
  'report.description_public': '公开诉求描述',
  'report.triage': '分拣决定',
  'report.recategorize': '更正分类',
  'delivery.retry': '重新投递',
  'classifier.retrain': '重新训练模型',
  'staff.create': '创建账号',
  'staff.update': '修改账号',
  'staff.password': '修改密码',
  'reports.export': '导出诉求',
  'audit.export': '导出操作日志',
  'insight.settings': '修改热点参数',
  // What residents do with their own personal data (privacy/residentAudit.ts).
  'resident.data_export': '居民下载个人信息',
  'resident.delete': '居民删除个人信息',
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: '日期格式应为 ISO 8601，例如 2026-11-29 或 2026-11-29T08:00:00Z', params: { code: 'invalid_date' } })
  .transform((s) => new Date(s));
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const csv = (inner: z.ZodTypeAny, label: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(inner, { invalid_type_error: label }));

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(64).optional(),
  action: z.string().trim().max(64).optional(),
  target: z.string().trim().max(128).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  cursor: z.string().regex(/^[0-9a-f]{24}$/, { message: '分页游标无效' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** 诉求检索 (and its export): every filter is optional. */
export const reportSearchSchema = z.object({
  q: z.string().trim().max(100).optional(),
  status: csv(z.enum(REPORT_STATUSES, { errorMap: () => ({ message: '未知的状态' }) }), 'status').optional(),
  category: z.string().trim().max(48).optional(),
  district: csv(z.string().regex(/^\d{6}$/, { message: '区代码应为 6 位数字' }), 'district').optional(),
  kind: z.enum(['complaint', 'snap'], { errorMap: () => ({ message: 'kind 只能是 complaint 或 snap' }) }).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  urgent: flag.optional(),
  // 紧急程度, any of the three levels (urgency=urgent,semi_urgent: what must be done today); `urgent=1` stays for
  // old links. A report stored before the levels is filtered by its `urgent`, as urgencyOf reads it.
  urgency: csv(z.enum(URGENCY_LEVELS, { errorMap: () => ({ message: '紧急程度只能是 urgent（紧急）、semi_urgent（次紧急）或 normal（普通）' }) }), 'urgency').optional(),
  overdue: flag.optional(),
  rating: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied'], { errorMap: () => ({ message: 'rating 只能是 satisfied、basically_satisfied 或 unsatisfied' }) }).optional(),
  zone: z.string().trim().max(64).optional(),
  sort: z.enum(['desc', 'asc']).default('desc'),
  // <filing time in ms>_<id>: report ids are random, so the cursor carries the time it sorts by.
  cursor: z.string().regex(/^\d{1,15}_[0-9a-f]{24}$/, { message: '分页游标无效' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ReportSearch = z.output<typeof reportSearchSchema>;

export const exportQuerySchema = z.object({ format: z.enum(['xlsx', 'csv'], { errorMap: () => ({ message: 'format 只能是 xlsx 或 csv' }) }).default('xlsx') });

export const EXPORT_MAX_ROWS = 100_000;

/** One row of 诉求检索: what a table shows, not the whole report. */
export interface ReportRowView {
  id: string;
  ticketNo: string;
  kind: 'complaint' | 'snap';
  status: ReportStatus;
  statusLabel: string;
  description: string;
  category: { code: string; name: string; parentCode: string | null; parentName: string | null } | null;
  district: { code: string; name: string } | null;
  address: string;
  urgent: boolean;
  /** 紧急 / 次紧急 / 普通, as on every report view (`urgent` is `urgency === 'urgent'`, kept for older clients) */
  urgency: Urgency;
  overdue: boolean;
  rating: string | null;
  department: string | null;
  dueAt: string | null;
  /** residents who joined it (+1) */
  supporters: number;
  createdAt: string;
  /** the 专区 it was filed through */
  zone: { id: string; title: string } | null;
}
