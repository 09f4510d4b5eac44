import { z } from 'zod';
import type { FieldIssue } from './errors';

/**
 * Per-category questions (Open311 "service definitions", FixMyStreet "extra
 * fields"): what a department would otherwise have to call back about.
 * Admins attach them to second-level categories and to 专区; they are
 * versioned with the category tree. The same checks run in the form and on
 * the server (`checkAnswers`), so the app and the API never disagree.
 */
export const QUESTION_TYPES = ['text', 'single', 'multi', 'number', 'blocking', 'notice'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const code = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { message: '问题编码只能用小写字母、数字和下划线，以字母开头' });
const option = z.object({
  value: z.string().trim().min(1, { message: '选项值不能为空' }).max(60),
  label: z.string().trim().min(1, { message: '选项文字不能为空' }).max(60),
  labelEn: z.string().trim().max(120).optional(),
});

export const questionSchema = z
  .object({
    code,
    type: z.enum(QUESTION_TYPES, { errorMap: () => ({ message: '问题类型只能是 text、single、multi、number、blocking 或 notice' }) }),
    label: z.string().trim().min(1, { message: '请填写问题' }).max(200, { message: '问题不能超过 200 个字' }),
    labelEn: z.string().trim().max(400).optional(),
    required: z.boolean().default(false),
    /** choices for single/multi; for text, quick answers the resident may tap (e.g. 看不到编号) */
    options: z.array(option).max(30, { message: '最多 30 个选项' }).optional(),
    /** blocking (紧急提示): what to do at once when the answer is "yes" (e.g. 燃气泄漏请立即拨打 962777), shown with call buttons; the report still goes in */
    blockMessage: z.string().trim().max(200).optional(),
    blockMessageEn: z.string().trim().max(400).optional(),
    /** number: bounds */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.type === 'single' || q.type === 'multi') && !q.options?.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: '单选和多选题至少需要一个选项', params: { code: 'options_required' } });
    }
    if (q.type === 'blocking' && !q.blockMessage) {
      ctx.addIssue({ code: 'custom', path: ['blockMessage'], message: '请填写拦截提示（例如应拨打的电话）', params: { code: 'block_message_required' } });
    }
    if (q.options && new Set(q.options.map((o) => o.value)).size !== q.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选项值不能重复', params: { code: 'duplicate' } });
    }
  });

export const questionsSchema = z
  .array(questionSchema)
  .max(20, { message: '最多 20 个问题' })
  .refine((qs) => new Set(qs.map((q) => q.code)).size === qs.length, { message: '问题编码不能重复', params: { code: 'duplicate' } });

export type Question = z.output<typeof questionSchema>;
export type AnswerValue = string | number | boolean | string[];
export type Answers = Record<string, AnswerValue>;

/** What `POST /reports` accepts under `answers` before it is checked against the category's questions. */
export const answersSchema = z
  .record(z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(60)).max(30)]), { invalid_type_error: '答案格式不正确' })
  .refine((a) => Object.keys(a).length <= 40, { message: '答案过多' });

type Lang = 'zh-CN' | 'en';
const T = {
  required: { 'zh-CN': '请回答这个问题', en: 'Please answer this question' },
  text: { 'zh-CN': '请填写文字（不超过 200 个字）', en: 'Please type an answer (200 characters at most)' },
  option: { 'zh-CN': '请从选项中选择', en: 'Please choose one of the options' },
  number: { 'zh-CN': '请填写数字', en: 'Please enter a number' },
  range: { 'zh-CN': '数字超出范围', en: 'The number is out of range' },
  yesno: { 'zh-CN': '请选择是或否', en: 'Please answer yes or no' },
} as const;

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Checks answers against the questions in force. Returns the cleaned answers
 * (only known codes, text trimmed) and issues with `answers.<code>` paths.
 * A "blocking" (紧急提示) question answered "yes" is not an issue: the app
 * shows its message with call buttons, and the server files the report as 紧急.
 */
export function checkAnswers(questions: Question[], answers: Answers | undefined, lang: Lang = 'zh-CN'): { answers: Answers; issues: FieldIssue[] } {
  const input = answers ?? {};
  const out: Answers = {};
  const issues: FieldIssue[] = [];
  const issue = (q: { code: string }, c: string, message: string) => issues.push({ path: `answers.${q.code}`, code: c, message });
  for (const q of questions) {
    if (q.type === 'notice') continue;
    const v = input[q.code];
    if (empty(v)) {
      if (q.required) issue(q, 'answer_required', T.required[lang]);
      continue;
    }
    switch (q.type) {
      case 'text': {
        if (typeof v !== 'string' || v.trim().length > 200) issue(q, 'invalid_answer', T.text[lang]);
        else if (!v.trim()) {
          if (q.required) issue(q, 'answer_required', T.required[lang]);
        } else out[q.code] = v.trim();
        break;
      }
      case 'single':
        if (typeof v !== 'string' || !q.options?.some((o) => o.value === v)) issue(q, 'invalid_option', T.option[lang]);
        else out[q.code] = v;
        break;
      case 'multi':
        if (!Array.isArray(v) || v.some((x) => !q.options?.some((o) => o.value === x))) issue(q, 'invalid_option', T.option[lang]);
        else out[q.code] = [...new Set(v)];
        break;
      case 'number': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) issue(q, 'invalid_number', T.number[lang]);
        else if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max)) issue(q, 'out_of_range', T.range[lang]);
        else out[q.code] = n;
        break;
      }
      case 'blocking':
        // "Yes" (现在闻到燃气味) is the answer that matters most: the app shows its message with one-tap call
        // buttons, and the report still goes in (stopping it hid a live hazard from the hotline).
        if (typeof v !== 'boolean') issue(q, 'invalid_answer', T.yesno[lang]);
        else out[q.code] = v;
        break;
    }
  }
  // Answers to questions no longer asked (a form opened before the tree changed) are dropped, not refused.
  return { answers: out, issues };
}

/** The label of a question in a language, falling back to Chinese. */
export function questionLabel(q: Pick<Question, 'label' | 'labelEn'>, lang: Lang): string {
  return lang === 'en' && q.labelEn ? q.labelEn : q.label;
}

/** An answer as text, for staff and for Open311 `attribute[code]`. */
export function answerText(q: Question | undefined, v: AnswerValue, lang: Lang = 'zh-CN'): string {
  const en = lang === 'en';
  const labelOf = (x: string) => {
    const option = q?.options?.find((o) => o.value === x);
    return (en && option?.labelEn) || option?.label || x;
  };
  if (Array.isArray(v)) return v.map(labelOf).join(en ? ', ' : '、');
  if (typeof v === 'boolean') return en ? (v ? 'Yes' : 'No') : v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  return q?.type === 'single' ? labelOf(v) : v;
}
