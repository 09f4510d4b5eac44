import { randomUUID } from 'node:crypto';
import test from 'ava';
import { validComplaint, type TestServer } from '../../test/harness';
import { startServerWithFakePipeline, type FakePipeline } from '../../test/fakePipeline';
import { storedReport } from '../../test/reportStore';

let s: TestServer;
let fake: FakePipeline;
test.before(async () => {
  ({ server: s, fake } = await startServerWithFakePipeline());
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

const submit = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  s.request('POST', '/api/v1/reports', { token, json: body, headers: { 'Idempotency-Key': randomUUID(), ...headers } });

const lamp = (answers?: Record<string, unknown>) => validComplaint({ description: '南京东路步行街的路灯晚上一直不亮，很黑', categoryCode: 'street_lights', ...(answers ? { answers } : {}) });

async function leaf(code: string) {
  const tree = await s.request('GET', '/api/v1/categories');
  for (const f of tree.body.categories) for (const c of f.children ?? []) if (c.code === code) return c;
  return null;
}

test('the default tree asks 路灯 for the lamp-post number, 噪声 for when, 群租 for floor and room', async (t) => {
  const lights = await leaf('street_lights');
  t.like(lights.questions[0], { code: 'pole_number', type: 'text', required: true });
  t.true(lights.questions[0].options.some((o: { value: string }) => o.value === '看不到编号'));
  for (const code of ['night_construction', 'square_dancing', 'renovation_noise']) t.like((await leaf(code)).questions[0], { code: 'when', type: 'single', required: true });
  t.deepEqual((await leaf('group_renting')).questions.map((q: { code: string; required: boolean }) => [q.code, q.required]), [['floor', true], ['room', false]]);
  t.deepEqual((await leaf('road_damage')).questions, [], 'categories without questions carry an empty list');
});

test('a 路灯 report without the lamp-post number is refused with the field path, in the resident\'s language', async (t) => {
  const { token } = await s.loginCitizen();
  const zh = await submit(token, lamp());
  t.is(zh.status, 400);
  t.is(zh.body.error.code, 'VALIDATION_FAILED');
  t.deepEqual(zh.body.error.details, [{ path: 'answers.pole_number', code: 'answer_required', message: '请回答这个问题' }]);
  const en = await submit(token, lamp({ pole_number: '   ' }), { 'Accept-Language': 'en-GB,en;q=0.9,zh-CN;q=0.5' });
  t.is(en.status, 400);
  t.is(en.body.error.code, 'VALIDATION_FAILED', 'codes never change with the language');
  t.is(en.body.error.message, 'Some fields need attention: please check the marked ones');
  t.is(en.body.error.details[0].path, 'answers.pole_number');
  t.is(en.body.error.details[0].message, 'Please answer this question');
});

test('"看不到编号" is a valid answer; answers are stored, returned, shown to staff and sent to the pipeline', async (t) => {
  const { token } = await s.loginCitizen();
  const res = await submit(token, lamp({ pole_number: '看不到编号', stale_question: 'dropped' }));
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.answers, { pole_number: '看不到编号' }, 'answers to questions not asked are dropped');
  t.is(res.body.questions[0].label, '灯杆编号（灯杆上贴的编号）');
  const stored = await storedReport(res.body.id);
  t.deepEqual(stored!.answers, { pole_number: '看不到编号' });

  const admin = await s.loginAdmin();
  const staffView = await s.request('GET', `/api/v1/reports/${res.body.id}`, { token: admin.token });
  t.deepEqual(staffView.body.answers, { pole_number: '看不到编号' });

  const withNumber = await submit(token, lamp({ pole_number: ' HP-0231 ' }));
  t.is(withNumber.status, 201);
  t.deepEqual(withNumber.body.answers, { pole_number: 'HP-0231' }, 'trimmed');
  await s.deliverNow(withNumber.body.id);
  const delivery = fake.received.find((d) => d.body.reportId === withNumber.body.id);
  t.deepEqual(delivery?.body.answers, { pole_number: 'HP-0231' }, 'webhook field `answers`');
});

test('choices, numbers and a 紧急提示 yes/no are checked; "yes" files the report as 紧急', async (t) => {
  const { token } = await s.loginCitizen();
  const noise = (answers: Record<string, unknown>) => validComplaint({ description: '楼下广场舞音响太响，每天都吵', categoryCode: 'square_dancing', answers });
  const bad = await submit(token, noise({ when: 'sometimes' }));
  t.is(bad.status, 400);
  t.like(bad.body.error.details[0], { path: 'answers.when', code: 'invalid_option' });
  t.is((await submit(token, noise({ when: 'night' }))).status, 201);

  const renting = (answers: Record<string, unknown>) => validComplaint({ description: '隔壁一套房子住了十几个人，二房东隔断出租', categoryCode: 'group_renting', answers });
  const notNumber = await submit(token, renting({ floor: 'twelve' }));
  t.like(notNumber.body.error.details[0], { path: 'answers.floor', code: 'invalid_number' });
  const ok = await submit(token, renting({ floor: '12', room: '1203' }));
  t.is(ok.status, 201);
  t.deepEqual(ok.body.answers, { floor: 12, room: '1203' });

  const gas = (smell: unknown) => validComplaint({ description: '小区燃气供应不稳定，火很小', categoryCode: 'gas_supply', answers: { smell_gas: smell } });
  // Smelling gas now: the report goes in (the app shows the call buttons), filed as 紧急 with the answer kept.
  const smelled = await submit(token, gas(true));
  t.is(smelled.status, 201, JSON.stringify(smelled.body));
  t.deepEqual(smelled.body.answers, { smell_gas: true });
  t.is(smelled.body.urgency, 'urgent');
  t.true(smelled.body.urgent);
  t.like((await submit(token, gas('yes'))).body.error.details[0], { path: 'answers.smell_gas', code: 'invalid_answer' });
  t.is((await submit(token, gas(false))).status, 201);
});

test('admins change a category\'s questions; the new version is what the server checks', async (t) => {
  const admin = await s.loginAdmin();
  const before = (await s.request('GET', '/api/v1/categories')).body.version;
  const bad = await s.request('PATCH', '/api/v1/admin/categories/illegal_parking', { token: admin.token, json: { questions: [{ code: 'plate', type: 'single', label: '车牌', required: true }] } });
  t.is(bad.status, 400, 'a choice question needs options');
  t.is(bad.body.error.details[0].path, 'questions.0.options');
  const res = await s.request('PATCH', '/api/v1/admin/categories/illegal_parking', {
    token: admin.token,
    json: { questions: [{ code: 'plate', type: 'text', label: '车牌号', labelEn: 'Plate number', required: true }, { code: 'tip', type: 'notice', label: '请勿拍摄人脸', required: false }] },
  });
  t.is(res.status, 200, JSON.stringify(res.body));
  const after = await s.request('GET', '/api/v1/categories');
  t.true(after.body.version > before, 'questions are versioned with the tree');
  const { token } = await s.loginCitizen();
  const body = (answers?: Record<string, unknown>) => validComplaint({ description: '小区门口消防通道长期被车辆占用', categoryCode: 'illegal_parking', answers });
  // The category service caches the tree per process for a few seconds; this process made the change, so it sees it at once.
  t.is((await submit(token, body())).body.error.details[0].path, 'answers.plate');
  t.is((await submit(token, body({ plate: '沪A12345' }))).status, 201);
});
