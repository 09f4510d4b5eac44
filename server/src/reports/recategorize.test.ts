import test from 'ava';
import { serverForFile, submitComplaint, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import { setReportFields, storedReport } from '../../test/reportStore';

/** 更正分类: staff correct the category of a report after triage (cold review 2026-11-30: a slip could not be undone). */
let s: TestServer;
let admin: { token: string };
serverForFile(test, (server, signedIn) => {
  s = server;
  admin = signedIn;
});

const XUHUI = { lat: 31.188, lng: 121.4365, coordSystem: 'gcj02', accuracy: 10, address: '徐汇区华山路' };
const submit = async (body: Record<string, unknown> = {}) => {
  const { report, citizen } = await submitComplaint(s, body);
  return { ...report, citizen };
};
const correct = (token: string, id: string, json: Record<string, unknown>) => s.request('POST', `/api/v1/admin/reports/${id}/category`, { token, json });

test('an auto-filed report is corrected with a reason: category, deadline, timeline, training state and audit change', async (t) => {
  // Filed by the classifier (人民广场 manhole cover: confident).
  const r = await submit();
  t.truthy(r.category);
  const from = r.category!.code;
  const to = from === 'street_lights' ? 'illegal_parking' : 'street_lights';

  // Without a reason it is still what it was: the report is not waiting for triage.
  const bare = await correct(admin.token, r.id, { categoryCode: to });
  t.is(bare.status, 409);
  t.is(bare.body.error.code, 'TRIAGE_NOT_PENDING');
  // An empty reason is refused with a field error.
  const empty = await correct(admin.token, r.id, { categoryCode: to, reason: ' ' });
  t.is(empty.status, 400);
  t.is(empty.body.error.details[0].path, 'reason');
  // The same category again is refused.
  const same = await correct(admin.token, r.id, { categoryCode: from, reason: '误选' });
  t.is(same.status, 400);
  t.is(same.body.error.details[0].code, 'unchanged');

  const ok = await correct(admin.token, r.id, { categoryCode: to, reason: '拖动时误选', expectedCategoryCode: from });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.is(ok.body.category.code, to);
  t.is(ok.body.triage.state, 'corrected');
  t.regex(ok.body.timeline.at(-1).message, /^工作人员更正分类：.+ → .+$/);
  t.notRegex(ok.body.timeline.at(-1).message, /拖动时误选/, 'the reason is for the audit log, not the resident');
  const stored = await storedReport(r.id);
  t.is(stored!.category?.code, to);
  t.is(stored!.triage?.state, 'corrected', 'training data takes the corrected category');

  // The resident sees the new category and the plain timeline line.
  const mine = await s.request('GET', `/api/v1/reports/${r.id}`, { token: r.citizen.token });
  t.is(mine.body.category.code, to);

  // The audit entry carries who, before, after and the reason; the detail lists it.
  const detail = await s.request('GET', `/api/v1/admin/reports/${r.id}`, { token: admin.token });
  const entry = detail.body.audit.find((a: { action: string }) => a.action === 'report.recategorize');
  t.truthy(entry, JSON.stringify(detail.body.audit));
  t.is(entry.summary.reason, '拖动时误选');
  t.is(entry.summary.before.category, from);
  t.is(entry.summary.after.category, to);

  // Someone working from the old category is told it changed, not allowed to overwrite.
  const stale = await correct(admin.token, r.id, { categoryCode: 'illegal_parking' === to ? 'street_lights' : 'illegal_parking', reason: '再改', expectedCategoryCode: from });
  t.is(stale.status, 409);
  t.is(stale.body.error.code, 'CATEGORY_CHANGED');
});

test('who may correct: triage roles only, and a district-scoped account only in its districts', async (t) => {
  const huangpu = await submit();
  const xuhui = await submit({ description: '徐家汇天桥下的人行道砖块翘起来了，容易绊倒', location: XUHUI });
  const to = (r: { category: { code: string } | null }) => (r.category?.code === 'street_lights' ? 'illegal_parking' : 'street_lights');
  const analyst = await createStaff(s, admin.token, { roles: ['analyst'] });
  const hpOperator = await createStaff(s, admin.token, { roles: ['operator'], districts: ['310101'] });
  const categoryAdmin = await createStaff(s, admin.token, { roles: ['category_admin'] });

  t.is((await correct(analyst.token, huangpu.id, { categoryCode: to(huangpu), reason: '分类有误' })).status, 403);
  const notMine = await correct(hpOperator.token, xuhui.id, { categoryCode: to(xuhui), reason: '分类有误' });
  t.is(notMine.status, 404, 'another district\'s report does not exist for a scoped account');
  t.is((await storedReport(xuhui.id))!.category?.code, xuhui.category?.code, 'and it is unchanged');
  t.is((await correct(hpOperator.token, huangpu.id, { categoryCode: to(huangpu), reason: '分类有误' })).status, 200);
  t.is((await correct(categoryAdmin.token, xuhui.id, { categoryCode: to(xuhui), reason: '分类有误' })).status, 200);
});

test('a finished ticket keeps its deadline and tells the pipeline nothing; only the category changes', async (t) => {
  const r = await submit();
  const before = await storedReport(r.id);
  await setReportFields(r.id, { status: 'closed', effects: [], effectsPending: null });
  const to = r.category?.code === 'street_lights' ? 'illegal_parking' : 'street_lights';
  const ok = await correct(admin.token, r.id, { categoryCode: to, reason: '统计口径更正' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  const after = await storedReport(r.id);
  t.is(after!.category?.code, to);
  t.is(after!.dueAt?.getTime(), before!.dueAt?.getTime());
  t.false((after!.effects ?? []).some((e) => e.type === 'forward' && e.event === 'recategorized'));
});
