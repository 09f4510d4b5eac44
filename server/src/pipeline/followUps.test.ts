import { randomUUID } from 'node:crypto';
import test from 'ava';
import { submitPhotoOnly, validComplaint, type TestServer } from '../../test/harness';
import { startServerWithFakePipeline, type FakePipeline } from '../../test/fakePipeline';
import mongoose from 'mongoose';
import { PENDING_EFFECTS_DATED } from '../reports/reportRepository';
import { forgetMigration, migrationDone, rawReport, setReportFields, storedReport } from '../../test/reportStore';
import { limitHours } from '../reports/deadline';
import { silentLogger } from '../log';
import { createDeadlineMonitor } from './deadlineMonitor';

let s: TestServer;
let fake: FakePipeline;
test.before(async () => {
  ({ server: s, fake } = await startServerWithFakePipeline());
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

async function until(ok: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await ok()) && Date.now() < end) {
    await s.services.effects.runOnce();
    await new Promise((r) => setTimeout(r, 40));
  }
}

const followUpsFor = (reportId: string) => [...fake.followUps.values()].filter((f) => f.reportId === reportId);

test.serial('effects flagged `true` by an earlier build are dated once, then found by the scan and worked', async (t) => {
  const me = await s.loginCitizen();
  const created = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ description: '小区门口的垃圾桶满了没人清' }), headers: { 'Idempotency-Key': randomUUID() } });
  const id = created.body.id as string;
  await s.services.effects.runOnce(); // this worker has dated the flags of this database (none) at its first scan
  await forgetMigration(PENDING_EFFECTS_DATED);
  const effect = { id: new mongoose.Types.ObjectId().toHexString(), type: 'notify', status: 'accepted', message: '已受理', at: new Date() };
  await setReportFields(id, { effects: [effect], effectsPending: true });
  await s.services.effects.runOnce();
  t.is((await rawReport(id))?.effectsPending, true, 'the scan (a date range) does not see a `true` flag');

  t.is(await s.services.repo.datePendingEffectsOnce(), 1, 'the migration dates it');
  t.true(await migrationDone(PENDING_EFFECTS_DATED));
  t.is(await s.services.repo.datePendingEffectsOnce(), null, 'once: a later start reads the marker');
  await until(async () => (await rawReport(id))?.effectsPending === undefined);
  t.deepEqual((await rawReport(id))?.effects, [], 'the scan found it and the effect was worked');
  t.is((await rawReport(id))?.effectsPending, undefined, 'and off the scan list');
});

test.serial('a triage decision after delivery: the stored deadline and the one the pipeline was told last agree', async (t) => {
  const me = await s.loginCitizen();
  const admin = await s.loginAdmin();
  // A 随申拍 photo without text or chip: no category, so delivered with the 120 h fallback, and triage decides later.
  const created = await submitPhotoOnly(s, me.token);
  const id = created.id;
  const delivered = await s.deliverNow(id);
  t.is(delivered.delivery?.state, 'delivered');
  const told = fake.received.find((r) => r.body.event === 'created' && r.body.reportId === id)!.body;
  t.is(Date.parse(told.dueAt) - Date.parse(created.createdAt), 120 * 3600_000, 'told the fallback at delivery');

  // 夜间施工: 24 h.
  const decided = await s.request('POST', `/api/v1/admin/reports/${id}/category`, { token: admin.token, json: { categoryCode: 'night_construction' } });
  t.is(decided.status, 200, JSON.stringify(decided.body));
  await until(() => followUpsFor(id).some((f) => f.event === 'recategorized'));
  const stored = (await storedReport(id))!;
  t.truthy(stored.dueAt, 'the decision stores the deadline');
  t.is(stored.dueAt!.getTime() - new Date(created.createdAt).getTime(), 24 * 3600_000);
  const last = followUpsFor(id).filter((f) => f.dueAt).at(-1)!;
  t.is(last.event, 'recategorized');
  t.is(last.category.code, 'night_construction');
  t.is(Date.parse(last.dueAt), stored.dueAt!.getTime(), "the pipeline's last word on the deadline is the stored one");
  t.is(decided.body.dueAt, stored.dueAt!.toISOString(), 'and staff see it');
});

