import test from 'ava';
import { canTransition, REPORT_STATUSES, type ReportStatus } from '@ssp/shared';
import { serverForFile, submitComplaint, type TestServer } from '../../test/harness';
import { setReportFields, storedReport } from '../../test/reportStore';
import { deadlineFor, defaultSemiUrgentHours, FALLBACK_DEADLINE_HOURS, limitHours } from './deadline';

let s: TestServer;
let admin: { token: string };
serverForFile(test, (server, signedIn) => {
  s = server;
  admin = signedIn;
});

async function newReport() {
  const { report, citizen } = await submitComplaint(s, { description: '路灯坏了一个星期，晚上一片漆黑' });
  return { id: report.id, citizen };
}
const staffMove = (id: string, to: string, extra: Record<string, unknown> = {}) => s.request('POST', `/api/v1/admin/reports/${id}/transitions`, { token: admin.token, json: { to, message: '处理说明', ...extra } });
const setStatus = (id: string, status: ReportStatus, extra: Record<string, unknown> = {}) => setReportFields(id, { status, ...extra });

const STAFF_TARGETS = ['accepted', 'rejected', 'dispatched', 'in_progress', 'resolved', 'returned', 'closed'] as const;

test('every staff move from every status is allowed exactly when the state machine says so, and a refused one changes nothing', async (t) => {
  const { id } = await newReport();
  for (const from of REPORT_STATUSES) {
    for (const to of STAFF_TARGETS) {
      await setStatus(id, from);
      const before = (await storedReport(id))!.timeline.length;
      const res = await staffMove(id, to);
      const legal = canTransition(from, to, 'admin');
      t.is(res.status, legal ? 200 : 409, `${from} → ${to}: ${JSON.stringify(res.body.error ?? '')}`);
      const after = (await storedReport(id))!;
      if (legal) {
        t.is(after.status, to);
        t.is(after.timeline.length, before + 1);
        t.is(after.timeline.at(-1)!.actor, 'admin');
      } else {
        t.is(res.body.error.code, 'ILLEGAL_TRANSITION');
        t.is(after.status, from);
        t.is(after.timeline.length, before);
      }
    }
  }
});

test('residents withdraw only before dispatch; staff moves are staff-only', async (t) => {
  for (const from of REPORT_STATUSES) {
    const { id, citizen } = await newReport();
    await setStatus(id, from);
    const res = await s.request('POST', `/api/v1/reports/${id}/withdraw`, { token: citizen.token, json: { reason: '问题已自行解决' } });
    t.is(res.status, canTransition(from, 'withdrawn', 'citizen') ? 200 : 409, from);
  }
  const { id, citizen } = await newReport();
  t.is((await s.request('POST', `/api/v1/admin/reports/${id}/transitions`, { token: citizen.token, json: { to: 'accepted' } })).status, 403);
  const other = await s.loginCitizen();
  t.is((await s.request('POST', `/api/v1/reports/${id}/withdraw`, { token: other.token, json: { reason: '不是我的' } })).status, 404);
  t.is((await s.request('POST', `/api/v1/reports/${id}/withdraw`, { token: citizen.token, json: {} })).status, 400);
});

test('guards: rejection needs a reason, resolution needs a reply; dispatch sets department and deadline', async (t) => {
  const { id } = await newReport();
  await staffMove(id, 'accepted');
  const { id: id2 } = await newReport();
  const noReason = await s.request('POST', `/api/v1/admin/reports/${id2}/transitions`, { token: admin.token, json: { to: 'rejected' } });
  t.is(noReason.body.error.code, 'REASON_REQUIRED');
  const dispatched = await staffMove(id, 'dispatched', { message: undefined });
  t.is(dispatched.status, 200);
  t.truthy(dispatched.body.department);
  const due = new Date(dispatched.body.dueAt).getTime();
  t.true(due > Date.now() + 3600_000, 'deadline comes from the category hours');
  t.regex(dispatched.body.timeline.at(-1).message, /派发至/);
  const noReply = await s.request('POST', `/api/v1/admin/reports/${id}/transitions`, { token: admin.token, json: { to: 'resolved' } });
  t.is(noReply.body.error.code, 'REPLY_REQUIRED');
});

