import { districtNameEn } from './districts';
import { STATUS_LABELS, type ReportStatus } from './status';

/** Status names in English, for residents who asked for English. */
export const STATUS_LABELS_EN: Record<ReportStatus, string> = {
  submitted: 'Submitted',
  accepted: 'Accepted',
  rejected: 'Not accepted',
  dispatched: 'Assigned',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  returned: 'Returned',
  reopened: 'Reopened',
  merged: 'Merged',
};

/**
 * The messages the server itself writes into a ticket's timeline, in
 * English. Timeline entries are stored once, in Chinese (staff and the city
 * read them so); they are translated when shown to an English-speaking
 * resident. Staff replies and residents' own words stay as written.
 */
const RATING_EN: Record<string, string> = { 满意: 'satisfied', 基本满意: 'basically satisfied', 不满意: 'not satisfied' };

const TIMELINE_EN: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^诉求已提交，工单号 (\S+)，将转交(.+)相关部门处理$/, (m) => `Report submitted, ticket ${m[1]}; it will go to the departments of ${districtNameEn(m[2])}`],
  [/^诉求已提交，工单号 (\S+)。暂未确定所属区，将由工作人员人工分派$/, (m) => `Report submitted, ticket ${m[1]}. The district is not known yet; staff will route it`],
  [/^办结 7 天内未申请重新办理，诉求自动关闭$/, () => 'Closed automatically: no request to reopen within 7 days of resolution'],
  [/^您已撤回诉求：(.*)$/s, (m) => `You withdrew the report: ${m[1]}`],
  [/^您补充了信息：(.*)$/s, (m) => `You added information: ${m[1] === '（照片）' ? '(photos)' : m[1]}`],
  [/^您申请重新办理：(.*)$/s, (m) => `You asked for it to be handled again: ${m[1]}`],
  [/^您催办了此诉求(?:：(.*))?$/s, (m) => `You sent a reminder${m[1] ? `: ${m[1]}` : ''}`],
  [/^您的评价：(满意|基本满意|不满意)(?:。(.*))?$/s, (m) => `Your rating: ${RATING_EN[m[1]]}${m[2] ? `. ${m[2]}` : ''}`],
  [/^您已撤回诉求$/, () => 'You withdrew the report'],
  [/^您申请了重新办理$/, () => 'You asked for it to be handled again'],
  // What a follower reads (notifications/forFollower: 您 → 提交人, 您的诉求 → 该诉求).
  [/^提交人已撤回诉求(?:：(.*))?$/s, (m) => `The reporter withdrew the report${m[1] ? `: ${m[1]}` : ''}`],
  [/^提交人补充了信息：(.*)$/s, (m) => `The reporter added information: ${m[1] === '（照片）' ? '(photos)' : m[1]}`],
  [/^提交人申请(?:了)?重新办理(?:：(.*))?$/s, (m) => `The reporter asked for it to be handled again${m[1] ? `: ${m[1]}` : ''}`],
  [/^提交人催办了此诉求(?:：(.*))?$/s, (m) => `The reporter sent a reminder${m[1] ? `: ${m[1]}` : ''}`],
  // Staff moves without a reply of their own (reports/ticketService DEFAULT_MESSAGES).
  [/^12345 热线已受理(?:您的|该)诉求$/, () => 'The 12345 hotline accepted the report'],
  [/^已派发至承办部门$/, () => 'Assigned to the department in charge'],
  [/^已派发至(.+)$/, (m) => `Assigned to ${m[1]}`],
  [/^承办部门正在办理$/, () => 'The department is working on it'],
  [/^承办部门退回，等待重新派单$/, () => 'Returned by the department; waiting to be assigned again'],
  [/^诉求已关闭$/, () => 'The report is closed'],
  [/^与诉求 (\S+) 为同一问题，已合并办理，进展请在该诉求中查看$/, (m) => `The same problem as report ${m[1]}: merged into it; follow the progress there`],
  [/^已超过办理时限，已督办承办部门$/, () => 'Past its deadline; the department has been pressed to act'],
  [/^又有一位市民反映了同一问题$/, () => 'Another resident reported the same problem'],
  [/^合并了重复诉求 (\S+)$/, (m) => `Merged the duplicate report ${m[1]}`],
  // A category merge (server reports/categoryMoves.ts); category names stay as staff wrote them.
  [/^分类已调整为：(.+)（原分类已并入此分类）$/, (m) => `The category is now ${m[1]} (its former category was merged into it)`],
  // A triage decision and a 更正分类 (server reports/reportService.ts decideCategory, correctCategory); names as above.
  [/^工作人员确认分类：(.+)$/s, (m) => `Staff confirmed the category: ${m[1]}`],
  [/^工作人员将分类调整为：(.+)$/s, (m) => `Staff set the category to ${m[1]}`],
  [/^工作人员更正分类：(.+) → (.+)$/s, (m) => `Staff corrected the category: ${m[1] === '未分类' ? 'none' : m[1]} → ${m[2]}`],
];

export function timelineMessageEn(message: string): string {
  // A status name alone (a staff move without a message) reads as the English status name.
  const status = (Object.keys(STATUS_LABELS) as ReportStatus[]).find((s) => STATUS_LABELS[s] === message);
  if (status) return STATUS_LABELS_EN[status];
  for (const [re, fn] of TIMELINE_EN) {
    const m = message.match(re);
    if (m) return fn(m);
  }
  return message;
}
