import { z } from 'zod';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, { message: '图片编号无效' });

export const withdrawSchema = z.object({ reason: z.string({ required_error: '请填写撤回原因' }).trim().min(2, { message: '请填写撤回原因' }).max(200) });
export const urgeSchema = z.object({ message: z.string().trim().max(200).optional() });
export const supplementSchema = z
  .object({ text: z.string().trim().max(500, { message: '补充内容不能超过 500 个字' }).default(''), mediaIds: z.array(objectId).max(9, { message: '最多补充 9 张照片' }).default([]) })
  .refine((s) => s.text.length > 0 || s.mediaIds.length > 0, { message: '请填写补充内容或添加照片', path: ['text'], params: { code: 'required' } });
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export const RATING_LABELS: Record<(typeof RATINGS)[number], string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };
export const rateSchema = z.object({ rating: z.enum(RATINGS, { errorMap: () => ({ message: '请选择满意、基本满意或不满意' }) }), comment: z.string().trim().max(300).optional() });
export const reopenSchema = z.object({ reason: z.string({ required_error: '请说明需要重新办理的原因' }).trim().min(2, { message: '请说明需要重新办理的原因' }).max(300) });

export const staffTransitionSchema = z.object({
  to: z.enum(['accepted', 'rejected', 'dispatched', 'in_progress', 'resolved', 'returned', 'closed'], { errorMap: () => ({ message: '目标状态无效' }) }),
  message: z.string().trim().max(1000).optional(),
  department: z.string().trim().max(60).optional(),
  mediaIds: z.array(objectId).max(9).optional(),
});

export const pipelineEventSchema = z.object({
  eventId: z.string().min(1).max(100),
  ticketNo: z.string().min(1).max(40),
  seq: z.number().int().min(0),
  type: z.enum(['accepted', 'rejected', 'dispatched', 'in_progress', 'resolved', 'returned']),
  at: z.string().datetime({ offset: true }),
  department: z.string().max(60).optional(),
  message: z.string().max(2000).optional(),
  mediaUrls: z.array(z.string().url()).max(9).optional(),
});
export type PipelineEvent = z.infer<typeof pipelineEventSchema>;

/** What a resident may do with a ticket right now; the detail page shows exactly these. */
export interface AllowedActions {
  withdraw: boolean;
  urge: boolean;
  supplement: boolean;
  rate: boolean;
  reopen: boolean;
}

/** 附近已有人反映: what the resident is about to submit. */
export const similarQuerySchema = z.object({
  description: z.string().trim().max(2000).default(''),
  categoryCode: z.string().trim().max(64).optional(),
  location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), coordSystem: z.enum(['gcj02', 'wgs84']).default('gcj02') }),
});

export const mergeSchema = z.object({
  /** the ticket to merge into: its ticket number (as staff see it) or id */
  into: z.string().trim().min(1, '请填写要合并到的工单号').max(64),
  message: z.string().trim().max(500).optional(),
});

/** Join (+1): the offer /reports/similar gave. Missing or wrong, the answer is the 404 of a made-up id. */
export const joinSchema = z.object({ offer: z.string().max(200).optional() });

/** Staff: may neighbours read this report's description (附近已有人反映, followers)? */
export const descriptionPublicSchema = z.object({ public: z.boolean({ required_error: '请说明是否公开描述', invalid_type_error: '请说明是否公开描述' }) });