test('urge: only after 24 h open, at most once per 24 h; shown in the timeline', async (t) => {
  const { id, citizen } = await newReport();
  const urge = () => s.request('POST', `/api/v1/reports/${id}/urge`, { token: citizen.token, json: {} });
  t.is((await urge()).body.error.code, 'URGE_TOO_EARLY');
  // Raw driver: mongoose treats createdAt as immutable.
  await setReportFields(id, { createdAt: new Date(Date.now() - 25 * 3600_000) });
  const ok = await urge();
  t.is(ok.status, 200);
  t.regex(ok.body.timeline.at(-1).message, /催办/);
  t.false(ok.body.allowedActions.urge);
  t.is((await urge()).status, 429);
  await setReportFields(id, { lastUrgedAt: new Date(Date.now() - 25 * 3600_000) });
  t.is((await urge()).status, 200);
  await setStatus(id, 'closed');
  t.is((await urge()).status, 429, 'closed tickets cannot be urged');
});

test('urge: once the deadline has passed, even within 24 h of filing; the view says when it becomes possible', async (t) => {
  const { id, citizen } = await newReport();
  const urge = () => s.request('POST', `/api/v1/reports/${id}/urge`, { token: citizen.token, json: {} });
  const view = async () => (await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token })).body;
  const created = Date.parse((await view()).createdAt);
  // No deadline (or a later one): 24 h after filing.
  await setReportFields(id, { dueAt: null });
  t.is(Date.parse((await view()).urgeFrom), created + 24 * 3600_000);
  // An urgent ticket's 1-hour deadline comes first: that is when 催办 opens.
  const due = new Date(Date.now() + 3600_000);
  await setReportFields(id, { dueAt: due, status: 'dispatched' });
  const before = await view();
  t.false(before.allowedActions.urge);
  t.is(Date.parse(before.urgeFrom), due.getTime());
  t.is((await urge()).body.error.code, 'URGE_TOO_EARLY');
  // Past the deadline, an hour after filing.
  await setReportFields(id, { dueAt: new Date(Date.now() - 60_000) });
  const after = await view();
  t.true(after.allowedActions.urge);
  t.is(after.urgeFrom, null);
  const ok = await urge();
  t.is(ok.status, 200);
  // Still at most once per 24 h.
  t.false(ok.body.allowedActions.urge);
  t.is(Date.parse(ok.body.urgeFrom), Date.parse((await storedReport(id))!.lastUrgedAt!.toISOString()) + 24 * 3600_000);
  t.is((await urge()).body.error.code, 'URGE_TOO_EARLY');
  await setStatus(id, 'closed');
  t.is((await view()).urgeFrom, null, 'closed: nothing to wait for');
});

test('rating: satisfied closes; unsatisfied keeps 重新办理 open for 7 days, then it is refused', async (t) => {
  const a = await newReport();
  await setStatus(a.id, 'resolved', { resolvedAt: new Date() });
  const early = await s.request('POST', `/api/v1/reports/${a.id}/rate`, { token: a.citizen.token, json: { rating: 'great' } });
  t.is(early.status, 400);
  const sat = await s.request('POST', `/api/v1/reports/${a.id}/rate`, { token: a.citizen.token, json: { rating: 'satisfied', comment: '很快就修好了' } });
  t.is(sat.body.status, 'closed');
  t.is((await s.request('POST', `/api/v1/reports/${a.id}/rate`, { token: a.citizen.token, json: { rating: 'satisfied' } })).body.error.code, 'RATING_NOT_ALLOWED');

  const b = await newReport();
  await setStatus(b.id, 'resolved', { resolvedAt: new Date(Date.now() - 6 * 24 * 3600_000) });
  const unsat = await s.request('POST', `/api/v1/reports/${b.id}/rate`, { token: b.citizen.token, json: { rating: 'unsatisfied' } });
  t.is(unsat.body.status, 'resolved');
  t.true(unsat.body.allowedActions.reopen);
  const reopened = await s.request('POST', `/api/v1/reports/${b.id}/reopen`, { token: b.citizen.token, json: { reason: '路灯还是不亮' } });
  t.is(reopened.body.status, 'reopened');

  const c = await newReport();
  await setStatus(c.id, 'resolved', { resolvedAt: new Date(Date.now() - 8 * 24 * 3600_000) });
  const late = await s.request('POST', `/api/v1/reports/${c.id}/reopen`, { token: c.citizen.token, json: { reason: '还是没修好' } });
  t.is(late.body.error.code, 'REOPEN_WINDOW_CLOSED');
  const view = await s.request('GET', `/api/v1/reports/${c.id}`, { token: c.citizen.token });
  t.false(view.body.allowedActions.reopen);
});

