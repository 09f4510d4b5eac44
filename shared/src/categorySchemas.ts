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
