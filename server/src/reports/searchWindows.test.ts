/**
 * 诉求检索 reads a newest-first page in date windows (7, 30, 365 days, then the rest) and examines at most
 * a budget of candidates for free text; both must be invisible in the results: the same rows, in the same
 * order, across window edges and pages, and an honest "more may exist" when a text scan stops.
 */
import test from 'ava';
import mongoose from 'mongoose';
import { reportSearchSchema } from '@ssp/shared';
import { startTestServer, type TestServer } from '../../test/harness';
import { insertRawReports } from '../../test/reportStore';
import { searchReports } from './reportSearch';

let s: TestServer;
let admin: { token: string; userId: string };
const DAY = 86_400_000;
const now = Date.now();
// Ages in days: one per window (7, 30, 365, older), two in the first, and one in another district.
const AGES = [0.01, 2, 10, 100, 800];
const idOf = (i: number) => `0000000000000000000000${String(i).padStart(2, '0')}`;
const raw = (i: number, ageDays: number, district = { code: '310104', name: '徐汇区' }, description = `第${i}条 路面有坑`) => ({
  _id: idOf(i),
  ticketNo: `SH20260101-${String(900_000 + i)}`,
  citizenId: new mongoose.Types.ObjectId(),
  idempotencyKey: `w-${i}`,
  kind: 'complaint',
  status: 'accepted',
  description,
  category: { code: 'potholes', name: '道路坑洼', parentCode: 'roads_facilities', parentName: '道路与市政设施' },
  district,
  location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02', address: `${district.name}某路` },
  urgent: false,
  overdueAt: null,
  rating: null,
  createdAt: new Date(now - ageDays * DAY),
  updatedAt: new Date(now - ageDays * DAY),
});

test.before(async () => {
  s = await startTestServer();
  admin = await s.loginAdmin();
  await insertRawReports([...AGES.map((age, i) => raw(i, age)), raw(20, 1, { code: '310101', name: '黄浦区' })]);
});
test.after.always(async () => {
  await s?.close();
});

const page = async (qs: string) => {
  const res = await s.request('GET', `/api/v1/admin/reports?${qs}`, { token: admin.token });
  if (res.status !== 200) throw new Error(`${qs}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { items: { id: string }[]; nextCursor: string | null; scanLimited?: { examined: number; until: string } };
};
const idsOf = (p: { items: { id: string }[] }) => p.items.map((r) => r.id);

test('pages cross the date windows in order, with the cursor, and stop at the end', async (t) => {
  t.deepEqual(idsOf(await page('district=310104&limit=10')), [0, 1, 2, 3, 4].map(idOf));
  const first = await page('district=310104&limit=2');
  t.deepEqual(idsOf(first), [idOf(0), idOf(1)]);
  const second = await page(`district=310104&limit=2&cursor=${first.nextCursor}`);
  t.deepEqual(idsOf(second), [idOf(2), idOf(3)], 'the 10-day and the 100-day report: the second page spans two windows');
  const third = await page(`district=310104&limit=2&cursor=${second.nextCursor}`);
  t.deepEqual(idsOf(third), [idOf(4)], 'the 800-day report: the last window has no lower bound');
  t.is(third.nextCursor, null);
});

test('date filters clamp the windows', async (t) => {
  const from = new Date(now - 50 * DAY).toISOString();
  t.deepEqual(idsOf(await page(`district=310104&limit=10&from=${from}`)), [0, 1, 2].map(idOf));
  const to = new Date(now - 5 * DAY).toISOString();
  t.deepEqual(idsOf(await page(`district=310104&limit=10&to=${to}`)), [2, 3, 4].map(idOf));
  t.deepEqual(idsOf(await page(`district=310104&limit=10&from=${from}&to=${to}`)), [idOf(2)]);
  // The whole city, newest first: the other district's report sits between the first two.
  t.deepEqual(idsOf(await page('limit=3')), [idOf(0), idOf(20), idOf(1)]);
});

test('free text: matches across windows, and a scan that stops at its budget says so and continues', async (t) => {
  t.deepEqual(idsOf(await page(`q=${encodeURIComponent('路面有坑')}&district=310104&limit=10`)), [0, 1, 2, 3, 4].map(idOf));
  t.deepEqual(idsOf(await page(`q=${encodeURIComponent('第3条')}&limit=10`)), [idOf(3)]);
  const user = { id: admin.userId, role: 'admin' as const, roles: ['admin' as const], districts: [] };
  const q = (cursor?: string) => reportSearchSchema.parse({ q: '第', district: '310104', limit: '2', ...(cursor ? { cursor } : {}) });
  // A budget of 3 candidates for a text every report has: full pages, no notice.
  const full = await searchReports(s.services.repo, user, q(), { textScanBudget: 3 });
  t.is(full.items.length, 2);
  t.is(full.scanLimited, undefined);
  // A text only the oldest report has: the first 3 candidates hold none, so the page is empty but says how far it looked.
  const rare = reportSearchSchema.parse({ q: '第4条', district: '310104', limit: '2' });
  const stopped = await searchReports(s.services.repo, user, rare, { textScanBudget: 3 });
  t.deepEqual(stopped.items, []);
  t.is(stopped.scanLimited?.examined, 3);
  t.is(stopped.scanLimited?.until, new Date(now - 10 * DAY).toISOString());
  t.truthy(stopped.nextCursor);
  const rest = await searchReports(s.services.repo, user, { ...rare, cursor: stopped.nextCursor! }, { textScanBudget: 3 });
  t.deepEqual(rest.items.map((r) => r.id), [idOf(4)]);
  t.is(rest.nextCursor, null);
  t.is(rest.scanLimited, undefined);
});
