import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { serverForFile, type TestServer } from '../../test/harness';
import { insertRawReports } from '../../test/reportStore';
import { createStaff } from '../../test/staff';
import { SEED_CORPUS } from './trainingData';

let s: TestServer;
let admin: { token: string };
serverForFile(test, (server, signedIn) => {
  s = server;
  admin = signedIn;
});

const DAY = 24 * 3600 * 1000;
let seq = 0;
/** A report as the server stores it, straight into the collection (so its age and status can be anything). */
function rawReport(opts: { description: string; leaf: { code: string; name: string; parentCode: string; parentName: string } | null; status?: string; ageDays?: number }) {
  const createdAt = new Date(Date.now() - (opts.ageDays ?? 0) * DAY);
  const n = seq++;
  return {
    _id: randomUUID().replace(/-/g, '').slice(0, 24),
    ticketNo: `SH${createdAt.toISOString().slice(0, 10).replace(/-/g, '')}-T${String(n).padStart(6, '0')}${randomUUID().slice(0, 4)}`,
    citizenId: null,
    idempotencyKey: `figures-${randomUUID()}`,
    requestHash: 'test',
    kind: 'complaint',
    status: opts.status ?? 'submitted',
    description: opts.description,
    category: opts.leaf,
    citizenCategory: null,
    classification: null,
    triage: { state: 'auto', reason: null, resolvedAt: null, resolvedBy: null },
    urgent: false,
    urgentReasons: [],
    location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02', address: '黄浦区某路' },
    point: { lat: 31.2, lng: 121.4 },
    district: { code: '310101', name: '黄浦区' },
    needsManualRouting: false,
    mediaIds: [],
    contactPhone: null,
    anonymous: false,
    timeline: [{ at: createdAt, status: 'submitted', actor: 'citizen', message: '市民提交诉求' }],
    delivery: { state: 'delivered', attempts: 1, nextAttemptAt: createdAt, lastError: null, deliveredAt: createdAt, externalId: null, connector: 'local' },
    department: null,
    dueAt: new Date(createdAt.getTime() + 5 * DAY),
    resolvedAt: null,
    overdueAt: null,
    pipelineSeq: 0,
    rating: null,
    lastUrgedAt: null,
    effects: [],
    supporters: 0,
    mergedInto: null,
    createdAt,
    updatedAt: createdAt,
  };
}

const PENSION = { code: 'pension', name: '养老金', parentCode: 'labor_social', parentName: '劳动与社会保障' };
const WAGES = { code: 'wage_arrears', name: '欠薪', parentCode: 'labor_social', parentName: '劳动与社会保障' };

test.serial('per-category figures: open reports, the last 30 days and training examples; first-level rows sum their children', async (t) => {
  await insertRawReports([
    rawReport({ description: '退休金这个月还没有发放', leaf: PENSION }),
    rawReport({ description: '养老金调整后金额不对', leaf: PENSION, status: 'dispatched', ageDays: 3 }),
    rawReport({ description: '养老金发放时间想咨询', leaf: PENSION, status: 'in_progress', ageDays: 45 }),
    rawReport({ description: '养老金问题已经解决了', leaf: PENSION, status: 'closed', ageDays: 2 }),
    rawReport({ description: '养老金去年的问题', leaf: PENSION, status: 'closed', ageDays: 60 }),
    rawReport({ description: '老板拖欠三个月工资', leaf: WAGES, status: 'accepted', ageDays: 1 }),
  ]);
  const res = await s.request('GET', '/api/v1/admin/categories/figures', { token: admin.token });
  t.is(res.status, 200, JSON.stringify(res.body));
  const row = (code: string) => res.body.items.find((i: { code: string }) => i.code === code);
  t.like(row('pension'), { openReports: 3, last30Days: 3 });
  t.like(row('wage_arrears'), { openReports: 1, last30Days: 1 });
  // Test servers train on the seed sentences only (no writers' corpus): 养老金 has 7 there.
  t.is(row('pension').trainingExamples, readFileSync(SEED_CORPUS, 'utf8').split('\n').filter((l) => l.startsWith('pension\t')).length);
  t.true(row('pension').trainingExamples > 0);
  const children = ['wage_arrears', 'labor_contract', 'social_insurance', 'pension', 'work_injury', 'employment'].map(row);
  const first = row('labor_social');
  t.is(first.openReports, 4);
  t.is(first.last30Days, 4);
  t.is(first.trainingExamples, children.reduce((a, c) => a + c.trainingExamples, 0));
  t.truthy(Date.parse(res.body.since) < Date.parse(res.body.at));

  // An example sentence added to the tree is a training example from then on.
  await s.request('PATCH', '/api/v1/admin/categories/pension', { token: admin.token, json: { examples: ['我父亲的退休工资迟迟没有到账'] } });
  const again = await s.request('GET', '/api/v1/admin/categories/figures', { token: admin.token });
  t.is(again.body.items.find((i: { code: string }) => i.code === 'pension').trainingExamples, row('pension').trainingExamples + 1);
});

