import type { ReportStatus } from './status';

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
const TIMELINE_EN: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^诉求已提交，工单号 (\S+)，将转交(.+)相关部门处理$/, (m) => `Report submitted, ticket ${m[1]}; it will go to the departments of ${m[2]}`],
  [/^诉求已提交，工单号 (\S+)。暂未确定所属区，将由工作人员人工分派$/, (m) => `Report submitted, ticket ${m[1]}. The district is not known yet; staff will route it`],
  [/^办结 7 天内未申请重新办理，诉求自动关闭$/, () => 'Closed automatically: no request to reopen within 7 days of resolution'],
  [/^您已撤回诉求：(.*)$/s, (m) => `You withdrew the report: ${m[1]}`],
  [/^您补充了信息：(.*)$/s, (m) => `You added information: ${m[1] === '（照片）' ? '(photos)' : m[1]}`],
  [/^您申请重新办理：(.*)$/s, (m) => `You asked for it to be handled again: ${m[1]}`],
  [/^已超过办理时限，已督办承办部门$/, () => 'Past its deadline; the department has been pressed to act'],
  [/^又有一位市民反映了同一问题$/, () => 'Another resident reported the same problem'],
  [/^合并了重复诉求 (\S+)$/, (m) => `Merged the duplicate report ${m[1]}`],
];

export function timelineMessageEn(message: string): string {
  for (const [re, fn] of TIMELINE_EN) {
    const m = message.match(re);
    if (m) return fn(m);
  }
  return message;
}
