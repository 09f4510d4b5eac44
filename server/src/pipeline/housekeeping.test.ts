import test from 'ava';
import { startTestServer, type TestServer } from '../../test/harness';
import { NotificationClaim } from '../notifications/notificationModels';
import { insertSubmitKeys, submitKeyIds } from '../../test/reportStore';
import { DeliveryLease } from './dispatcher';
import { RETENTION } from './housekeeping';
import { PipelineEventLog } from './pipelineEvents';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => s?.close());

test('guard rows are removed once past their retention, recent ones stay', async (t) => {
  const now = Date.now();
  const old = (ms: number) => new Date(now - ms - 60_000);
  const recent = new Date(now - 60_000);
  await DeliveryLease.create([{ _id: 'old-lease', owner: 'x', at: old(RETENTION.deliveryLeases) }, { _id: 'new-lease', owner: 'x', at: recent }]);
  await NotificationClaim.create([{ _id: 'old-claim', at: old(RETENTION.notificationClaims) }, { _id: 'new-claim', at: recent }]);
  await insertSubmitKeys([{ _id: 'old-key', reportId: 'r1', requestHash: 'h', at: old(RETENTION.submitKeys) }, { _id: 'new-key', reportId: 'r2', requestHash: 'h', at: recent }]);
  await PipelineEventLog.create([{ _id: 'old-event', ticketNo: 'T', seq: 1, type: 'accepted', receivedAt: old(RETENTION.pipelineEvents) }, { _id: 'new-event', ticketNo: 'T', seq: 2, type: 'accepted', receivedAt: recent }]);

  const removed = await s.services.housekeeping.run(now);
  t.deepEqual(removed, { deliveryLeases: 1, notificationClaims: 1, submitKeys: 1, pipelineEvents: 1, unattachedMedia: 0, rateLimitWindows: 0 });
  t.deepEqual((await DeliveryLease.find({}, { _id: 1 }).lean()).map((d) => d._id), ['new-lease']);
  t.deepEqual((await NotificationClaim.find({}, { _id: 1 }).lean()).map((d) => d._id), ['new-claim']);
  t.deepEqual(await submitKeyIds(), ['new-key']);
  t.deepEqual((await PipelineEventLog.find({}, { _id: 1 }).lean()).map((d) => d._id), ['new-event']);
});