test.serial('a category merge: an open ticket gets the new category\'s deadline, stored and told to the pipeline; a finished one keeps its own', async (t) => {
  const me = await s.loginCitizen();
  const admin = await s.loginAdmin();
  // Two siblings whose limits differ at every level, so whichever level the ticket has, its deadline must change.
  const leaf = (hours: { normal: number; urgent: number; semiUrgent: number }) => ({ code: `test_${randomUUID().slice(0, 8)}`, parentCode: 'noise', name: `合并测试${hours.normal}`, keywords: ['合并测试'], deadlineHours: hours });
  const from = leaf({ normal: 48, urgent: 4, semiUrgent: 24 });
  const into = leaf({ normal: 240, urgent: 24, semiUrgent: 72 });
  for (const c of [from, into]) t.is((await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: c })).status, 201);
  const file = async (description: string) => {
    const res = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ categoryCode: from.code, description }), headers: { 'Idempotency-Key': randomUUID() } });
    t.is(res.status, 201, JSON.stringify(res.body));
    t.is(res.body.category?.code, from.code, 'filed under the category the resident picked');
    return res.body as { id: string; createdAt: string };
  };
  const open = await file('晚上楼下一直很吵，影响休息');
  const finished = await file('楼上装修电钻声音太大');
  const filedAt = Date.parse(open.createdAt);
  const level = (await storedReport(open.id))!;
  t.is((await s.deliverNow(open.id)).delivery?.state, 'delivered');
  const told = fake.received.find((r) => r.body.event === 'created' && r.body.reportId === open.id)!.body;
  t.is(Date.parse(told.dueAt), filedAt + limitHours(level, from.deadlineHours) * 3600_000, 'told the first category\'s deadline at delivery');
  await s.deliverNow(finished.id);
  t.is((await s.request('POST', `/api/v1/reports/${finished.id}/withdraw`, { token: me.token, json: { reason: '已经解决了' } })).status, 200);
  await until(async () => ((await storedReport(finished.id))?.effects ?? []).length === 0);
  const finishedBefore = (await storedReport(finished.id))!;

  const merged = await s.request('POST', `/api/v1/admin/categories/${from.code}/merge`, { token: admin.token, json: { into: into.code } });
  t.is(merged.status, 200, JSON.stringify(merged.body));
  await until(() => followUpsFor(open.id).some((f) => f.event === 'recategorized'));

  const stored = (await storedReport(open.id))!;
  t.is(stored.category?.code, into.code);
  t.truthy(stored.dueAt, 'the merge stores the deadline of the new category');
  t.is(stored.dueAt!.getTime(), filedAt + limitHours(stored, into.deadlineHours) * 3600_000, 'counted from filing with the new category\'s limit (reports/deadline.ts)');
  const last = followUpsFor(open.id).filter((f) => f.dueAt).at(-1)!;
  t.is(last.event, 'recategorized');
  t.is(last.category.code, into.code);
  t.is(Date.parse(last.dueAt), stored.dueAt!.getTime(), "the pipeline's last word on the deadline is the stored one");
  t.regex(stored.timeline.at(-1)!.message, /原分类已并入此分类/, 'the resident sees why the category and deadline changed');
  const view = await s.request('GET', `/api/v1/reports/${open.id}`, { token: me.token });
  t.is(view.body.dueAt, stored.dueAt!.toISOString());

  // The withdrawn ticket moves category, and nothing else: no new deadline, timeline entry or follow-up.
  await until(async () => ((await storedReport(finished.id))?.effects ?? []).length === 0);
  const after = (await storedReport(finished.id))!;
  t.is(after.category?.code, into.code);
  t.deepEqual(after.dueAt ?? null, finishedBefore.dueAt ?? null);
  t.is(after.timeline.length, finishedBefore.timeline.length);
  t.false(followUpsFor(finished.id).some((f) => f.event === 'recategorized'));
});

