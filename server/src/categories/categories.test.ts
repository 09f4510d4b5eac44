import { randomUUID } from 'node:crypto';
import test from 'ava';
import { FIRST_LEVEL_CATEGORIES } from '@ssp/shared';
import { serverForFile, validComplaint, type TestServer } from '../../test/harness';

let s: TestServer;
let admin: { token: string };
serverForFile(test, (server, signedIn) => {
  s = server;
  admin = signedIn;
});

const newLeaf = (overrides: Record<string, unknown> = {}) => ({
  code: `test_${randomUUID().slice(0, 8)}`,
  parentCode: 'noise',
  name: '测试分类',
  keywords: ['测试词'],
  deadlineHours: { normal: 48, urgent: 4 },
  ...overrides,
});

test('the public tree has the 15 fixed first-level codes, each with 3–8 children, and an ETag', async (t) => {
  const res = await s.request('GET', '/api/v1/categories');
  t.is(res.status, 200);
  const codes = res.body.categories.map((c: { code: string }) => c.code);
  for (const f of FIRST_LEVEL_CATEGORIES) t.true(codes.includes(f.code), f.code);
  for (const f of res.body.categories) t.true(f.children.length >= 3 && f.children.length <= 8, f.code);
  const etag = res.headers.get('etag')!;
  t.regex(etag, /^"taxonomy-\d+"$/);
  const again = await fetch(s.baseUrl + '/api/v1/categories', { headers: { 'If-None-Match': etag } });
  t.is(again.status, 304);
});

test('admins add a second-level category; the version moves on and the public tree shows it', async (t) => {
  const before = (await s.request('GET', '/api/v1/categories')).body.version;
  const leaf = newLeaf();
  const res = await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: leaf });
  t.is(res.status, 201, JSON.stringify(res.body));
  const after = await s.request('GET', '/api/v1/categories');
  t.true(after.body.version > before);
  const noise = after.body.categories.find((c: { code: string }) => c.code === 'noise');
  t.true(noise.children.some((c: { code: string }) => c.code === leaf.code));
});

const invalidEdits: [string, Record<string, unknown>, number, string, string?][] = [
  ['bad code', { code: 'Bad-Code' }, 400, 'VALIDATION_FAILED', 'code'],
  ['missing name', { name: undefined }, 400, 'VALIDATION_FAILED', 'name'],
  ['urgent longer than normal', { deadlineHours: { normal: 4, urgent: 48 } }, 400, 'VALIDATION_FAILED', 'deadlineHours.urgent'],
  ['zero hours', { deadlineHours: { normal: 0, urgent: 0 } }, 400, 'VALIDATION_FAILED', 'deadlineHours.normal'],
  ['empty keyword', { keywords: [''] }, 400, 'VALIDATION_FAILED', 'keywords.0'],
  ['unknown parent', { parentCode: 'no_such_parent' }, 400, 'CATEGORY_PARENT_INVALID'],
  ['third level', { parentCode: 'street_lights' }, 400, 'CATEGORY_PARENT_INVALID'],
  ['duplicate code', { code: 'street_lights' }, 409, 'CATEGORY_CODE_TAKEN'],
];
for (const [name, change, status, code, path] of invalidEdits) {
  test(`invalid create is refused: ${name}`, async (t) => {
    const attempt = newLeaf(change);
    const res = await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: attempt });
    t.is(res.status, status, JSON.stringify(res.body));
    t.is(res.body.error.code, code);
    if (path) t.true(res.body.error.details.some((d: { path: string }) => d.path === path), JSON.stringify(res.body.error.details));
    const tree = (await s.request('GET', '/api/v1/admin/categories', { token: admin.token })).body;
    const nodes = tree.categories.flatMap((f: { children: { code: string; name: string; parentCode: string }[] }) => f.children);
    const same = nodes.filter((c: { code: string }) => c.code === attempt.code);
    if (attempt.code === 'street_lights') t.deepEqual(same.map((c: { name: string; parentCode: string }) => [c.name, c.parentCode]), [['路灯', 'roads_facilities']], 'the existing node is untouched');
    else t.is(same.length, 0, 'nothing was created');
  });
}