const DRONE = '楼下有架嗡嗡响的飞行器一直在窗外盘旋拍照，很烦人';
const MANHOLE = '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃';

test.serial('a keyword edit is tried on the last 1,000 reports: exactly the reports the new keywords touch move, with examples; nothing is saved', async (t) => {
  const drones = Array.from({ length: 5 }, (_, i) => rawReport({ description: `${DRONE}（第${i}次）`, leaf: null }));
  await insertRawReports([...drones, ...Array.from({ length: 7 }, () => rawReport({ description: MANHOLE, leaf: null })), rawReport({ description: '', leaf: null })]);
  const versionBefore = (await s.request('GET', '/api/v1/categories')).body.version;
  const tree = (await s.request('GET', '/api/v1/admin/categories', { token: admin.token })).body;
  const pension = tree.categories.flatMap((f: { children: { code: string; keywords: string[] }[] }) => f.children).find((c: { code: string }) => c.code === 'pension');

  const res = await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: admin.token, json: { keywords: [...pension.keywords, '飞行器', '盘旋', '嗡嗡'] } });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.true(res.body.modelKnowsCategory);
  t.true(res.body.sampled >= 12, 'reports without text are not sampled');
  t.is(res.body.moved, 5, 'every drone report moves, nothing else does');
  t.is(res.body.movedIn, 5);
  t.is(res.body.movedOut, 0);
  t.is(res.body.examples.length, 5);
  const droneTickets = new Set(drones.map((d) => d.ticketNo));
  for (const e of res.body.examples) {
    t.true(droneTickets.has(e.ticketNo), e.ticketNo);
    t.is(e.to.code, 'pension');
    t.not(e.from.code, 'pension');
  }

  // Taking the words away again moves them back out: the check compares the model with itself.
  const none = await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: admin.token, json: { keywords: pension.keywords } });
  t.is(none.body.moved, 0);

  const after = await s.request('GET', '/api/v1/categories');
  t.is(after.body.version, versionBefore, 'a check saves nothing');
});

test.serial('the keyword check refuses bad input with field paths, an unknown category with 404; a category newer than the model says so', async (t) => {
  const bad = await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: admin.token, json: { keywords: 'x' } });
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0].path, 'keywords');
  const empty = await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: admin.token, json: {} });
  t.is(empty.status, 400);
  const extra = await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: admin.token, json: { keywords: ['a'], name: 'x' } });
  t.is(extra.status, 400);
  const missing = await s.request('POST', '/api/v1/admin/categories/no_such_code/keyword-impact', { token: admin.token, json: { keywords: ['无人机'] } });
  t.is(missing.status, 404);
  t.is(missing.body.error.code, 'CATEGORY_NOT_FOUND');

  const code = `test_${randomUUID().slice(0, 8)}`;
  const created = await s.request('POST', '/api/v1/admin/categories', { token: admin.token, json: { code, parentCode: 'noise', name: '无人机扰民', keywords: ['无人机'], deadlineHours: { normal: 48, urgent: 4 } } });
  t.is(created.status, 201);
  const fresh = await s.request('POST', `/api/v1/admin/categories/${code}/keyword-impact`, { token: admin.token, json: { keywords: ['无人机', '航拍'] } });
  t.is(fresh.status, 200);
  t.false(fresh.body.modelKnowsCategory);
  t.is(fresh.body.moved, 0);
});

test.serial('figures and the keyword check are for category admins; analysts and operators get 403', async (t) => {
  const analyst = await createStaff(s, admin.token, { roles: ['analyst', 'operator'] });
  t.is((await s.request('GET', '/api/v1/admin/categories/figures', { token: analyst.token })).status, 403);
  t.is((await s.request('POST', '/api/v1/admin/categories/pension/keyword-impact', { token: analyst.token, json: { keywords: ['x'] } })).status, 403);
  const editor = await createStaff(s, admin.token, { roles: ['category_admin'] });
  t.is((await s.request('GET', '/api/v1/admin/categories/figures', { token: editor.token })).status, 200);
});

test.serial('every second-level category of the default tree has an English name, in the public tree', async (t) => {
  const res = await s.request('GET', '/api/v1/categories');
  for (const f of res.body.categories) {
    t.truthy(f.nameEn, f.code);
    for (const c of f.children.filter((x: { code: string }) => !x.code.startsWith('test_'))) {
      t.truthy(c.nameEn, c.code);
      t.notRegex(c.nameEn, /[\u4e00-\u9fff]/, `${c.code}: English`);
    }
  }
  // An admin's own English name replaces the default.
  const patched = await s.request('PATCH', '/api/v1/admin/categories/street_lights', { token: admin.token, json: { nameEn: 'Streetlights' } });
  t.is(patched.status, 200);
  t.is(patched.body.nameEn, 'Streetlights');
});
