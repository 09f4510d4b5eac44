import { z } from 'zod';
import { SHANGHAI_DISTRICTS } from './districts';

/** 数据看板 query: Asia/Shanghai dates, `to` inclusive; at most two years (731 days) at once. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为 YYYY-MM-DD' }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: '不是有效的日期' });
const districtCodes = SHANGHAI_DISTRICTS.map((d) => d.code) as string[];

export const INSIGHT_MAX_DAYS = 731;

export const insightQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    district: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().refine((c) => districtCodes.includes(c), { message: '未知的区代码（应为上海 16 个区的 6 位代码）' })))
      .optional(),
    category: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, { message: '分类代码格式不对' }).optional(),
    zone: z.string().regex(/^[a-f0-9]{24}$/, { message: '专区编号无效' }).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['from'] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < INSIGHT_MAX_DAYS, { message: `时间段最长 ${INSIGHT_MAX_DAYS} 天`, path: ['to'] });
export type InsightQueryInput = z.input<typeof insightQuerySchema>;

export const hotspotSettingsSchema = z
  .object({
    minReports: z.number({ invalid_type_error: '最少诉求数应为数字', required_error: '请填写最少诉求数' }).int({ message: '最少诉求数应为整数' }).min(2, { message: '最少 2 件' }).max(100, { message: '最多 100 件' }),
    radiusM: z.number({ invalid_type_error: '半径应为数字', required_error: '请填写半径' }).int({ message: '半径应为整数（米）' }).min(50, { message: '半径至少 50 米' }).max(5000, { message: '半径最多 5000 米' }),
    windowHours: z.number({ invalid_type_error: '时间窗应为数字', required_error: '请填写时间窗' }).int({ message: '时间窗应为整数（小时）' }).min(1, { message: '时间窗至少 1 小时' }).max(24 * 14, { message: '时间窗最多 14 天（336 小时）' }),
  })
  .strict();
/** The hotspot rule (`GET`/`PUT /admin/insight/settings`). */
export type HotspotSettings = z.infer<typeof hotspotSettingsSchema>;

export const markAlertsSeenSchema = z.object({ ids: z.array(z.string().max(64)).min(1).max(500) }).strict();

/** What each figure on the 数据看板 counts (the tooltips; the API docs say the same). */
export const INSIGHT_TOOLTIPS = {
  total: '时间段内（按上海时间的提交日期）收到的全部诉求件数，含已撤回、已合并',
  previous: '紧挨着的、等长的上一个时间段收到的件数',
  byKind: '诉求（文字反映）与随申拍（拍照上报）各自的件数',
  urgent: '提交时被判为紧急的件数',
  resolutionRate: '办结率 = 目前状态为已办结或已关闭的件数 ÷ 收到的件数',
  overdueRate: '超期率 = 被标记为超期（督办）的件数 ÷ 收到的件数',
  reopenRate: '重办率 = 曾被重新办理的件数 ÷ 曾经办结的件数',
  satisfaction: '已评价工单中满意 / 基本满意 / 不满意的件数；评价率 = 已评价 ÷ 曾经办结的件数',
  hours: '从提交到第一次受理 / 派单 / 办结的小时数，中位数与 90 分位，只计已到达该环节的工单。按区间统计：10 小时以内精确到 0.1 小时，10–100 小时精确到 1 小时，100 小时以上精确到 10 小时（显示区间的下限）',
  byCategory: '按二级分类（或一级分类）统计的收到件数',
  byDistrict: '按所在区统计的收到件数；未定位的诉求单列',
  count: '该区该二级分类在时间段内收到的件数',
  change: '与上一个等长时间段相比的变化比例（上期为 0 时为空）',
  concentration: '集中度 = 该组诉求落在最密集的约 500 米网格内的件数 ÷ 该组件数',
  blockerResolution: '解决率 = 目前已办结或已关闭的件数 ÷ 该组件数',
  satisfactionRate: '满意率 = （满意 + 基本满意）÷ 已评价件数',
  score: '综合分 0–1，越高越堵：0.3×频次（相对最大组）+0.1×增长+0.2×集中度+0.2×(1−解决率)+0.2×(1−满意率)，无数据的比率按 0.5 计',
  hotspot: '同一一级分类的诉求在设定半径内、设定时间窗内达到设定件数即为热点；之后附近的新诉求并入同一热点',
  trend: '各二级分类本期件数与上期、与去年同期相比的变化，按变化件数排序',
  trendYear: '各二级分类本期件数与去年同期（日期相同的上一年）相比的变化，按变化件数排序',
  byFirstLevel: '按一级分类统计的收到件数（其下各二级分类之和）',
  category: '只看某个一级分类（含其下全部二级分类）或某个二级分类的诉求；热点按一级分类成簇，选二级分类时热点按它所属的一级分类显示',
  hotspotSettings: '热点规则：同一一级分类的诉求在「半径」米内、「时间窗」小时内达到「最少件数」即成为热点。只有管理员可以修改，修改记入操作日志',
} as const;
