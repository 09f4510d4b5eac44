import { z } from 'zod';
import { CATEGORY_CODE_PATTERN } from './categories';
import { questionsSchema, type Question } from './questions';

/**
 * 专区: a themed entry on the home page (e.g. 疫情防控), opened by admins
 * within days of need. Reports filed through it carry `zone`; switching a
 * zone off or letting it expire never touches reports already filed.
 */
const isoDate = z.string().datetime({ offset: true, message: '日期格式不正确（ISO 8601）' });

const zoneFields = {
  title: z.string({ required_error: '请填写专区标题' }).trim().min(2, { message: '专区标题至少 2 个字' }).max(20, { message: '专区标题不能超过 20 个字' }),
  titleEn: z.string().trim().max(60).optional(),
  banner: z.string().trim().max(200, { message: '横幅文字不能超过 200 个字' }).default(''),
  bannerEn: z.string().trim().max(400).optional(),
  /** an emoji or a short symbol shown on the entry */
  icon: z.string().trim().max(8, { message: '图标最多 8 个字符' }).default('📌'),
  startsAt: isoDate.nullable().optional(),
  endsAt: isoDate.nullable().optional(),
  enabled: z.boolean().default(true),
  /** the categories offered (second-level codes); exactly one makes it a fixed category */
  categoryCodes: z.array(z.string().regex(CATEGORY_CODE_PATTERN, { message: '分类编码格式不正确' })).min(1, { message: '请至少选择一个分类' }).max(30),
  questions: questionsSchema.default([]),
  successMessage: z.string().trim().max(200).optional(),
  successMessageEn: z.string().trim().max(400).optional(),
};

export const createZoneSchema = z.object(zoneFields).refine((z) => !z.startsAt || !z.endsAt || z.startsAt < z.endsAt, {
  message: '结束时间须晚于开始时间',
  path: ['endsAt'],
  params: { code: 'invalid_range' },
});
export const updateZoneSchema = z
  .object({
    title: zoneFields.title,
    titleEn: zoneFields.titleEn,
    banner: z.string().trim().max(200),
    bannerEn: zoneFields.bannerEn,
    icon: z.string().trim().max(8),
    startsAt: zoneFields.startsAt,
    endsAt: zoneFields.endsAt,
    enabled: z.boolean(),
    categoryCodes: zoneFields.categoryCodes,
    questions: questionsSchema,
    successMessage: zoneFields.successMessage,
    successMessageEn: zoneFields.successMessageEn,
  })
  .partial()
  .strict({ message: '包含无法修改的字段' });

export type CreateZoneInput = z.input<typeof createZoneSchema>;

/** What residents get from `GET /api/v1/zones` (active zones only). */
export interface ZoneView {
  id: string;
  title: string;
  titleEn?: string;
  banner: string;
  bannerEn?: string;
  icon: string;
  categoryCodes: string[];
  questions: Question[];
  successMessage?: string;
  successMessageEn?: string;
}

/** What staff see under `/api/v1/admin/zones`. */
export interface ZoneAdminView extends ZoneView {
  enabled: boolean;
  startsAt: string | null;
  endsAt: string | null;
  active: boolean;
  createdAt: string;
}

/** `DELETE /api/v1/me` must be confirmed with this exact word (the app asks twice before sending it), whatever the language. */
export const DELETE_ME_CONFIRM = '删除';
export const deleteMeSchema = z.object({
  confirm: z.literal(DELETE_ME_CONFIRM, { errorMap: () => ({ message: '请输入“删除”以确认删除您的个人信息' }) }),
});
