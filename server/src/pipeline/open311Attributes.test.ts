import test from 'ava';
import { TEST_PIPELINE_SECRET } from '../../test/harness';
import { FAKE_OPEN311_KEY, startFakePipeline } from '../../test/fakePipeline';
import { open311Connector } from './open311';

test('Open311: answers go as attribute[code] (attribute[code][] per choice of a multi-value list)', async (t) => {
  const own = await startFakePipeline(TEST_PIPELINE_SECRET);
  t.teardown(() => own.close());
  const connector = open311Connector({ baseUrl: own.open311.baseUrl, apiKey: FAKE_OPEN311_KEY, serviceCodes: {}, timeoutMs: 2000 });
  await connector.deliver({
    event: 'created', idempotencyKey: 'report:x1', ticketNo: 'SH20261129-000001', reportId: 'x1', kind: 'complaint',
    category: { code: 'street_lights', name: '路灯', parentCode: 'roads_facilities', parentName: '道路与市政设施' },
    urgent: false, urgency: 'normal', department: null, district: null, location: { address: '南京东路' }, description: '路灯不亮',
    answers: { pole_number: 'HP-0231', floor: 3, kinds: ['a', 'b'] }, mediaUrls: [], createdAt: new Date().toISOString(), dueAt: null,
  });
  const form = own.open311.posts.at(-1)!;
  t.is(form.get('attribute[pole_number]'), 'HP-0231');
  t.is(form.get('attribute[floor]'), '3');
  t.deepEqual(form.getAll('attribute[kinds][]'), ['a', 'b']);
});

test('Open311: the description starts with 【紧急】 or 【次紧急】 by the report\'s level, nothing for 普通', async (t) => {
  const own = await startFakePipeline(TEST_PIPELINE_SECRET);
  t.teardown(() => own.close());
  const connector = open311Connector({ baseUrl: own.open311.baseUrl, apiKey: FAKE_OPEN311_KEY, serviceCodes: {}, timeoutMs: 2000 });
  const levels = [['urgent', true, '【紧急】楼道里煤气味很重'], ['semi_urgent', false, '【次紧急】楼道里煤气味很重'], ['normal', false, '楼道里煤气味很重']] as const;
  for (const [urgency, urgent, want] of levels) {
    await connector.deliver({
      event: 'created', idempotencyKey: `report:${urgency}`, ticketNo: 'SH20261129-000002', reportId: urgency, kind: 'complaint', category: null,
      urgent, urgency, department: null, district: null, location: {}, description: '楼道里煤气味很重', mediaUrls: [], createdAt: new Date().toISOString(), dueAt: null,
    });
    t.is(own.open311.posts.at(-1)!.get('description'), `${want}\n受理编号：SH20261129-000002`, urgency);
  }
});
