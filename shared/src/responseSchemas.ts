import { z } from 'zod';
import { questionsSchema } from './questions';
import { ErrorCodes, type ErrorCode } from './errors';
import { REPORT_STATUSES } from './status';
import { RATINGS } from './followUpSchemas';

/**
 * The shapes the API answers with, as zod schemas, for the OpenAPI document
 * (server/src/http/openapi.ts) and the fuzzer that checks responses against
 * it. They mirror the interfaces in types.ts. Objects are open (extra fields
 * allowed) so a presenter may add a field before the document does, but every
 * field listed here must be present with this type.
 */

const isoTime = z.string().datetime({ offset: true });
const status = z.enum(REPORT_STATUSES);

export const fieldIssueSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

/** `{ error: { code, message, details? } }`, with `code` one of `codes`. */
export function errorBodySchema(codes: readonly ErrorCode[]) {
  const all = Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]];
  const code = codes.length ? z.enum(codes as [ErrorCode, ...ErrorCode[]]) : z.enum(all);
  return z.object({ error: z.object({ code, message: z.string(), details: z.array(fieldIssueSchema).optional(), existing: z.object({ id: z.string(), ticketNo: z.string() }).optional() }) });
}

export const userViewSchema = z.object({ id: z.string(), role: z.enum(['citizen', 'admin']), displayName: z.string().optional() });
export const loginResponseSchema = z.object({ token: z.string(), expiresIn: z.number(), user: userViewSchema });

export const mediaViewSchema = z.object({
  id: z.string(),
  contentType: z.string(),
  size: z.number(),
  width: z.number(),
  height: z.number(),
  url: z.string(),
  previewUrl: z.string(),
});

const mediaLink = z.object({ id: z.string(), url: z.string(), previewUrl: z.string() });
const categoryRef = z.object({ code: z.string(), name: z.string() });
const scored = z.object({ code: z.string(), name: z.string(), probability: z.number() });

export const classificationViewSchema = z.object({
  top3: z.array(scored.extend({ parentCode: z.string(), parentName: z.string() })),
  firstLevel: scored,
  firstLevelTop3: z.array(scored),
  confidence: z.number(),
  urgent: z.boolean(),
  /** 紧急 / 次紧急 / 普通 (optional: classifications stored with reports before the levels existed lack it) */
  urgency: z.enum(['urgent', 'semi_urgent', 'normal']).optional(),
  urgentReasons: z.array(z.string()),
  explanation: z.array(z.string()),
  modelVersion: z.string(),
  taxonomyVersion: z.number(),
});

export const reportViewSchema = z.object({
  id: z.string(),
  viewer: z.enum(['owner', 'follower', 'staff']).optional(),
  supporters: z.number().int(),
  mergedInto: z.object({ id: z.string(), ticketNo: z.string() }).nullable(),
  ticketNo: z.string(),
  kind: z.enum(['complaint', 'snap']),
  status,
  statusLabel: z.string(),
  description: z.string(),
  citizenCategory: categoryRef.nullable(),
  category: categoryRef.extend({ parentCode: z.string().nullable(), parentName: z.string().nullable() }).nullable(),
  urgent: z.boolean(),
  urgency: z.enum(['urgent', 'semi_urgent', 'normal']),
  department: z.string().nullable(),
  dueAt: isoTime.nullable(),
  overdue: z.boolean(),
  rating: z.object({ value: z.enum(RATINGS), comment: z.string() }).nullable().optional(),
  allowedActions: z.object({ withdraw: z.boolean(), urge: z.boolean(), supplement: z.boolean(), rate: z.boolean(), reopen: z.boolean() }),
  urgeFrom: isoTime.nullable().optional(),
  delivery: z.object({ state: z.enum(['pending', 'delivered', 'dead']), attempts: z.number(), lastError: z.string().nullable() }).optional(),
  classification: classificationViewSchema.nullable().optional(),
  triage: z.object({ state: z.enum(['auto', 'pending', 'confirmed', 'corrected']), reason: z.string().nullable() }).optional(),
  urgentReasons: z.array(z.string()).optional(),
  location: z.object({
    lat: z.number().optional(),
    lng: z.number().optional(),
    coordSystem: z.enum(['gcj02', 'wgs84']).optional(),
    accuracy: z.number().optional(),
    address: z.string().optional(),
  }),
  district: categoryRef.nullable(),
  needsManualRouting: z.boolean(),
  mediaIds: z.array(z.string()),
  media: z.array(mediaLink),
  contactPhone: z.string().nullable(),
  anonymous: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  timeline: z.array(z.object({ at: isoTime, status, actor: z.string(), message: z.string(), media: z.array(mediaLink).optional() })),
  /** answers to the category's and the 专区's questions, `{ <questionCode>: value }` */
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
  /** the questions as they were asked (labels for the answers) */
  questions: questionsSchema.optional(),
  /** the 专区 it was filed through */
  zone: z.object({ id: z.string(), title: z.string(), titleEn: z.string().optional(), successMessage: z.string().optional() }).nullable().optional(),
});

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export function itemsSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item) });
}

