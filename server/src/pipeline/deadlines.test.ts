import test from 'ava';
import { startTestServer, submitComplaint, type TestServer } from '../../test/harness';
import { silentLogger } from '../log';
import { setReportFields } from '../../test/reportStore';
import { createDeadlineMonitor } from './deadlineMonitor';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

async function newReport() {
  const { report, citizen } = await submitComplaint(s);
  return { id: report.id, citizen };
}

// Serial: monitors from one test must not act on another test's tickets mid-check.
test.serial('a ticket past its deadline is marked overdue and escalated once, even with two monitors running', async (t) => {
  const { id, citizen } = await newReport();
  await setReportFields(id, { status: 'dispatched', dueAt: new Date(Date.now() - 3600_000) });
  const a = createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger });
  const b = createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger });
  await Promise.all([a.tick(), b.tick()]);
  await a.tick();
  const view = await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token });
  t.true(view.body.overdue);
  t.is(view.body.timeline.filter((e: { message: string }) => e.message.includes('督办')).length, 1);
  const admin = await s.loginAdmin();
  const list = await s.request('GET', '/api/v1/admin/reports?status=dispatched&overdue=1', { token: admin.token });
  t.true(list.body.items.some((r: { id: string }) => r.id === id));
});

test.serial('a ticket within its deadline is left alone', async (t) => {
  const { id, citizen } = await newReport();
  await setReportFields(id, { status: 'in_progress', dueAt: new Date(Date.now() + 3600_000) });
  await createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger }).tick();
  t.false((await s.request('GET', `/api/v1/reports/${id}`, { token: citizen.token })).body.overdue);
});

test.serial('a resolved ticket closes by itself after 7 days; a recent one does not', async (t) => {
  const old = await newReport();
  const recent = await newReport();
  await setReportFields(old.id, { status: 'resolved', resolvedAt: new Date(Date.now() - 8 * 24 * 3600_000) });
  await setReportFields(recent.id, { status: 'resolved', resolvedAt: new Date(Date.now() - 2 * 24 * 3600_000) });
  await createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger }).tick();
  const closed = await s.request('GET', `/api/v1/reports/${old.id}`, { token: old.citizen.token });
  t.is(closed.body.status, 'closed');
  t.is(closed.body.timeline.at(-1).actor, 'system');
  t.is((await s.request('GET', `/api/v1/reports/${recent.id}`, { token: recent.citizen.token })).body.status, 'resolved');
});

test.serial('a monitor that dies between finding a ticket due and writing it loses nothing: the next pass escalates and closes it', async (t) => {
  const late = await newReport();
  const stale = await newReport();
  await setReportFields(late.id, { status: 'dispatched', dueAt: new Date(Date.now() - 3600_000) });
  await setReportFields(stale.id, { status: 'resolved', resolvedAt: new Date(Date.now() - 8 * 24 * 3600_000) });
  // The first monitor fails at its write, as a process killed there would: after deciding, before the write lands.
  const crash = () => Promise.reject(new Error('process died'));
  const dyingEscalating = createDeadlineMonitor({ repo: { ...s.services.repo, update: crash }, tickets: s.services.tickets, log: silentLogger });
  await t.throwsAsync(dyingEscalating.tick(), { message: 'process died' });
  const dyingClosing = createDeadlineMonitor({ repo: { ...s.services.repo, overdue: async () => [] }, tickets: { ...s.services.tickets, systemClose: crash }, log: silentLogger });
  await dyingClosing.tick();
  t.is((await s.request('GET', `/api/v1/reports/${stale.id}`, { token: stale.citizen.token })).body.status, 'resolved');
  t.false((await s.request('GET', `/api/v1/reports/${late.id}`, { token: late.citizen.token })).body.overdue);
  // A monitor started afresh (the restarted process, or another instance) still does both, once.
  const next = createDeadlineMonitor({ repo: s.services.repo, tickets: s.services.tickets, log: silentLogger });
  await next.tick();
  await next.tick();
  const escalated = await s.request('GET', `/api/v1/reports/${late.id}`, { token: late.citizen.token });
  t.true(escalated.body.overdue);
  t.is(escalated.body.timeline.filter((e: { message: string }) => e.message.includes('督办')).length, 1);
  t.is((await s.request('GET', `/api/v1/reports/${stale.id}`, { token: stale.citizen.token })).body.status, 'closed');
});
