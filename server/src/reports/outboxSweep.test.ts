import { databaseWithStatistics, type Plan } from '../../test/statsDatabase';
import { outboxIndexKeys } from '../../test/reportStore';
import { UNDATED_PENDING, undelivered } from './reportRepository';

/**
 * The dispatcher's sweep for undated pending deliveries, and the dead-letter list and count, on the embedded
 * database once SQLite has statistics for an outbox where nearly every delivery is delivered (the normal case).
 * Their former filters were equalities on `state` (`{state: 'pending', due: null}`, `{state: 'dead'}`), which
 * SQLite plans as a read of the whole outbox when one value fills the index (0.73 s at 100,000 deliveries, 16 s
 * at 1,000,000, for the sweep). They now read the `deliveredAt` index's null entries: the deliveries not
 * delivered, whatever their number in the outbox.
 */
const { maybe, client } = databaseWithStatistics('ssp-outbox-sweep-');

maybe('the undated-delivery sweep and the dead letters read the undelivered deliveries through an index, not the whole outbox', async (t) => {
  t.timeout(120_000);
  const c = client().db('outbox').collection<{ _id: string }>('deliveries');
  // The outbox's indexes as reportModel declares them.
  for (const key of outboxIndexKeys()) await c.createIndex(key);
  const N = 4000;
  const at = new Date('2026-11-01T00:00:00Z').getTime();
  const docs = Array.from({ length: N }, (_, i) => {
    const created = new Date(at + i * 1000);
    return { _id: `r${String(i).padStart(5, '0')}`, state: 'delivered', attempts: 1, nextAttemptAt: created, lastError: null, deliveredAt: new Date(created.getTime() + 150), externalId: `x${i}`, connector: 'webhook', createdAt: created } as Record<string, unknown>;
  });
  const undated = ['r00010', 'r03990'];
  const dated = ['r03995', 'r03999'];
  const dead = ['r00500', 'r02500', 'r03997'];
  for (const d of docs) {
    const id = d._id as string;
    if (undated.includes(id) || dated.includes(id) || dead.includes(id)) Object.assign(d, { state: 'pending', attempts: 0, deliveredAt: null, externalId: null, connector: null });
    if (dated.includes(id)) d.due = d.nextAttemptAt;
    if (dead.includes(id)) Object.assign(d, { state: 'dead', lastError: 'gave up' });
  }
  for (let i = 0; i < N; i += 500) await c.insertMany(docs.slice(i, i + 500) as never[]);

  const plan = async (filter: Record<string, unknown>) => ((await c.find(filter).limit(500).explain()) as Plan).queryPlanner?.Plan ?? [];
  const scans = (lines: string[]) => lines.some((l) => /detail=SCAN/.test(l));
  // Wait for the statistics (what the former sweep's filter looks like to SQLite once they are there).
  for (let tries = 0; tries < 20; tries++) {
    if (scans(await plan({ state: 'pending', due: null }))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  t.log(`former sweep {state: 'pending', due: null}: ${(await plan({ state: 'pending', due: null })).join(' | ')}`);

  for (const filter of [UNDATED_PENDING, undelivered({ state: 'dead' })]) {
    const lines = await plan(filter);
    t.true(lines.some((l) => l.includes('USING INDEX') && l.includes('deliveredAt')), `${JSON.stringify(filter)} uses the deliveredAt index: ${lines.join(' | ')}`);
    t.false(scans(lines), `${JSON.stringify(filter)} reads no table in full: ${lines.join(' | ')}`);
  }
  // And they find exactly the same documents as the filters they replaced.
  const found = async (filter: Record<string, unknown>) => (await c.find(filter).toArray()).map((d) => d._id).sort();
  t.deepEqual(await found(UNDATED_PENDING), undated);
  t.deepEqual(await found(UNDATED_PENDING), await found({ state: 'pending', due: null }));
  t.deepEqual(await found(undelivered({ state: 'dead' })), dead);
  t.is(await c.countDocuments(undelivered({ state: 'dead' })), 3);
});
