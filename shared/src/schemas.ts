import { z } from 'zod';
import { CATEGORY_CODE_PATTERN } from './categories';
import { LIMITS } from './limits';
import { isValidPhone, normalizePhone } from './phone';
import type { FieldIssue } from './errors';
import { answersSchema } from './questions';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, { message: '图片编号无效' });

/**
 * Where the problem is: coordinates from the device, an address, or both.
 * A resident who refuses location access can still report by typing an
 * address; such a report is routed from the address text or by a person.
 */
export const locationSchema = z
  .object(
    {
      lat: z
        .number({ invalid_type_error: '纬度必须是数字' })
        .min(-90, { message: '纬度超出范围' })
        .max(90, { message: '纬度超出范围' })
        .optional(),
      lng: z
        .number({ invalid_type_error: '经度必须是数字' })
        .min(-180, { message: '经度超出范围' })
        .max(180, { message: '经度超出范围' })
        .optional(),
      coordSystem: z
        .enum(['gcj02', 'wgs84'], { errorMap: () => ({ message: '坐标系只能是 gcj02 或 wgs84' }) })
        .optional(),
      accuracy: z.number({ invalid_type_error: '定位精度必须是数字' }).min(0, { message: '定位精度不能为负' }).optional(),
      address: z.string({ invalid_type_error: '地址必须是文字' }).trim().max(200, { message: '地址不能超过 200 个字' }).optional(),
    },
    { required_error: '请提供问题发生的位置', invalid_type_error: '位置格式不正确' },
  )
  .superRefine((loc, ctx) => {
    const hasLat = loc.lat !== undefined;
    const hasLng = loc.lng !== undefined;
    if (hasLat !== hasLng) {
      ctx.addIssue({ code: 'custom', path: [hasLat ? 'lng' : 'lat'], message: '经纬度需同时提供', params: { code: 'required' } });
    }
    if ((hasLat || hasLng) && !loc.coordSystem) {
      ctx.addIssue({ code: 'custom', path: ['coordSystem'], message: '请说明坐标系（gcj02 或 wgs84）', params: { code: 'required' } });
    }
    if (!hasLat && !hasLng && !loc.address) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: '请开启定位或填写问题发生的地址', params: { code: 'location_required' } });
    }
  });

/** A location that carries coordinates (the device located it, or the resident picked it on a map). */
export interface Coordinates {
  lat: number;
  lng: number;
  coordSystem: 'gcj02' | 'wgs84';
}

export function hasCoordinates(loc: { lat?: number; lng?: number; coordSystem?: string }): loc is typeof loc & Coordinates {
  return typeof loc.lat === 'number' && typeof loc.lng === 'number' && (loc.coordSystem === 'gcj02' || loc.coordSystem === 'wgs84');
}

export type ReportLocation = z.infer<typeof locationSchema>;

const contactPhone = z
  .string({ invalid_type_error: '联系电话格式不正确' })
  .trim()
  .refine(isValidPhone, { message: '请填写正确的手机号或固定电话', params: { code: 'invalid_phone' } })
  .transform(normalizePhone);

const common = {
  categoryCode: z
    .string()
    .regex(CATEGORY_CODE_PATTERN, { message: '分类编码格式不正确' })
    .optional(),
  location: locationSchema,
  contactPhone: contactPhone.optional(),
  anonymous: z.boolean({ invalid_type_error: '匿名选项必须是是/否' }).default(false),
  /** answers to the category's (and the 专区's) questions, checked against them on the server: see questions.ts */
  answers: answersSchema.optional(),
  /** the 专区 the report was filed through */
  zoneId: z.string().regex(/^[a-f0-9]{24}$/, { message: '专区编号无效' }).optional(),
};

const mediaIds = (min: number) =>
  z
    .array(objectId, { required_error: '请至少上传一张照片', invalid_type_error: '图片列表格式不正确' })
    .min(min, { message: '请至少上传一张照片' })
    .max(LIMITS.mediaPerReport.max, { message: `最多上传 ${LIMITS.mediaPerReport.max} 张照片` })
    .refine((ids) => new Set(ids).size === ids.length, { message: '同一张图片不能重复添加', params: { code: 'duplicate' } });

export const complaintSchema = z.object({
  kind: z.literal('complaint'),
  description: z
    .string({ required_error: '请描述您遇到的问题', invalid_type_error: '问题描述必须是文字' })
    .trim()
    .min(LIMITS.complaintDescription.min, { message: `问题描述至少 ${LIMITS.complaintDescription.min} 个字` })
    .max(LIMITS.complaintDescription.max, { message: `问题描述不能超过 ${LIMITS.complaintDescription.max} 个字` }),
  mediaIds: mediaIds(0).default([]),
  ...common,
});

export const snapSchema = z.object({
  kind: z.literal('snap'),
  description: z
    .string({ invalid_type_error: '补充说明必须是文字' })
    .trim()
    .max(LIMITS.snapDescription.max, { message: `补充说明不能超过 ${LIMITS.snapDescription.max} 个字` })
    .default(''),
  mediaIds: mediaIds(LIMITS.mediaPerReport.snapMin),
  ...common,
});

export const createReportSchema = z.discriminatedUnion('kind', [complaintSchema, snapSchema], {
  errorMap: (issue, ctx) =>
    issue.code === z.ZodIssueCode.invalid_union_discriminator
      ? { message: '诉求类型只能是 complaint（我要反映）或 snap（随申拍）' }
      : { message: ctx.defaultError },
});

export type CreateReportInput = z.input<typeof createReportSchema>;
export type CreateReport = z.output<typeof createReportSchema>;

export const wechatLoginSchema = z.object({
  code: z.string({ required_error: '缺少登录凭证 code' }).min(1, { message: '缺少登录凭证 code' }).max(128),
});

export const adminLoginSchema = z.object({
  username: z.string({ required_error: '请输入用户名' }).trim().min(1, { message: '请输入用户名' }).max(64),
  password: z.string({ required_error: '请输入密码' }).min(1, { message: '请输入密码' }).max(200),
});

/** Turns zod issues into the API's field list: path, machine code, Chinese message. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    code: (issue.code === 'custom' && (issue.params?.code as string)) || issue.code,
    message: issue.message,
  }));
}

/** Chinese fallback messages for checks that carry no message of their own. */
export const zhErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return { message: '此项必填' };
      return { message: `类型不正确：应为 ${typeNames[issue.expected] ?? issue.expected}` };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `包含无法识别的字段：${issue.keys.join('、')}` };
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `取值无效，可选：${issue.options.join('、')}` };
    case z.ZodIssueCode.too_small:
      return { message: issue.type === 'string' ? `至少 ${issue.minimum} 个字` : `不能小于 ${issue.minimum}` };
    case z.ZodIssueCode.too_big:
      return { message: issue.type === 'string' ? `不能超过 ${issue.maximum} 个字` : `不能大于 ${issue.maximum}` };
    case z.ZodIssueCode.invalid_string:
      return { message: '格式不正确' };
    default:
      return { message: ctx.defaultError };
  }
};

const typeNames: Record<string, string> = {
  string: '文字',
  number: '数字',
  boolean: '是/否',
  array: '列表',
  object: '对象',
};

// Installed globally (lowest precedence) so a schema's own messages still win.
z.setErrorMap(zhErrorMap);

export function validate<S extends z.ZodTypeAny>(schema: S, input: unknown): z.SafeParseReturnType<z.input<S>, z.output<S>> {
  return schema.safeParse(input);
}
