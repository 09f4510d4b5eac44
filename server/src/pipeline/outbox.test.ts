import { randomUUID } from 'node:crypto';
import test from 'ava';
import { validComplaint, type TestServer } from '../../test/harness';
import { startServerWithFakePipeline, type FakePipeline } from '../../test/fakePipeline';
import { LEGACY_DELIVERIES_MOVED } from '../reports/reportRepository';
import { countDeliveries, insertRawDeliveries, migrationDone, insertRawReports, rawReport, removeDeliveries, setReportFields, storedDelivery, storedReport } from '../../test/reportStore';

/**
 * The delivery outbox lives in its own collection (`deliveries`, `_id` = report id): these tests pin
 * what that must not change — an acknowledged report always has its outbox document, a failed submit
 * leaves none, an outbox document without its report is never delivered and never silently dropped,
 * and reports stored before the collection existed are moved into it and delivered.
 */
let s: TestServer;
let fake: FakePipeline;

test.before(async () => {
  ({ server: s, fake } = await startServerWithFakePipeline());
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

const submit = async (token: string, key: string, extra: Record<string, unknown> = {}) =>
  s.request('POST', '/api/v1/reports', { token, json: validComplaint(extra), headers: { 'Idempotency-Key': key } });

test.serial('an acknowledged report has its outbox document (pending, small); the report itself carries no delivery state', async (t) => {
  const citizen = await s.loginCitizen();
  const res = await submit(citizen.token, randomUUID());
  t.is(res.status, 201);
  const outbox = await storedDelivery(res.body.id);
  t.like(outbox, { _id: res.body.id, state: 'pending', attempts: 0 });
  t.truthy(outbox!.nextAttemptAt);
  // Not in the report document: outcomes must not rewrite it.
  const raw = await rawReport(res.body.id);
  t.is(raw!.delivery, undefined);
  // Residents' and staff's reads still see it, merged by the repository.
  t.is((await s.services.repo.findById(res.body.id))!.delivery!.state, 'pending');
});

test.serial('a retried submit (same Idempotency-Key) leaves no second outbox document', async (t) => {
  const citizen = await s.loginCitizen();
  const key = randomUUID();
  const before = await countDeliveries({});
  const [a, b] = await Promise.all([submit(citizen.token, key), submit(citizen.token, key)]);
  const again = await submit(citizen.token, key);
  t.deepEqual([a, b, again].map((r) => r.status === 201 || r.status === 200), [true, true, true]);
  t.is([a, b, again].filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 2, 'one created, the others replayed');
  t.is(new Set([a.body.id, b.body.id, again.body.id]).size, 1);
  t.is((await countDeliveries({})) - before, 1, 'the losing inserts removed their outbox documents');
});

test.serial('an outbox document whose report is not there is not delivered; once old it is dead-lettered, never dropped', async (t) => {
  fake.fail('none');
  const young = 'a'.repeat(24);
  const old = 'b'.repeat(24);
  const now = new Date();
  await insertRawDeliveries([
    { _id: young, state: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, due: now },
    { _id: old, state: 'pending', attempts: 0, nextAttemptAt: now, createdAt: new Date(now.getTime() - 11 * 60_000), due: now },
  ]);
  await s.services.dispatcher.tick();
  t.is(fake.received.filter((r) => r.body.reportId === young || r.body.reportId === old).length, 0, 'nothing sent without a report');
  t.like(await storedDelivery(young), { state: 'pending', attempts: 0 }, 'a young one waits for its report');
  t.like(await storedDelivery(old), { state: 'dead' });
  t.regex((await storedDelivery(old))!.lastError!, /report not stored/);

  // The young one's report arrives (its submit was only slow): it is delivered at the next pass.
  const citizen = await s.loginCitizen();
  const template = (await submit(citizen.token, randomUUID())).body.id as string;
  const doc = (await storedReport(template))!;
  await insertRawReports([{ ...doc, delivery: undefined, _id: young, ticketNo: `${doc.ticketNo}-Y`, idempotencyKey: randomUUID() }]);
  const delivered = await s.deliverNow(young);
  t.is(delivered.delivery!.state, 'delivered');
  t.is(fake.received.filter((r) => r.body.reportId === young).length, 1);
});

test.serial('reports stored before the outbox collection: a pending delivery moves into it and is delivered; a delivered one keeps its pipeline id', async (t) => {
  fake.fail('none');
  const citizen = await s.loginCitizen();
  const [pending, delivered] = [(await submit(citizen.token, randomUUID())).body.id as string, (await submit(citizen.token, randomUUID())).body.id as string];
  // Make them look as an earlier build stored them: the delivery inside the report, no outbox document.
  await removeDeliveries([pending, delivered]);
  await setReportFields(pending, { delivery: { state: 'pending', attempts: 1, nextAttemptAt: new Date(), lastError: 'HTTP 500', deliveredAt: null, externalId: null, connector: null } });
  await setReportFields(delivered, { delivery: { state: 'delivered', attempts: 1, nextAttemptAt: new Date(), lastError: null, deliveredAt: new Date(), externalId: 'CITY-LEGACY-1', connector: 'webhook' } });

  t.is(await s.services.repo.moveLegacyDeliveries(), 1);
  t.is(await s.services.repo.moveLegacyDeliveries(), 0, 'idempotent');
  t.like(await storedDelivery(pending), { state: 'pending', attempts: 1, lastError: 'HTTP 500' });
  t.is(await storedDelivery(delivered), null, 'a delivered legacy report stays as it was');
  t.is((await s.services.repo.findByExternalId('CITY-LEGACY-1'))?._id, delivered);
  t.is((await s.services.repo.findById(delivered))!.delivery!.state, 'delivered');

  const after = await s.deliverNow(pending);
  t.like(after.delivery, { state: 'delivered', attempts: 2 });
  t.is(fake.received.filter((r) => r.body.reportId === pending).length, 1);
  t.is((await s.services.repo.findByExternalId(after.delivery!.externalId!))?._id, pending);
});

test.serial('the legacy move at dispatcher start is a one-time migration: once a pass completes, a start reads its marker and scans nothing', async (t) => {
  fake.fail('none');
  const citizen = await s.loginCitizen();
  const asLegacy = async () => {
    const id = (await submit(citizen.token, randomUUID())).body.id as string;
    await removeDeliveries([id]);
    await setReportFields(id, { delivery: { state: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null, deliveredAt: null, externalId: null, connector: null } });
    return id;
  };
  const first = await asLegacy();
  t.false(await migrationDone(LEGACY_DELIVERIES_MOVED));
  t.is(await s.services.repo.moveLegacyDeliveriesOnce(), 1, 'the first start moves what is there');
  t.like(await storedDelivery(first), { state: 'pending' });
  t.true(await migrationDone(LEGACY_DELIVERIES_MOVED), 'and marks the migration done');

  // Nothing can become legacy after that (no build writes delivery.state on a report); one that did anyway
  // shows that a later start does not scan: it is left where it is.
  const late = await asLegacy();
  t.is(await s.services.repo.moveLegacyDeliveriesOnce(), null, 'the marker is there: no pass');
  t.is(await storedDelivery(late), null, 'not scanned');
  t.is(await s.services.repo.moveLegacyDeliveries(), 1, 'an explicit pass still moves it');
  t.like(await storedDelivery(late), { state: 'pending' });
});

test.serial('`due` follows a delivery while it is pending and goes with the outcome; one written without it (an older build) is dated by the sweep and delivered', async (t) => {
  fake.fail('none');
  const citizen = await s.loginCitizen();
  // Pending: dated with its next attempt, which is what the dispatcher's scan reads.
  const id = (await submit(citizen.token, randomUUID())).body.id as string;
  const pending = await storedDelivery(id);
  t.deepEqual(pending!.due, pending!.nextAttemptAt);
  // Delivered: no longer dated, so no scan reads it again.
  t.like((await s.deliverNow(id)).delivery, { state: 'delivered' });
  t.is((await storedDelivery(id))!.due, undefined);
  t.false('due' in (await s.services.repo.findById(id))!.delivery!, 'not shown as part of the delivery');

  // An outbox document as a build before `due` wrote it: the scan does not see it until the sweep dates it.
  const old = (await submit(citizen.token, randomUUID())).body.id as string;
  const { due: _due, ...undated } = (await storedDelivery(old))!;
  await removeDeliveries([old]);
  await insertRawDeliveries([undated]);
  t.false((await s.services.repo.dueDeliveries(new Date(), { all: true, limit: 1000 })).some((d) => d._id === old), 'undated: not scanned');
  t.true((await s.services.repo.dateUndatedDeliveries()) >= 1);
  t.deepEqual((await storedDelivery(old))!.due, undated.nextAttemptAt, 'dated with its next attempt');
  t.is(await s.services.repo.dateUndatedDeliveries(), 0, 'nothing left undated');
  t.like((await s.deliverNow(old)).delivery, { state: 'delivered' });
  t.is(fake.received.filter((r) => r.body.reportId === old).length, 1);

  // A dead letter carries no date; an admin's retry dates it again.
  const dead = (await submit(citizen.token, randomUUID())).body.id as string;
  await s.services.repo.recordDelivery(dead, 'pending', { state: 'dead', lastError: 'test' });
  t.is((await storedDelivery(dead))!.due, undefined);
  t.true(await s.services.dispatcher.retry(dead));
  const retried = await storedDelivery(dead);
  t.like(retried, { state: 'pending' });
  t.deepEqual(retried!.due, retried!.nextAttemptAt);
});
