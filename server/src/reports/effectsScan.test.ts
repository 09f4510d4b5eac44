import { databaseWithStatistics, type Plan } from '../../test/statsDatabase';
import { EFFECTS_PENDING } from './reportRepository';

/**
 * The effects worker's scan on the embedded database, once SQLite has statistics for a reports table
 * where nearly every report has no effects pending (the normal case, and a delivery backlog's). SQLite
 * planned the former filter `{effectsPending: true}` as a read of the whole table (its statistics say
 * one value covers every row, so an equality looks unselective), evaluating JSON on each report: the
 * most expensive statement of a drain, growing with the collection. The flag is now a date and the scan
 * a date range, which SQLite answers from the index.
 */
const { maybe, client } = databaseWithStatistics('ssp-effects-scan-');

maybe('the scan for pending effects reads the flagged reports through the index, not the whole table', async (t) => {
  t.timeout(120_000);
  const c = client().db('effects').collection<{ _id: string }>('reports');
  await c.createIndex({ effectsPending: 1 }); // as reportModel declares it
  const N = 3000;
  const text = '路灯不亮，晚上很黑。'.repeat(40);
  const docs = Array.from({ length: N }, (_, i) => ({ _id: `r${String(i).padStart(5, '0')}`, status: 'submitted', description: text, timeline: [{ at: new Date(), status: 'submitted', message: text }] }));
  const flagged = new Set(['r00007', 'r01500', 'r02999']);
  for (const d of docs) if (flagged.has(d._id)) Object.assign(d, { effects: [{ id: d._id, type: 'notify' }], effectsPending: new Date() });
  for (let i = 0; i < N; i += 500) await c.insertMany(docs.slice(i, i + 500));

  const plan = async (filter: Record<string, unknown>) => ((await c.find(filter, { projection: { _id: 1 } }).limit(200).explain()) as Plan).queryPlanner?.Plan ?? [];
  const scans = (lines: string[]) => lines.some((l) => /detail=SCAN/.test(l));
  // Wait for the statistics: what the former equality looks like to SQLite once they are there.
  let before: string[] = [];
  for (let tries = 0; tries < 60; tries++) {
    before = await plan({ effectsPending: true });
    if (scans(before)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  t.log(`former filter {effectsPending: true}: ${before.join(' | ')}`);

  const lines = await plan(EFFECTS_PENDING);
  t.true(lines.some((l) => l.includes('USING INDEX') && l.includes('effectsPending')), `uses the effectsPending index: ${lines.join(' | ')}`);
  t.false(scans(lines), `reads no table in full: ${lines.join(' | ')}`);
  // And it finds exactly the flagged reports.
  t.deepEqual((await c.find(EFFECTS_PENDING, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort(), [...flagged].sort());
});
