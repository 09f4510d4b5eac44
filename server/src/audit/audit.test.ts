import test from 'ava';
import { serverForFile, submitComplaint, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import { setReportFields } from '../../test/reportStore';
import { Audit, type AuditDoc } from './auditModel';

let s: TestServer;
let admin: { token: string; userId: string };
serverForFile(test, (server, signedIn) => {
  s = server;
  admin = signedIn;
});

async function newReport(body: Record<string, unknown> = {}) {
  return (await submitComplaint(s, body)).report;
}

/** Runs one request and returns the audit entries it left. */
async function entriesOf(run: () => Promise<{ status: number; body: any; headers: Headers }>, expectStatus: number) {
  const before = await Audit.countDocuments({});
  const res = await run();
  if (res.status !== expectStatus) throw new Error(`expected ${expectStatus}, got ${res.status}: ${JSON.stringify((res as { body?: unknown }).body)}`);
  const docs = await Audit.find({}).sort({ _id: -1 }).limit(5).lean<AuditDoc[]>();
  return { count: (await Audit.countDocuments({})) - before, last: docs[0] as AuditDoc & { summary: any }, res };
}

test.serial('each kind of staff write leaves exactly one entry with actor, roles, target, change, address and request id', async (t) => {
  const a = admin.token;
  const req = (method: string, path: string, json?: unknown) => s.request(method, path, { token: a, ...(json !== undefined ? { json } : {}) });
  const cat = await s.request('GET', '/api/v1/admin/categories', { token: a });
  const first = cat.body.categories[0];
  const leaf = first.children[0];

  const cases: [string, () => Promise<{ status: number; body: any; headers: Headers }>, number][] = [
    ['category.create', () => req('POST', '/api/v1/admin/categories', { code: 'audit_test_leaf', parentCode: first.code, name: '审计测试', deadlineHours: { normal: 72, urgent: 24 } }), 201],
    ['category.update', () => req('PATCH', `/api/v1/admin/categories/${leaf.code}`, { keywords: [...leaf.keywords, '审计词'] }), 200],
    ['category.delete', () => req('DELETE', '/api/v1/admin/categories/audit_test_leaf'), 204],
    ['staff.create', () => req('POST', '/api/v1/admin/staff', { username: 'audit.target', displayName: '审计对象', roles: ['analyst'] }), 201],
    ['classifier.retrain', () => req('POST', '/api/v1/admin/classifier/retrain', {}), 200],
    ['reports.export', () => req('GET', '/api/v1/admin/reports/export?format=csv'), 200],
    ['audit.export', () => req('GET', '/api/v1/admin/audit/export'), 200],
  ];
  for (const [action, run, status] of cases) {
    const { count, last, res } = await entriesOf(run, status);
    t.is(count, 1, action);
    t.is(last!.action, action);
    t.is(last!.actor.id, admin.userId);
    t.deepEqual(last!.actor.roles, ['admin']);
    t.is(last!.actor.name, 'admin');
    t.is(last!.requestId, res.headers.get('x-request-id') ?? 'missing');
    t.truthy(last!.ip);
    t.true(last!.at instanceof Date);
  }
  const update = await Audit.findOne({ action: 'category.update' }).lean();
  t.deepEqual(update!.summary.before, { keywords: leaf.keywords });
  t.deepEqual(update!.summary.after, { keywords: [...leaf.keywords, '审计词'] });

  // Account changes: before/after, no password in the trail.
  const target = (await s.request('GET', '/api/v1/admin/staff', { token: a })).body.items.find((x: { username: string }) => x.username === 'audit.target');
  const { count, last } = await entriesOf(() => req('PATCH', `/api/v1/admin/staff/${target.id}`, { roles: ['analyst', 'operator'], resetPassword: true }), 200);
  t.is(count, 1);
  t.deepEqual(last!.summary.before.roles, ['analyst']);
  t.deepEqual(last!.summary.after.roles, ['operator', 'analyst']);
  t.false(JSON.stringify(last).includes('initialPassword'));

  // Report writes by an operator: transition, triage decision, merge.
  const op = await createStaff(s, a, { roles: ['operator'] });
  const r1 = await newReport();
  const r2 = await newReport({ description: '人民广场地铁站出口的窨井盖松动了，踩上去晃得厉害' });
  const opReq = (method: string, path: string, json?: unknown) => s.request(method, path, { token: op.token, ...(json !== undefined ? { json } : {}) });
  const moved = await entriesOf(() => opReq('POST', `/api/v1/admin/reports/${r1.id}/transitions`, { to: 'accepted' }), 200);
  t.is(moved.count, 1);
  t.is(moved.last!.action, 'report.transition');
  t.deepEqual(moved.last!.summary.before, { status: 'submitted' });
  t.deepEqual(moved.last!.summary.after, { status: 'accepted' });
  t.is(moved.last!.target.label, r1.ticketNo);
  t.deepEqual(moved.last!.actor.roles, ['operator']);
  const merged = await entriesOf(() => opReq('POST', `/api/v1/admin/reports/${r2.id}/merge`, { into: r1.ticketNo }), 200);
  t.is(merged.count, 1);
  t.is(merged.last!.summary.into, r1.ticketNo);

  // A triage decision on a report waiting for one.
  const r3 = await newReport({ description: '有个事情想反映一下' });
  await setReportFields(r3.id, { 'triage.state': 'pending' });
  const triaged = await entriesOf(() => opReq('POST', `/api/v1/admin/reports/${r3.id}/category`, { categoryCode: leaf.code }), 200);
  t.is(triaged.count, 1);
  t.is(triaged.last!.action, 'report.triage');
  t.is(triaged.last!.summary.after.category, leaf.code);

  // A staff member's own password change.
  const pw = await entriesOf(() => s.request('POST', '/api/v1/auth/password', { token: op.token, json: { current: op.password, next: 'Another-long-river-song' } }), 200);
  t.is(pw.count, 1);
  t.is(pw.last!.action, 'staff.password');
});

test.serial('rejected writes (400, 403, 404, 409) leave no entry', async (t) => {
  const analyst = await createStaff(s, admin.token, { roles: ['analyst'] });
  const before = await Audit.countDocuments({});
  const r = await newReport();
  const cases: [number, Promise<{ status: number }>][] = [
    [400, s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: { code: 'Bad Code' } })],
    [400, s.request('PATCH', '/api/v1/admin/staff/5f00000000000000000000aa', { token: admin.token, json: { roles: [] } })],
    [400, s.request('GET', '/api/v1/admin/reports/export?format=pdf', { token: admin.token })],
    [403, s.request('POST', '/api/v1/admin/classifier/retrain', { token: analyst.token, json: {} })],
    [403, s.request('POST', `/api/v1/admin/reports/${r.id}/transitions`, { token: analyst.token, json: { to: 'accepted' } })],
    [404, s.request('PATCH', '/api/v1/admin/categories/no_such_code', { token: admin.token, json: { name: '不存在的' } })],
    [409, s.request('POST', `/api/v1/admin/reports/${r.id}/transitions`, { token: admin.token, json: { to: 'resolved', message: '已处理' } })],
    [409, s.request('POST', '/api/v1/admin/staff', { token: admin.token, json: { username: 'admin', displayName: '重复', roles: ['admin'] } })],
    [409, s.request('PATCH', `/api/v1/admin/staff/${admin.userId}`, { token: admin.token, json: { disabled: true } })],
  ];
  for (const [status, p] of cases) t.is((await p).status, status);
  t.is(await Audit.countDocuments({}), before, 'no entries from rejected writes');
});