test('a rating is given once, even when several are sent at once: exactly one wins and the stored rating is its', async (t) => {
  // 不满意 leaves the status as it is, so a 满意 racing it must also check that nobody rated meanwhile.
  const sent = ['unsatisfied', 'satisfied', 'unsatisfied', 'satisfied', 'basically_satisfied', 'unsatisfied'];
  for (let round = 0; round < 4; round++) {
    const r = await newReport();
    await setStatus(r.id, 'resolved', { resolvedAt: new Date() });
    const answers = await Promise.all(sent.map((rating) => s.request('POST', `/api/v1/reports/${r.id}/rate`, { token: r.citizen.token, json: { rating } })));
    const won = sent.filter((_, i) => answers[i].status === 200);
    t.is(won.length, 1, `round ${round}: ${answers.map((a, i) => `${sent[i]} ${a.status}`).join(', ')}`);
    t.true(answers.every((a) => a.status === 200 || a.status === 409));
    const stored = (await storedReport(r.id))!;
    t.is(stored.rating?.value, won[0]);
    t.is(stored.status, won[0] === 'unsatisfied' ? 'resolved' : 'closed');
    t.is(stored.timeline.filter((e) => e.message.startsWith('您的评价')).length, 1, 'one rating in the timeline');
  }
});

test('an urge and a withdrawal at once: never an urge recorded on a withdrawn ticket', async (t) => {
  for (let round = 0; round < 4; round++) {
    const { id, citizen } = await newReport();
    await setReportFields(id, { createdAt: new Date(Date.now() - 25 * 3600_000) });
    const [urge, withdraw] = await Promise.all([
      s.request('POST', `/api/v1/reports/${id}/urge`, { token: citizen.token, json: { message: '快点处理' } }),
      s.request('POST', `/api/v1/reports/${id}/withdraw`, { token: citizen.token, json: { reason: '已经不需要了' } }),
    ]);
    t.is(withdraw.status, 200);
    const stored = (await storedReport(id))!;
    t.is(stored.status, 'withdrawn');
    t.is(stored.timeline.at(-1)!.status, 'withdrawn', 'nothing after the withdrawal');
    const urges = stored.timeline.filter((e) => e.message.includes('催办'));
    // Either the urge came first (recorded in the status before) or it found the ticket withdrawn and was refused.
    if (urge.status === 200) {
      t.is(urges.length, 1);
      t.true(stored.timeline.indexOf(urges[0]) < stored.timeline.length - 1, 'before the withdrawal');
    } else {
      t.is(urge.body.error.code, 'URGE_TOO_EARLY');
      t.is(urges.length, 0);
    }
    t.false(urges.some((e) => e.status === 'withdrawn'));
  }
});

test('supplement adds text to an open ticket and is refused once it is over', async (t) => {
  const { id, citizen } = await newReport();
  const res = await s.request('POST', `/api/v1/reports/${id}/supplement`, { token: citizen.token, json: { text: '今晚发现旁边两盏也不亮了' } });
  t.is(res.status, 200);
  t.regex(res.body.timeline.at(-1).message, /补充/);
  t.is((await s.request('POST', `/api/v1/reports/${id}/supplement`, { token: citizen.token, json: {} })).status, 400);
  await setStatus(id, 'closed');
  t.is((await s.request('POST', `/api/v1/reports/${id}/supplement`, { token: citizen.token, json: { text: '再补充' } })).status, 409);
});

test('the detail view lists exactly the actions the rules allow', async (t) => {
  const { id, citizen } = await newReport();
  const view = async () => (await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token })).body.allowedActions;
  t.deepEqual(await view(), { withdraw: true, urge: false, supplement: true, rate: false, reopen: false });
  await setStatus(id, 'dispatched');
  t.deepEqual(await view(), { withdraw: false, urge: false, supplement: true, rate: false, reopen: false });
  await setStatus(id, 'resolved', { resolvedAt: new Date() });
  t.deepEqual(await view(), { withdraw: false, urge: false, supplement: false, rate: true, reopen: true });
});