/** A nearby open ticket offered before filing (what a passer-by could see). */
export const similarTicketSchema = z.object({
  id: z.string(),
  /** what POST /reports/:id/join needs: for this resident and this ticket, 30 minutes */
  offer: z.string(),
  offerExpiresAt: isoTime,
  status,
  statusLabel: z.string(),
  category: z.string(),
  /** street level, no coordinates */
  place: z.string(),
  createdAt: isoTime,
  supporters: z.number().int(),
  /** only when staff made the description public */
  description: z.string().optional(),
});

export const mergeResultSchema = z.object({ duplicate: reportViewSchema, target: reportViewSchema });

/** Flat form of a category node for the document (children are the same shape). */
export const categoryNodeSchema = z.object({
  code: z.string(),
  parentCode: z.string().nullable(),
  name: z.string(),
  nameEn: z.string().optional(),
  department: z.string(),
  deadlineHours: z.object({ normal: z.number(), urgent: z.number(), semiUrgent: z.number().nullable().optional() }),
  enabled: z.boolean(),
  order: z.number(),
  mergedInto: z.string().nullable(),
  children: z
    .array(z.object({ code: z.string(), parentCode: z.string().nullable(), name: z.string(), nameEn: z.string().optional(), questions: questionsSchema.optional() }))
    .optional(),
});
export const categoryTreeViewSchema = z.object({ version: z.number(), categories: z.array(categoryNodeSchema) });

export const nearbyCategorySchema = z.object({ code: z.string(), name: z.string() });

export const reversePlaceSchema = z.object({
  address: z.string().nullable(),
  district: categoryRef.nullable(),
  source: z.enum(['tencent', 'offline']),
  outsideShanghai: z.boolean(),
});

export const classifierInfoSchema = z.object({ version: z.string(), createdAt: z.string(), taxonomyVersion: z.number(), trainedOn: z.number() });
export const classifierStatusSchema = z.object({ current: classifierInfoSchema.nullable(), confidenceThreshold: z.number() });
export const retrainResultSchema = z.object({ before: classifierInfoSchema.nullable(), after: classifierInfoSchema });

export const messageViewSchema = z.object({
  id: z.string(),
  reportId: z.string(),
  ticketNo: z.string(),
  status,
  title: z.string(),
  body: z.string(),
  createdAt: isoTime,
  read: z.boolean(),
  following: z.boolean(),
});
export const messageTemplatesViewSchema = z.object({
  templateIds: z.array(z.string()),
  events: z.array(z.object({ event: z.string(), templateId: z.string() })),
});

export const okSchema = z.object({ ok: z.literal(true) });
export const healthSchema = z.object({ ok: z.boolean(), database: z.enum(['up', 'down']).optional() });

/** 分类管理: per-category figures and the keyword check (categorySchemas.ts has the types). */
export const categoryFiguresViewSchema = z.object({
  at: isoTime,
  since: isoTime,
  items: z.array(z.object({ code: z.string(), openReports: z.number().int(), last30Days: z.number().int(), trainingExamples: z.number().int() })),
});
export const keywordImpactViewSchema = z.object({
  code: z.string(),
  sampled: z.number().int(),
  moved: z.number().int(),
  movedIn: z.number().int(),
  movedOut: z.number().int(),
  modelKnowsCategory: z.boolean(),
  examples: z.array(z.object({ id: z.string(), ticketNo: z.string(), description: z.string(), from: categoryRef, to: categoryRef })),
});

/**
 * `GET /me/data/summary`: how much is held about the resident, for the 个人信息
 * page; counts only, nothing personal (the server's privacy service answers it,
 * the mini-program shows it).
 */
export const myDataSummarySchema = z.object({
  reports: z.number(),
  phoneNumbers: z.number(),
  photos: z.number(),
  subscriptions: z.number(),
  following: z.number(),
  messages: z.number(),
});
export type MyDataSummary = z.infer<typeof myDataSummarySchema>;