test.serial('a reopen starts a new round: its deadline is stored with the reopen and told to the pipeline, and the monitor holds the ticket to it', async (t) => {
  const me = await s.loginCitizen();
  const created = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ description: '小区路灯坏了好几天' }), headers: { 'Idempotency-Key': randomUUID() } });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  t.is((await s.deliverNow(id)).delivery?.state, 'delivered');
  // Handled in time in its first round, resolved yesterday; that round's deadline has passed since.
  const firstDue = new Date(Date.now() - 3600_000);
  await setReportFields(id, { status: 'resolved', resolvedAt: new Date(Date.now() - 24 * 3600_000), dueAt: firstDue, overdueAt: null });
  const reopened = await s.request('POST', `/api/v1/reports/${id}/reopen`, { token: me.token, json: { reason: '路灯还是不亮' } });
  t.is(reopened.status, 200, JSON.stringify(reopened.body));

  const stored = (await storedReport(id))!;
  const round = stored.timeline.filter((e) => e.status === 'reopened').at(-1)!;
  const info = stored.category?.code ? await s.services.categories.info(stored.category.code) : null;
  t.is(stored.dueAt?.getTime(), round.at.getTime() + limitHours(stored, info?.deadlineHours ?? null) * 3600_000, 'counted from the reopen (reports/deadline.ts)');
  t.is(reopened.body.dueAt, stored.dueAt!.toISOString());
  await until(() => followUpsFor(id).some((f) => f.event === 'reopened'));
  const told = followUpsFor(id).find((f) => f.event === 'reopened')!;
  t.is(Date.parse(told.dueAt), stored.dueAt!.getTime(), 'the pipeline is told the new round\'s deadline with the reopen');

  await createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger }).tick();
  const after = (await storedReport(id))!;
  t.is(after.overdueAt ?? null, null, 'not escalated against the finished round\'s deadline');
  t.false(after.timeline.some((e) => e.message.includes('督办')));
});

// One test: the fake pipeline's failure switch is shared.
test('follow-ups reach the pipeline signed, after the ticket, in order, once each — also across a pipeline outage', async (t) => {
  const me = await s.loginCitizen();
  const created = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint(), headers: { 'Idempotency-Key': randomUUID() } });
  const id = created.body.id as string;

  // A supplement made before the pipeline has the ticket waits for it.
  const early = await s.request('POST', `/api/v1/reports/${id}/supplement`, { token: me.token, json: { text: '井盖边上还有一个坑' } });
  t.is(early.status, 200);
  await s.services.effects.runOnce();
  t.is(followUpsFor(id).length, 0, 'not before the ticket itself');

  await s.services.dispatcher.tick();
  await until(() => followUpsFor(id).length === 1);
  const [supplement] = followUpsFor(id);
  t.is(supplement.event, 'supplement');
  t.is(supplement.ticketNo, created.body.ticketNo);
  t.regex(supplement.externalId, /^CITY-/);
  t.is(supplement.message, '井盖边上还有一个坑');
  t.regex(supplement.idempotencyKey, /^followup:[0-9a-f]{24}$/);
  const raw = fake.received.find((r) => r.idempotencyKey === supplement.idempotencyKey)!;
  t.is(raw.signature, 'ok');

  // The pipeline goes down: the 催办 (allowed a day after submitting) is retried until it gets through, once.
  await setReportFields(id, { createdAt: new Date(Date.now() - 25 * 3600_000) });
  fake.fail('http500', 2);
  t.is((await s.request('POST', `/api/v1/reports/${id}/urge`, { token: me.token, json: { message: '快一周了' } })).status, 200);
  t.is((await s.request('POST', `/api/v1/reports/${id}/supplement`, { token: me.token, json: { text: '今天又有人绊倒' } })).status, 200);
  await until(() => followUpsFor(id).length === 3);
  t.deepEqual(followUpsFor(id).map((f) => f.event), ['supplement', 'urge', 'supplement'], 'in the order they were made');
  t.is(followUpsFor(id)[1].message, '快一周了');
  const urgeKey = followUpsFor(id)[1].idempotencyKey;
  t.true(fake.received.filter((r) => r.idempotencyKey === urgeKey).length >= 2, 'the urge was retried');

  await until(async () => ((await storedReport(id))?.effects ?? []).length === 0);
  t.deepEqual((await storedReport(id))?.effects, [], 'the outbox is empty once all went through');
  await until(async () => (await storedReport(id))?.effectsPending === undefined);
  t.is((await storedReport(id))?.effectsPending, undefined, 'and off the worker’s scan list');

  // A status move by the resident is forwarded too.
  const other = await s.request('POST', '/api/v1/reports', { token: me.token, json: validComplaint({ description: '路边共享单车堆满了人行道' }), headers: { 'Idempotency-Key': randomUUID() } });
  await s.services.dispatcher.tick();
  await s.request('POST', `/api/v1/reports/${other.body.id}/withdraw`, { token: me.token, json: { reason: '已经有人清理了' } });
  await until(() => followUpsFor(other.body.id).length === 1);
  t.is(followUpsFor(other.body.id)[0]?.event, 'withdrawn');
});
