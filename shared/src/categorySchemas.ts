import { z } from 'zod';
import { CATEGORY_CODE_PATTERN } from './categories';
import { questionsSchema, type Question } from './questions';

const words = z.array(z.string().trim().min(1, { message: '关键词不能为空' }).max(30, { message: '关键词不能超过 30 个字' })).max(50, { message: '最多 50 个关键词' });

const deadlineHours = z
  .object({
    normal: z.number({ invalid_type_error: '办理时限必须是数字' }).int({ message: '办理时限必须是整数小时' }).min(1, { message: '办理时限至少 1 小时' }).max(24 * 90, { message: '办理时限不能超过 90 天' }),
    urgent: z.number({ invalid_type_error: '紧急时限必须是数字' }).int({ message: '紧急时限必须是整数小时' }).min(1, { message: '紧急时限至少 1 小时' }).max(24 * 90, { message: '紧急时限不能超过 90 天' }),
    /** 次紧急; null or absent: a day, kept between the other two (server reports/deadline.ts) */
    semiUrgent: z.number({ invalid_type_error: '次紧急时限必须是数字' }).int({ message: '次紧急时限必须是整数小时' }).min(1, { message: '次紧急时限至少 1 小时' }).max(24 * 90, { message: '次紧急时限不能超过 90 天' }).nullable().optional(),
  })
  .refine((d) => d.urgent <= d.normal, { message: '紧急时限不能长于普通时限', path: ['urgent'], params: { code: 'urgent_exceeds_normal' } })
  .refine((d) => d.semiUrgent == null || (d.urgent <= d.semiUrgent && d.semiUrgent <= d.normal), { message: '次紧急时限须在紧急时限和普通时限之间', path: ['semiUrgent'], params: { code: 'semi_urgent_out_of_range' } });

const fields = {
  name: z.string({ required_error: '请填写分类名称' }).trim().min(2, { message: '分类名称至少 2 个字' }).max(30, { message: '分类名称不能超过 30 个字' }),
  nameEn: z.string().trim().max(60).optional(),
  description: z.string().trim().max(500, { message: '说明不能超过 500 个字' }).optional(),
  keywords: words.optional(),
  negativeKeywords: words.optional(),
  examples: z.array(z.string().trim().min(4, { message: '例句至少 4 个字' }).max(300)).max(30, { message: '最多 30 条例句' }).optional(),
  department: z.string().trim().max(60, { message: '部门名称不能超过 60 个字' }).optional(),
  deadlineHours: deadlineHours.optional(),
  order: z.number().int().min(0).max(9999).optional(),
  /** per-category questions (second-level categories; versioned with the tree) */
  questions: questionsSchema.optional(),
};

export const createCategorySchema = z.object({
  code: z.string({ required_error: '请填写分类编码' }).regex(CATEGORY_CODE_PATTERN, { message: '编码只能用小写字母、数字和下划线，以字母开头，2–48 位' }),
  parentCode: z.string().regex(CATEGORY_CODE_PATTERN, { message: '上级分类编码格式不正确' }).nullable().optional(),
  ...fields,
  deadlineHours: deadlineHours,
});

export const updateCategorySchema = z
  .object({ ...fields, enabled: z.boolean({ invalid_type_error: '启用状态必须是是/否' }) })
  .partial()
  .strict({ message: '包含不能修改的字段（编码和上级不可修改）' });

export const mergeCategorySchema = z.object({
  into: z.string({ required_error: '请选择合并到的分类' }).regex(CATEGORY_CODE_PATTERN, { message: '目标分类编码格式不正确' }),
});

export const classifyRequestSchema = z.object({
  text: z.string({ required_error: '请提供要分类的文字' }).trim().min(1, { message: '请提供要分类的文字' }).max(2000, { message: '文字不能超过 2000 个字' }),
});

export const triageDecisionSchema = z.object({
  categoryCode: z.string({ required_error: '请选择分类' }).regex(CATEGORY_CODE_PATTERN, { message: '分类编码格式不正确' }),
  /**
   * Why. Required to correct a report that is no longer waiting for triage (更正分类); a decision on a waiting
   * report may give one. Kept in the audit log, not shown to the resident.
   */
  reason: z.string().trim().max(200, { message: '原因不能超过 200 个字' }).optional(),
  /**
   * 更正分类: the category the staff member saw (null: none). When someone changed it meanwhile the correction
   * is refused (409 CATEGORY_CHANGED) rather than silently overwriting theirs.
   */
  expectedCategoryCode: z.string().regex(CATEGORY_CODE_PATTERN, { message: '分类编码格式不正确' }).nullable().optional(),
});

export type CreateCategoryInput = z.infer<typeof createCategorySchema>;
export type UpdateCategoryInput = z.infer<typeof updateCategorySchema>;

export interface CategoryNodeView {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string;
  description: string;
  keywords: string[];
  negativeKeywords: string[];
  examples: string[];
  department: string;
  deadlineHours: { normal: number; urgent: number; semiUrgent: number | null };
  enabled: boolean;
  order: number;
  mergedInto: string | null;
  /** asked in the report form once this category is known (second-level categories) */
  questions: Question[];
  children?: CategoryNodeView[];
}

export interface CategoryTreeView {
  version: number;
  categories: CategoryNodeView[];
}

/**
 * 分类管理's keyword check: the keywords an admin is about to save, tried on
 * the last 1,000 reports before saving (`POST /admin/categories/:code/keyword-impact`).
 */
export const keywordImpactSchema = z
  .object({ keywords: words.optional(), negativeKeywords: words.optional() })
  .strict({ message: '只能试算关键词和排除词' })
  .refine((b) => b.keywords !== undefined || b.negativeKeywords !== undefined, { message: '请提供要试算的关键词或排除词', params: { code: 'nothing_to_check' } });
export type KeywordImpactInput = z.infer<typeof keywordImpactSchema>;

/** Per-category figures for 分类管理 (`GET /admin/categories/figures`); first-level rows sum their children. */
export interface CategoryFigures {
  code: string;
  /** reports filed under it and not finished (OPEN_STATUSES) */
  openReports: number;
  /** reports filed under it in the last 30 days */
  last30Days: number;
  /** texts the next training would learn this category from (corpus, tree examples, staff-reviewed reports) */
  trainingExamples: number;
}

export interface CategoryFiguresView {
  /** when the report counts were taken (a process reuses them for 30 s) */
  at: string;
  since: string;
  items: CategoryFigures[];
}

/** A report the edited keywords would put under another category. */
export interface KeywordImpactExample {
  id: string;
  ticketNo: string;
  description: string;
  from: { code: string; name: string };
  to: { code: string; name: string };
}

export interface KeywordImpactView {
  code: string;
  /** reports looked at: the last 1,000 with text */
  sampled: number;
  /** of those, how many would change category */
  moved: number;
  /** moved into the edited category / out of it */
  movedIn: number;
  movedOut: number;
  /** false when the live model predates the category: retrain first, the check cannot say anything yet */
  modelKnowsCategory: boolean;
  examples: KeywordImpactExample[];
}