test('code and parent cannot be changed by an edit; other fields can', async (t) => {
  const leaf = newLeaf();
  await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: leaf });
  const bad = await s.request('PATCH', `/api/v1/admin/categories/${leaf.code}`, { token: admin.token, json: { code: 'renamed' } });
  t.is(bad.status, 400);
  const ok = await s.request('PATCH', `/api/v1/admin/categories/${leaf.code}`, { token: admin.token, json: { name: '改过的名字', department: '区测试局', order: 3 } });
  t.is(ok.status, 200);
  t.is(ok.body.name, '改过的名字');
  const missing = await s.request('PATCH', '/api/v1/admin/categories/nope_nope', { token: admin.token, json: { name: '名字' } });
  t.is(missing.status, 404);
  t.is(missing.body.error.code, 'CATEGORY_NOT_FOUND');
});

test('a first-level category with enabled children cannot be disabled', async (t) => {
  const res = await s.request('PATCH', '/api/v1/admin/categories/education', { token: admin.token, json: { enabled: false } });
  t.is(res.status, 409);
  t.is(res.body.error.code, 'CATEGORY_HAS_ENABLED_CHILDREN');
});

test('a disabled category leaves the public tree and cannot be chosen by residents', async (t) => {
  const leaf = newLeaf();
  await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: leaf });
  await s.request('PATCH', `/api/v1/admin/categories/${leaf.code}`, { token: admin.token, json: { enabled: false } });
  const tree = await s.request('GET', '/api/v1/categories');
  t.false(JSON.stringify(tree.body).includes(leaf.code));
  const citizen = await s.loginCitizen();
  const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint({ categoryCode: leaf.code }), headers: { 'Idempotency-Key': randomUUID() } });
  t.is(res.status, 400);
  t.is(res.body.error.details[0].path, 'categoryCode');
});

test('a used category cannot be deleted, only merged; its reports move with it and its code stays taken', async (t) => {
  const source = newLeaf({ keywords: ['合并源'] });
  const target = newLeaf({ keywords: ['合并目标'] });
  await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: source });
  await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: target });
  const citizen = await s.loginCitizen();
  const report = await s.request('POST', '/api/v1/reports', {
    token: citizen.token,
    json: validComplaint({ categoryCode: source.code, description: '晚上楼下一直很吵，影响休息' }),
    headers: { 'Idempotency-Key': randomUUID() },
  });
  t.is(report.status, 201);
  const del = await s.request('DELETE', `/api/v1/admin/categories/${source.code}`, { token: admin.token });
  t.is(del.status, 409);
  t.is(del.body.error.code, 'CATEGORY_IN_USE');
  const badMerge = await s.request('POST', `/api/v1/admin/categories/${source.code}/merge`, { token: admin.token, json: { into: 'street_lights' } });
  t.is(badMerge.body.error.code, 'CATEGORY_MERGE_INVALID', 'only into a sibling');
  const merge = await s.request('POST', `/api/v1/admin/categories/${source.code}/merge`, { token: admin.token, json: { into: target.code } });
  t.is(merge.status, 200, JSON.stringify(merge.body));
  const moved = await s.request('GET', `/api/v1/reports/${report.body.id}`, { token: admin.token });
  t.is(moved.body.citizenCategory.code, target.code);
  const all = await s.request('GET', '/api/v1/admin/categories', { token: admin.token });
  const node = all.body.categories.find((c: { code: string }) => c.code === 'noise').children.find((c: { code: string }) => c.code === source.code);
  t.is(node.mergedInto, target.code);
  t.false(node.enabled);
  const reuse = await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: { ...source } });
  t.is(reuse.body.error.code, 'CATEGORY_CODE_TAKEN');
});

test('an unused category can be deleted, and its code is never reused', async (t) => {
  const leaf = newLeaf();
  await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: leaf });
  t.is((await s.request('DELETE', `/api/v1/admin/categories/${leaf.code}`, { token: admin.token })).status, 204);
  const again = await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: leaf });
  t.is(again.status, 409);
});

test('category administration is for staff only', async (t) => {
  const citizen = await s.loginCitizen();
  t.is((await s.request('POST', '/api/v1/admin/categories', { token: citizen.token, json: newLeaf() })).status, 403);
  t.is((await s.request('GET', '/api/v1/admin/categories')).status, 401);
});