test.serial('admins browse entries by actor, action, target and time, page with a cursor, and export them; others cannot; there is no way to edit or delete', async (t) => {
  const all = await s.request('GET', '/api/v1/admin/audit?limit=3', { token: admin.token });
  t.is(all.status, 200);
  t.is(all.body.items.length, 3);
  t.truthy(all.body.nextCursor);
  const next = await s.request('GET', `/api/v1/admin/audit?limit=3&cursor=${all.body.nextCursor}`, { token: admin.token });
  t.false(next.body.items.some((e: { id: string }) => all.body.items.some((f: { id: string }) => f.id === e.id)));
  t.true(next.body.items[0].at <= all.body.items[2].at);

  const byAction = await s.request('GET', '/api/v1/admin/audit?action=category.update', { token: admin.token });
  t.true(byAction.body.items.length >= 1);
  t.true(byAction.body.items.every((e: { action: string }) => e.action === 'category.update'));
  const byPrefix = await s.request('GET', '/api/v1/admin/audit?action=category', { token: admin.token });
  t.true(byPrefix.body.items.every((e: { action: string }) => e.action.startsWith('category.')));
  t.true(byPrefix.body.items.length >= 3);
  const byActor = await s.request('GET', `/api/v1/admin/audit?actor=${admin.userId}`, { token: admin.token });
  t.true(byActor.body.items.every((e: { actor: { id: string } }) => e.actor.id === admin.userId));
  const future = await s.request('GET', `/api/v1/admin/audit?from=${new Date(Date.now() + 86400_000).toISOString()}`, { token: admin.token });
  t.deepEqual(future.body.items, []);
  const target = byAction.body.items[0].target.id;
  const byTarget = await s.request('GET', `/api/v1/admin/audit?target=${target}`, { token: admin.token });
  t.true(byTarget.body.items.every((e: { target: { id: string } }) => e.target.id === target));
  const badDate = await s.request('GET', '/api/v1/admin/audit?from=yesterday', { token: admin.token });
  t.is(badDate.status, 400);
  t.is(badDate.body.error.details[0].path, 'from');

  const csv = await s.request('GET', '/api/v1/admin/audit/export?action=category.update', { token: admin.token });
  t.is(csv.status, 200);
  t.regex(csv.headers.get('content-type')!, /text\/csv/);
  const lines = String(csv.body).trim().split('\r\n');
  t.regex(lines[0], /^\uFEFF?时间（北京时间）,操作人/);
  t.is(lines.length - 1, byAction.body.items.length);

  const op = await createStaff(s, admin.token, { roles: ['operator', 'category_admin', 'analyst'] });
  t.is((await s.request('GET', '/api/v1/admin/audit', { token: op.token })).status, 403);
  const id = all.body.items[0].id;
  for (const method of ['PATCH', 'PUT', 'DELETE']) {
    const res = await s.request(method, `/api/v1/admin/audit/${id}`, { token: admin.token, json: {} });
    t.true([404, 405].includes(res.status), `${method} → ${res.status}`);
  }
  t.truthy(await Audit.findById(id).lean());
});
