import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';

let s: TestServer;
test.before(async () => {
  s = await startTestServer({ retrainEvery: 2 });
});
test.after.always(async () => {
  await s?.close();
});

test('after N staff reviews the classifier retrains by itself and swaps the new model in', async (t) => {
  const admin = await s.loginAdmin();
  const citizen = await s.loginCitizen();
  const before = s.services.classification.info()!.version;
  for (let i = 0; i < 2; i++) {
    const r = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint({ description: `嗯嗯嗯嗯嗯嗯第${i}条`, categoryCode: 'school_fees' }), headers: { 'Idempotency-Key': randomUUID() } });
    const decided = await s.request('POST', `/api/v1/admin/reports/${r.body.id}/category`, { token: admin.token, json: { categoryCode: 'street_lights' } });
    t.is(decided.status, 200);
  }
  const deadline = Date.now() + 60_000;
  while (s.services.classification.info()!.version === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await s.services.classification.idle();
  t.not(s.services.classification.info()!.version, before);
});