test('the deadline counts from filing (the one rule in reports/deadline.ts), not from dispatch', async (t) => {
  const { id } = await newReport();
  const filedAt = new Date(Date.now() - 5 * 3600_000);
  await setReportFields(id, { createdAt: filedAt });
  await staffMove(id, 'accepted');
  const dispatched = await staffMove(id, 'dispatched', { message: undefined });
  const stored = (await storedReport(id))!;
  const info = await s.services.categories.info(stored.category!.code!);
  const hours = limitHours(stored, info!.deadlineHours);
  t.is(new Date(dispatched.body.dueAt).getTime(), filedAt.getTime() + hours * 3600_000);
  t.is(stored.dueAt!.getTime(), filedAt.getTime() + hours * 3600_000);
});

test('a 次紧急 ticket gets its category\'s 次紧急 limit, between 紧急 and normal, once an admin sets it', async (t) => {
  const { id } = await newReport();
  const filedAt = new Date(Date.now() - 3600_000);
  await setReportFields(id, { createdAt: filedAt, urgency: 'semi_urgent', urgent: false });
  const code = (await storedReport(id))!.category!.code!;
  const info = (await s.services.categories.info(code))!;
  const { normal, urgent } = info.deadlineHours;
  const semiUrgent = Math.max(urgent, Math.min(normal, 36));
  const bad = await s.request('PATCH', `/api/v1/admin/categories/${code}`, { token: admin.token, json: { deadlineHours: { normal, urgent, semiUrgent: normal + 1 } } });
  t.is(bad.status, 400);
  t.true(bad.body.error.details.some((d: { path: string }) => d.path === 'deadlineHours.semiUrgent'), JSON.stringify(bad.body));
  const ok = await s.request('PATCH', `/api/v1/admin/categories/${code}`, { token: admin.token, json: { deadlineHours: { normal, urgent, semiUrgent } } });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.is(ok.body.deadlineHours.semiUrgent, semiUrgent);
  await staffMove(id, 'accepted');
  const dispatched = await staffMove(id, 'dispatched', { message: undefined });
  t.is(new Date(dispatched.body.dueAt).getTime(), filedAt.getTime() + semiUrgent * 3600_000);
  await s.request('PATCH', `/api/v1/admin/categories/${code}`, { token: admin.token, json: { deadlineHours: { normal, urgent, semiUrgent: null } } });
});

test('deadlineFor: category hours (urgent or normal), 120 h without a category, a reopened round counts from the reopen', (t) => {
  const createdAt = new Date('2026-11-01T00:00:00Z');
  const hours = { normal: 72, urgent: 24 };
  t.is(deadlineFor({ createdAt }, hours).toISOString(), '2026-11-04T00:00:00.000Z');
  t.is(deadlineFor({ createdAt, urgent: true }, hours).toISOString(), '2026-11-02T00:00:00.000Z');
  t.is(deadlineFor({ createdAt }, null).getTime(), createdAt.getTime() + FALLBACK_DEADLINE_HOURS * 3600_000);
  // 次紧急: the category's own limit, else a day kept between 紧急 and normal
  t.is(deadlineFor({ createdAt, urgency: 'semi_urgent' }, { ...hours, semiUrgent: 36 }).toISOString(), '2026-11-02T12:00:00.000Z');
  t.is(deadlineFor({ createdAt, urgency: 'semi_urgent' }, hours).toISOString(), '2026-11-02T00:00:00.000Z');
  t.is(defaultSemiUrgentHours({ normal: 48, urgent: 1 }), 24);
  t.is(defaultSemiUrgentHours({ normal: 240, urgent: 48 }), 48);
  t.is(defaultSemiUrgentHours({ normal: 12, urgent: 2 }), 12);
  t.is(deadlineFor({ createdAt, urgency: 'urgent', urgent: true }, { ...hours, semiUrgent: 36 }).toISOString(), '2026-11-02T00:00:00.000Z');
  t.is(deadlineFor({ createdAt, urgency: 'normal' }, { ...hours, semiUrgent: 36 }).toISOString(), '2026-11-04T00:00:00.000Z');
  const reopenedAt = new Date('2026-11-10T00:00:00Z');
  const timeline = [
    { at: createdAt, status: 'submitted' as const },
    { at: reopenedAt, status: 'reopened' as const },
  ];
  t.is(deadlineFor({ createdAt, timeline }, hours).toISOString(), '2026-11-13T00:00:00.000Z');
});
