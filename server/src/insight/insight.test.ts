import { randomUUID } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import mongoose from 'mongoose';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { insertRawReports, setReportFields } from '../../test/reportStore';
import { createStaff } from '../../test/staff';
import { startFakePipeline, type FakePipeline } from '../../test/fakePipeline';
import { TEST_PIPELINE_SECRET } from '../../test/harness';
import { bucketId, factFromStored } from './contribution';
import { Bucket, Fact, GeoCell, Hotspot, InsightState, JournalLog, ROLLUP_LAYOUT } from './insightModel';
import { createRollupWriter } from './rollupWriter';
import { createReportRepository } from '../reports/reportRepository';
import { silentLogger } from '../log';

let s: TestServer;
let admin: { token: string };
let fake: FakePipeline;

test.before(async () => {
  fake = await startFakePipeline(TEST_PIPELINE_SECRET);
  s = await startTestServer({
    pipeline: { connector: 'webhook', webhookUrl: fake.url, secret: TEST_PIPELINE_SECRET, publicBaseUrl: 'http://127.0.0.1:9', maxAttempts: 3, baseBackoffMs: 20, timeoutMs: 1000, leaseMs: 3000 },
    // A short lag, not the default 25 s: a burst of API writes longer than 1 s (the concurrent-burst test's) is then
    // partly written while it lasts, so "rebuilt = maintained" covers flushes made during the submits and status
    // changes, as it did with the former 3 s default. Every other test waits for what it checks (drain, waitApplied).
    insight: { maxLagMs: 1000 },
  });
  admin = await s.loginAdmin();
});
test.after.always(async () => {
  await s?.close();
  await fake?.close();
});

const A = { code: 'road_damage', name: '道路破损', parentCode: 'roads_facilities', parentName: '道路与市政设施' };
const B = { code: 'property_service', name: '物业服务', parentCode: 'housing_property', parentName: '住房与物业' };
const H = { code: '310101', name: '黄浦区' };
const X = { code: '310104', name: '徐汇区' };
/** The middle of one ~500 m cell (lat 6940.5 × 0.0045°, lng 23138.5 × 0.00525°). */
const P0 = { lat: 31.23225, lng: 121.477125 };
const PX = { lat: 31.19, lng: 121.44 };

let seq = 0;
function report(o: {
  at: string;
  district: { code: string; name: string };
  category: typeof A;
  kind?: 'complaint' | 'snap';
  status?: string;
  urgent?: boolean;
  steps?: [string, number][];
  overdue?: boolean;
  rating?: string;
  point?: { lat: number; lng: number };
  id?: string;
}) {
  const createdAt = new Date(o.at);
  const n = ++seq;
  const timeline = [{ at: createdAt, status: 'submitted', actor: 'citizen', message: '已提交' }, ...(o.steps ?? []).map(([status, h]) => ({ at: new Date(createdAt.getTime() + h * 3600_000), status, actor: 'admin', message: status }))];
  return {
    _id: o.id ?? new mongoose.Types.ObjectId().toHexString(),
    ticketNo: `SHTEST-${randomUUID().slice(0, 8)}-${n}`,
    citizenId: new mongoose.Types.ObjectId(),
    idempotencyKey: randomUUID(),
    requestHash: 'x',
    kind: o.kind ?? 'complaint',
    status: o.status ?? 'submitted',
    description: '测试',
    category: o.category,
    urgent: o.urgent ?? false,
    point: o.point ?? P0,
    location: { ...(o.point ?? P0), coordSystem: 'gcj02' },
    district: o.district,
    timeline,
    overdueAt: o.overdue ? new Date(createdAt.getTime() + 48 * 3600_000) : null,
    rating: o.rating ? { value: o.rating, at: createdAt } : null,
    delivery: { state: 'delivered', attempts: 1 },
    effects: [],
    createdAt,
    updatedAt: new Date(),
  };
}

const get = (path: string) => s.request('GET', path, { token: admin.token });

/** The journal of a batch that stopped before its writes (a crash): these facts, with their geo points. */
function journalOf(seq: number, facts: ReturnType<typeof factFromStored>[]) {
  return {
    seq,
    incs: [],
    labels: { paths: [], values: [] },
    facts,
    geoAdd: facts.map((f) => ({
      doc: `${f.parent}|${Math.floor(f.point!.lat / 0.0027)}|${Math.floor(f.point!.lng / 0.00315)}|${f.day}`,
      p: { id: f._id, lat: f.point!.lat, lng: f.point!.lng, at: f.at, district: f.district },
    })),
    geoRemove: [],
  };
}

test.serial('exact figures on every endpoint, with Asia/Shanghai day boundaries', async (t) => {
  await insertRawReports([
    // 2026-11-01 00:30 in Shanghai: inside the period although it is still 31 October in UTC
    report({ at: '2026-10-31T16:30:00Z', district: H, category: A, status: 'closed', steps: [['accepted', 1], ['dispatched', 2], ['resolved', 10], ['closed', 20]], rating: 'satisfied' }),
    report({ at: '2026-11-01T02:00:00Z', district: H, category: A, kind: 'snap', status: 'resolved', steps: [['accepted', 0.5], ['dispatched', 1.5], ['resolved', 30]], rating: 'basically_satisfied', point: { lat: P0.lat + 0.0009, lng: P0.lng } }),
    report({ at: '2026-11-02T04:00:00Z', district: H, category: A, urgent: true, status: 'reopened', steps: [['accepted', 2], ['dispatched', 3], ['resolved', 5], ['reopened', 6]], rating: 'unsatisfied', overdue: true, point: { lat: P0.lat + 0.018, lng: P0.lng } }),
    // 23:59 on 3 November in Shanghai: the last minute of the period
    report({ at: '2026-11-03T15:59:00Z', district: X, category: B, status: 'dispatched', steps: [['accepted', 4], ['dispatched', 8]], overdue: true, point: PX }),
    report({ at: '2026-11-02T10:00:00Z', district: X, category: B, kind: 'snap', point: PX }),
    // 23:59:59 on 31 October in Shanghai: the previous period
    report({ at: '2026-10-31T15:59:59Z', district: H, category: A, status: 'accepted', steps: [['accepted', 1]] }),
    // 00:00 on 4 November in Shanghai: after the period
    report({ at: '2026-11-03T16:00:00Z', district: H, category: B }),
    report({ at: '2026-10-30T01:00:00Z', district: X, category: B, point: PX }),
  ]);
  // Stored behind the server's back: the catch-up scan (by updatedAt) finds them.
  await s.services.insightWriter.drain();

  const o = (await get('/api/v1/admin/insight/overview?from=2026-11-01&to=2026-11-03')).body;
  t.is(o.total, 5);
  t.deepEqual(o.byDay, [
    { date: '2026-11-01', count: 2 },
    { date: '2026-11-02', count: 2 },
    { date: '2026-11-03', count: 1 },
  ]);
  t.deepEqual(o.previous, { from: '2026-10-29', to: '2026-10-31', total: 2, byDay: [{ date: '2026-10-29', count: 0 }, { date: '2026-10-30', count: 1 }, { date: '2026-10-31', count: 1 }] });
  t.deepEqual(o.byCategory, [{ code: 'road_damage', name: '道路破损', count: 3 }, { code: 'property_service', name: '物业服务', count: 2 }]);
  t.deepEqual(o.byFirstLevel, [{ code: 'roads_facilities', name: '道路与市政设施', count: 3 }, { code: 'housing_property', name: '住房与物业', count: 2 }]);
  t.deepEqual(o.byDistrict, [{ code: '310101', name: '黄浦区', count: 3 }, { code: '310104', name: '徐汇区', count: 2 }]);
  t.deepEqual(o.byKind, { complaint: 3, snap: 2 });
  t.is(o.urgent, 1);
  t.is(o.resolutionRate, 0.4);
  t.is(o.overdueRate, 0.4);
  t.is(o.reopenRate, 0.3333);
  t.deepEqual(o.satisfaction, { rated: 3, satisfied: 1, basic: 1, unsatisfied: 1, ratedShare: 1 });
  t.deepEqual(o.hours, { accept: { p50: 1, p90: 4 }, dispatch: { p50: 2, p90: 8 }, resolve: { p50: 10, p90: 30 } });

  const xh = (await get('/api/v1/admin/insight/overview?from=2026-11-01&to=2026-11-03&district=310104')).body;
  t.is(xh.total, 2);
  t.is(xh.previous.total, 1);
  t.is(xh.resolutionRate, 0);
  t.deepEqual(xh.satisfaction, { rated: 0, satisfied: 0, basic: 0, unsatisfied: 0, ratedShare: null });
  t.is(xh.reopenRate, null);
  const roads = (await get('/api/v1/admin/insight/overview?from=2026-11-01&to=2026-11-03&category=roads_facilities')).body;
  t.is(roads.total, 3);
  t.deepEqual(roads.byDistrict, [{ code: '310101', name: '黄浦区', count: 3 }]);
  // One day at a time: the boundary reports fall on the right days.
  t.is((await get('/api/v1/admin/insight/overview?from=2026-10-31&to=2026-10-31')).body.total, 1);
  t.is((await get('/api/v1/admin/insight/overview?from=2026-11-04&to=2026-11-04')).body.total, 1);
  // A whole month is read from the month bucket: same figures as day by day.
  const nov = (await get('/api/v1/admin/insight/overview?from=2026-11-01&to=2026-11-30')).body;
  t.is(nov.total, 6);
  t.is(nov.byDay.find((d: { date: string }) => d.date === '2026-11-04').count, 1);
  t.deepEqual(nov.hours, o.hours);

  const b = (await get('/api/v1/admin/insight/blockers?from=2026-11-01&to=2026-11-03')).body;
  t.deepEqual(b.items, [
    {
      category: { code: 'property_service', name: '物业服务', parentCode: 'housing_property', parentName: '住房与物业' },
      district: { code: '310104', name: '徐汇区' },
      count: 2,
      previous: 1,
      change: 1,
      concentration: 1,
      resolutionRate: 0,
      satisfactionRate: null,
      score: 0.8,
    },
    {
      category: { code: 'road_damage', name: '道路破损', parentCode: 'roads_facilities', parentName: '道路与市政设施' },
      district: { code: '310101', name: '黄浦区' },
      count: 3,
      previous: 1,
      change: 2,
      concentration: 0.6667,
      resolutionRate: 0.6667,
      satisfactionRate: 0.6667,
      score: 0.667,
    },
  ]);
  const pair = (await get('/api/v1/admin/insight/blockers/reports?from=2026-11-01&to=2026-11-03&district=310101&category=road_damage')).body;
  t.is(pair.items.length, 3);
  t.is(pair.total, 3);
  // Each report as the list shows it (and links to it): ticket number, category, time, status; newest first.
  t.like(pair.items[0], { category: { code: 'road_damage', name: '道路破损' }, district: H, createdAt: '2026-11-02T04:00:00.000Z', status: 'reopened', resolved: false, rating: 'unsatisfied' });
  t.true(pair.items.every((r: any) => /^SHTEST-/.test(r.ticketNo)));

  const tr = (await get('/api/v1/admin/insight/trends?from=2026-11-01&to=2026-11-03')).body;
  const road = tr.items.find((i: any) => i.category.code === 'road_damage');
  t.like(road, { count: 3, previous: 1, yearAgo: 0, delta: 2, change: 2, yearChange: null });
  t.deepEqual(road.spark, [2, 1, 0]);
  t.is(tr.rising[0].category.code, 'road_damage');

  t.deepEqual((await get('/api/v1/admin/insight/hotspots?from=2026-11-01&to=2026-11-03')).body, { firstLevel: null, items: [] });
});

test.serial('a 堵点 with more reports than a list shows: the first 200, newest first, and the true count', async (t) => {
  const C = { code: 'noise_construction', name: '施工噪声', parentCode: 'noise', parentName: '噪声扰民' };
  const at = (i: number) => new Date(Date.parse('2026-03-10T01:00:00Z') + i * 60_000).toISOString();
  await insertRawReports(Array.from({ length: 205 }, (_, i) => report({ at: at(i), district: X, category: C, point: { lat: 30.7 + (i % 15) * 0.005, lng: 121.0 + Math.floor(i / 15) * 0.006 } }) /* ≥ 500 m apart: no hotspot */));
  await s.services.insightWriter.drain();
  const pair = (await get('/api/v1/admin/insight/blockers/reports?from=2026-03-10&to=2026-03-10&district=310104&category=noise_construction')).body;
  t.is(pair.total, 205);
  t.is(pair.limit, 200);
  t.is(pair.items.length, 200);
  t.is(pair.items[0].createdAt, at(204));
  const blocker = (await get('/api/v1/admin/insight/blockers?from=2026-03-10&to=2026-03-10&district=310104')).body.items.find((b: any) => b.category.code === 'noise_construction');
  t.is(blocker.count, pair.total);
});

test.serial('trends rank the rises and falls against the previous period and, separately, against the same dates a year earlier', async (t) => {
  const C = { code: 'garbage_sorting', name: '垃圾分类', parentCode: 'environment', parentName: '环境保护' };
  const D = { code: 'street_light', name: '路灯', parentCode: 'roads_facilities', parentName: '道路与市政设施' };
  const day = (d: string, i: number) => `${d}T0${i % 8}:00:00Z`;
  await insertRawReports([
    // This period (2026-04-01..03): C 3, D 1
    ...[0, 1, 2].map((i) => report({ at: day('2026-04-02', i), district: H, category: C })),
    report({ at: day('2026-04-03', 1), district: H, category: D }),
    // The previous period (2026-03-29..31): D 2
    ...[0, 1].map((i) => report({ at: day('2026-03-30', i), district: H, category: D })),
    // A year earlier (2025-04-01..03): C 1, D 4
    report({ at: day('2025-04-01', 1), district: H, category: C }),
    ...[0, 1, 2, 3].map((i) => report({ at: day('2025-04-03', i), district: X, category: D })),
  ]);
  await s.services.insightWriter.drain();
  const tr = (await get('/api/v1/admin/insight/trends?from=2026-04-01&to=2026-04-03')).body;
  const codes = (list: any[]) => list.map((i) => [i.category.code, i.delta, i.yearDelta]);
  t.deepEqual(codes(tr.rising), [['garbage_sorting', 3, 2]]);
  t.deepEqual(codes(tr.falling), [['street_light', -1, -3]]);
  t.deepEqual(codes(tr.risingYear), [['garbage_sorting', 3, 2]]);
  t.deepEqual(codes(tr.fallingYear), [['street_light', -1, -3]]);
  t.like(tr.items.find((i: any) => i.category.code === 'street_light'), { count: 1, previous: 2, yearAgo: 4, change: -0.5, yearChange: -0.75 });
  t.like(tr.items.find((i: any) => i.category.code === 'garbage_sorting'), { count: 3, previous: 0, yearAgo: 1, change: null, yearChange: 2 });
  // A category only a year earlier: falling against the year, absent from the previous period's lists.
  await insertRawReports([report({ at: day('2025-04-02', 5), district: H, category: A, point: PX }), report({ at: day('2025-04-02', 6), district: H, category: A, point: PX })]);
  await s.services.insightWriter.drain();
  const again = (await get('/api/v1/admin/insight/trends?from=2026-04-01&to=2026-04-03')).body;
  t.deepEqual(codes(again.fallingYear), [['street_light', -1, -3], ['road_damage', 0, -2]]);
  t.deepEqual(codes(again.falling), [['street_light', -1, -3]]);
});

test.serial('analysts read the 数据看板; a scoped analyst sees only its districts; other roles are refused', async (t) => {
  // The figures of the test above: 黄浦区 3 reports, 徐汇区 2, from 2026-11-01 to 2026-11-03.
  const period = 'from=2026-11-01&to=2026-11-03';
  const analyst = await createStaff(s, admin.token, { roles: ['analyst'] });
  const scoped = await createStaff(s, admin.token, { roles: ['analyst'], districts: ['310104'] });
  const operator = await createStaff(s, admin.token, { roles: ['operator'] });
  const as = (token: string, path: string) => s.request('GET', path, { token });

  t.is((await as(analyst.token, `/api/v1/admin/insight/overview?${period}`)).body.total, 5);
  t.is((await as(operator.token, `/api/v1/admin/insight/overview?${period}`)).status, 403);

  const o = (await as(scoped.token, `/api/v1/admin/insight/overview?${period}`)).body;
  t.is(o.total, 2);
  t.deepEqual(o.byDistrict, [{ code: '310104', name: '徐汇区', count: 2 }]);
  const b = (await as(scoped.token, `/api/v1/admin/insight/blockers?${period}`)).body;
  t.deepEqual(b.items.map((i: { district: { code: string } }) => i.district.code), ['310104']);
  t.deepEqual((await as(scoped.token, `/api/v1/admin/insight/trends?${period}`)).body.items.map((i: { category: { code: string } }) => i.category.code), ['property_service']);
  // A district outside the scope is refused, not silently emptied.
  const outside = await as(scoped.token, `/api/v1/admin/insight/overview?${period}&district=310101`);
  t.is(outside.status, 403);
  t.is(outside.body.error.code, 'FORBIDDEN');
  t.is((await as(scoped.token, `/api/v1/admin/insight/blockers/reports?${period}&district=310101&category=road_damage`)).status, 403);
  t.is((await as(scoped.token, `/api/v1/admin/insight/blockers/reports?${period}&district=310104&category=property_service`)).body.items.length, 2);

  // Reading the hotspot rule is for analysts; changing it is for admins only.
  t.is((await as(analyst.token, '/api/v1/admin/insight/settings')).status, 200);
  t.is((await s.request('PUT', '/api/v1/admin/insight/settings', { token: analyst.token, json: { minReports: 3, radiusM: 500, windowHours: 48 } })).status, 403);
});

test.serial('bad queries get a clear 400; the district boundaries are served as GeoJSON', async (t) => {
  for (const q of ['from=2026-11-31', 'from=2026-11-05&to=2026-11-01', 'district=999999', 'category=Bad Code', 'from=2023-01-01&to=2026-01-01']) {
    const res = await get(`/api/v1/admin/insight/overview?${q}`);
    t.is(res.status, 400, q);
    t.is(res.body.error.code, 'VALIDATION_FAILED', q);
  }
  const citizen = await s.loginCitizen();
  t.is((await s.request('GET', '/api/v1/admin/insight/overview', { token: citizen.token })).status, 403);
  t.is((await s.request('GET', '/api/v1/admin/insight/overview')).status, 401);
  const geo = (await get('/api/v1/admin/insight/districts.geojson')).body;
  t.is(geo.type, 'FeatureCollection');
  t.is(geo.features.length, 16);
  t.truthy(geo.features.every((f: any) => /^31\d{4}$/.test(f.properties.code) && f.geometry.type === 'MultiPolygon'));
  const bad = await s.request('PUT', '/api/v1/admin/insight/settings', { token: admin.token, json: { minReports: 1, radiusM: 300, windowHours: 24 } });
  t.is(bad.status, 400);
  // Each field's problem in Chinese, at the field (the console's settings form shows them there).
  const worse = await s.request('PUT', '/api/v1/admin/insight/settings', { token: admin.token, json: { minReports: 101, radiusM: 20.5, windowHours: 400 } });
  t.is(worse.body.error.code, 'VALIDATION_FAILED');
  const at = (p: string) => worse.body.error.details.filter((d: any) => d.path === p).map((d: any) => d.message);
  t.deepEqual(at('minReports'), ['最多 100 件']);
  t.true(at('radiusM').includes('半径应为整数（米）'));
  t.deepEqual(at('windowHours'), ['时间窗最多 14 天（336 小时）']);
  t.deepEqual((await get('/api/v1/admin/insight/settings')).body, { minReports: 5, radiusM: 300, windowHours: 24 }, 'nothing half-written');
});

test.serial('a hotspot appears with the 5th report within 300 m and 24 h, not the 4th, once, and grows with the 6th; it is announced, signed', async (t) => {
  const C = { code: 'illegal_parking', name: '违章停车', parentCode: 'city_management', parentName: '城市管理' };
  const base = { lat: 31.3, lng: 121.5 };
  const at = (h: number) => new Date(Date.parse('2026-11-10T02:00:00Z') + h * 3600_000).toISOString();
  const near = (m: number) => ({ lat: base.lat + m / 111_000, lng: base.lng });
  const add = async (o: Parameters<typeof report>[0]) => {
    await insertRawReports([report(o)]);
    await s.services.insightWriter.drain();
  };
  const hotspots = async () => (await get('/api/v1/admin/insight/hotspots?from=2026-11-09&to=2026-11-12')).body.items.filter((h: any) => h.category.code === 'city_management');
  // Not counted: too far (400 m), too early (26 h before the 4th, 33 h before the 5th), another first-level category.
  await add({ at: at(0), district: X, category: C, point: near(-400) });
  await add({ at: at(-10), district: X, category: C, point: near(10) });
  await add({ at: at(1), district: X, category: A, point: near(0) });
  for (let i = 1; i <= 4; i++) await add({ at: at(i * 4), district: X, category: C, point: near(i * 20) });
  t.deepEqual(await hotspots(), [], 'no hotspot at the 4th report');
  const fifth = report({ at: at(23), district: X, category: C, point: near(0) });
  await insertRawReports([fifth]);
  await s.services.insightWriter.drain();
  await s.services.insightWriter.drain();
  let list = await hotspots();
  t.is(list.length, 1, 'one hotspot at the 5th');
  t.is(list[0].count, 5);
  t.is(list[0].reportIds.length, 5);
  t.true(list[0].reportIds.includes(fifth._id));
  t.deepEqual(list[0].district, X);
  t.true(list[0].radiusM <= 300);
  t.is(list[0].firstAt, at(4));
  t.is(list[0].lastAt, at(23));
  const id = list[0].id;
  await add({ at: at(26), district: X, category: C, point: near(120) });
  list = await hotspots();
  t.is(list.length, 1, 'the 6th grows the same hotspot');
  t.is(list[0].id, id);
  t.is(list[0].count, 6);
  t.is(list[0].lastAt, at(26));

  // A second-level filter means its first level (hotspots are per first-level category).
  const bySecond = (await get('/api/v1/admin/insight/hotspots?from=2026-11-09&to=2026-11-12&category=illegal_parking')).body;
  t.is(bySecond.firstLevel, 'city_management');
  t.deepEqual(bySecond.items.map((h: any) => h.id), [id]);
  t.deepEqual((await get('/api/v1/admin/insight/hotspots?from=2026-11-09&to=2026-11-12&category=road_damage')).body.items.filter((h: any) => h.id === id), []);
  // Its reports: ticket number, category, time and status, newest first, all six.
  const members = (await get(`/api/v1/admin/insight/hotspots/${id}/reports`)).body;
  t.is(members.total, 6);
  t.is(members.items.length, 6);
  t.is(members.hotspot.id, id);
  t.like(members.items[0], { createdAt: at(26), category: { code: 'illegal_parking', name: '违章停车' }, district: X, status: 'submitted' });
  t.true(members.items.every((r: any) => /^SHTEST-/.test(r.ticketNo)));
  t.is(members.items[5].createdAt, at(4));
  t.deepEqual(members.items.map((r: any) => r.id).sort(), [...list[0].reportIds].sort());
  t.is((await get('/api/v1/admin/insight/hotspots/hs_nothing/reports')).status, 404);
  const huangpuOnly = await createStaff(s, admin.token, { roles: ['analyst'], districts: ['310101'] });
  t.is((await s.request('GET', `/api/v1/admin/insight/hotspots/${id}/reports`, { token: huangpuOnly.token })).status, 404, 'outside the account\'s districts');

  // Alert: unseen until marked seen.
  const alerts = (await get('/api/v1/admin/insight/alerts')).body;
  t.true(alerts.items.some((a: any) => a.id === id));
  t.is((await s.request('POST', '/api/v1/admin/insight/alerts/seen', { token: admin.token, json: { ids: [id] } })).status, 204);
  t.false((await get('/api/v1/admin/insight/alerts')).body.items.some((a: any) => a.id === id));

  // The signed `event: "hotspot"` message went to the pipeline once.
  const sent = fake.received.filter((r) => r.body.event === 'hotspot' && r.body.hotspotId === id);
  t.is(sent.length, 1);
  t.is(sent[0].signature, 'ok');
  t.is(sent[0].idempotencyKey, `hotspot:${id}`);
  t.like(sent[0].body, { category: { code: 'city_management', name: '城市管理' }, district: X, count: 5 });
  t.is(await Hotspot.collection.countDocuments({ parent: 'city_management' } as never), 1);
});

test.serial('a hotspot of 300 reports lists every one of them, and its document does not grow with them', async (t) => {
  t.timeout(240_000);
  const base = { lat: 31.05, lng: 121.25 };
  const at = (i: number) => new Date(Date.parse('2026-10-20T01:00:00Z') + i * 200_000).toISOString(); // 300 reports over ~17 h
  // Within ~150 m of the base, spread on both axes (so the bounds and the centre move as it grows).
  const point = (i: number) => ({ lat: base.lat + (((i * 37) % 27) - 13) / 111_000 * 10, lng: base.lng + (((i * 53) % 23) - 11) / 95_000 * 10 });
  const reports = Array.from({ length: 300 }, (_, i) => report({ at: at(i), district: X, category: B, point: point(i) }));
  const list = async () => (await get('/api/v1/admin/insight/hotspots?from=2026-10-19&to=2026-10-21')).body.items.filter((h: any) => h.category.code === 'housing_property');
  const stored = async (id: string) => mongoose.mongo.BSON.calculateObjectSize((await Hotspot.collection.findOne({ _id: id } as never))!);
  await insertRawReports(reports.slice(0, 6));
  await s.services.insightWriter.drain();
  let items = await list();
  t.is(items.length, 1);
  t.is(items[0].count, 6);
  const id = items[0].id;
  const sizeAt6 = await stored(id);
  // The rest in two bursts (the writer takes them in batches of 200).
  await insertRawReports(reports.slice(6, 150));
  await s.services.insightWriter.drain();
  await insertRawReports(reports.slice(150));
  await s.services.insightWriter.drain();
  items = await list();
  t.is(items.length, 1, 'the same hotspot grew');
  t.is(items[0].id, id);
  t.is(items[0].count, 300);
  t.deepEqual(items[0].reportIds, reports.map((r) => r._id), 'all 300 reports, oldest first');
  t.is(items[0].firstAt, at(0));
  t.is(items[0].lastAt, at(299));
  t.deepEqual(items[0].district, X);
  // The centre is the mean of the members; the radius encloses every one of them.
  const mean = (k: 'lat' | 'lng') => reports.reduce((n, r) => n + r.point[k], 0) / reports.length;
  t.true(Math.abs(items[0].center.lat - mean('lat')) < 2e-6 && Math.abs(items[0].center.lng - mean('lng')) < 2e-6);
  const distance = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => Math.hypot((a.lat - b.lat) * 111_000, (a.lng - b.lng) * 111_000 * Math.cos((a.lat * Math.PI) / 180));
  t.true(reports.every((r) => distance(items[0].center, r.point) <= items[0].radiusM + 1));
  t.true(items[0].radiusM <= 300);
  // Fixed size: the same bytes at the 6th report and the 300th (a count and statistics, no member list).
  t.is(await stored(id), sizeAt6);
  t.is(await mongoose.connection.db!.collection('insight_hotspot_members').countDocuments({ h: id }), 300);
  // As if the writer died after the 300th report's `$inc` but before its member's insert: a new writer
  // replays the journal holding the last two points. Neither is counted again; the missing member is written.
  const members = mongoose.connection.db!.collection<{ _id: string }>('insight_hotspot_members');
  await members.deleteOne({ _id: `housing_property|${reports[299]._id}` });
  const facts = await Promise.all(reports.slice(298).map(async (r) => factFromStored((await Fact.collection.findOne({ _id: r._id } as never)) as unknown as { f: string })));
  const seqNow = ((await InsightState.findById('writer').lean<{ seq?: number }>())?.seq ?? 0) + 1;
  const journal = journalOf(seqNow, facts);
  await InsightState.collection.updateOne({ _id: 'writer' } as never, { $set: { seq: seqNow, journal } });
  const again = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null });
  await again.drain();
  await again.stop();
  items = await list();
  t.is(items[0].count, 300, 'not counted twice');
  t.deepEqual(items[0].reportIds, reports.map((r) => r._id), 'the member is back');
  t.is(await stored(id), sizeAt6);
});

test.serial('admins change the hotspot rule', async (t) => {
  const res = await s.request('PUT', '/api/v1/admin/insight/settings', { token: admin.token, json: { minReports: 3, radiusM: 500, windowHours: 48 } });
  t.is(res.status, 200);
  t.deepEqual((await get('/api/v1/admin/insight/settings')).body, { minReports: 3, radiusM: 500, windowHours: 48 });
  // The change is in the audit trail, with the values before and after.
  const audit = (await get('/api/v1/admin/audit?action=insight.settings')).body.items;
  t.is(audit[0].action, 'insight.settings');
  t.like(audit[0].summary, { before: { minReports: 5, radiusM: 300, windowHours: 24 }, after: { minReports: 3, radiusM: 500, windowHours: 48 } });
  await s.request('PUT', '/api/v1/admin/insight/settings', { token: admin.token, json: { minReports: 5, radiusM: 300, windowHours: 24 } });
});

async function snapshot() {
  const docs = await Bucket.find({}).sort({ _id: 1 }).lean<Record<string, any>[]>();
  const clean = (v: any): any => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      const out: Record<string, any> = {};
      for (const k of Object.keys(v).sort()) if (k !== 'j' && v[k] !== 0) out[k] = clean(v[k]);
      return out;
    }
    return v;
  };
  return docs.map(clean);
}

test.serial('rollups rebuilt from scratch equal the incremental ones after a concurrent burst of submits and status changes', async (t) => {
  t.timeout(240_000); // 40 submits and ~90 staff moves through the real API: ~20 s here, far more on a loaded machine
  const citizens = await Promise.all(Array.from({ length: 8 }, () => s.loginCitizen()));
  const ids = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const res = await s.request('POST', '/api/v1/reports', {
        token: citizens[i % 8].token,
        json: validComplaint({ description: i % 2 ? '小区物业不作为，电梯坏了没人修' : '人行道地砖破损，老人容易绊倒' }),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      t.is(res.status, 201);
      return res.body.id as string;
    }),
  );
  const move = (id: string, to: string) => s.request('POST', `/api/v1/admin/reports/${id}/transitions`, { token: admin.token, json: { to, message: '处理' } });
  await Promise.all(
    ids.map(async (id, i) => {
      if (i % 4 === 0) return;
      await move(id, 'accepted');
      if (i % 4 === 1) return;
      await move(id, 'dispatched');
      if (i % 4 === 2) await setReportFields(id, { overdueAt: new Date() });
      if (i % 4 === 3) await move(id, 'resolved');
    }),
  );
  // Raw field writes (overdueAt) are not events: touch updatedAt so the scan sees them, as the deadline monitor's writes do.
  await Promise.all(ids.filter((_, i) => i % 4 === 2).map((id) => setReportFields(id, { updatedAt: new Date() })));
  await s.services.insightWriter.drain();
  const incremental = await snapshot();
  const today = s.services.insight.today();
  const before = (await get(`/api/v1/admin/insight/overview?from=${today}&to=${today}`)).body;
  t.is(before.total, 40);
  t.is(before.overdueRate, 0.25);
  t.is(before.resolutionRate, 0.25);
  t.is(before.hours.accept.p50 !== null, true);

  const r = await s.services.insightWriter.rebuild();
  t.true(r.reports >= 40);
  const rebuilt = await snapshot();
  t.deepEqual(rebuilt, incremental);
  t.deepEqual((await get(`/api/v1/admin/insight/overview?from=${today}&to=${today}`)).body, before);
});

test.serial('the zone filter: figures of the reports filed through one 专区; the page cache follows new and changed reports', async (t) => {
  const Z = { id: 'a1b2c3d4e5f6a1b2c3d4e5f6', title: '进博会专区' };
  const inZone = (o: Parameters<typeof report>[0]) => ({ ...report(o), zone: Z });
  const day = '2026-09-10T03:00:00Z';
  const first = inZone({ at: day, district: H, category: A });
  await insertRawReports([
    first,
    inZone({ at: day, district: H, category: A, status: 'resolved', steps: [['accepted', 1], ['resolved', 5]] }),
    inZone({ at: day, district: X, category: B, point: PX }),
    report({ at: day, district: H, category: A }),
  ]);
  await s.services.insightWriter.drain();
  const period = 'from=2026-09-10&to=2026-09-10';
  const z = (await get(`/api/v1/admin/insight/overview?${period}&zone=${Z.id}`)).body;
  t.is(z.total, 3);
  t.deepEqual(z.byDistrict, [{ code: '310101', name: '黄浦区', count: 2 }, { code: '310104', name: '徐汇区', count: 1 }]);
  t.is(z.resolutionRate, 0.3333);
  t.deepEqual(z.hours.resolve, { p50: 5, p90: 5 });
  t.is((await get(`/api/v1/admin/insight/overview?${period}`)).body.total, 4);
  t.is((await get(`/api/v1/admin/insight/overview?${period}&zone=${Z.id}&district=310101`)).body.total, 2);
  const b = (await get(`/api/v1/admin/insight/blockers?${period}&zone=${Z.id}`)).body.items;
  t.deepEqual(b.map((i: any) => [i.district.code, i.category.code, i.count]).sort(), [['310101', 'road_damage', 2], ['310104', 'property_service', 1]]);
  t.deepEqual((await get(`/api/v1/admin/insight/trends?${period}&zone=${Z.id}`)).body.items.map((i: any) => [i.category.code, i.count]).sort(), [['property_service', 1], ['road_damage', 2]]);
  t.is((await get(`/api/v1/admin/insight/blockers/reports?${period}&zone=${Z.id}&district=310101&category=road_damage`)).body.items.length, 2);
  t.deepEqual((await get('/api/v1/admin/insight/zones')).body.items.filter((i: any) => i.id === Z.id), [{ id: Z.id, title: Z.title }]);
  const bad = await get(`/api/v1/admin/insight/overview?zone=not-a-zone`);
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'VALIDATION_FAILED');

  // The figures above are now cached; a new report and a status change show at the next read.
  await insertRawReports([inZone({ at: day, district: X, category: B, point: PX })]);
  await setReportFields(first._id, { status: 'resolved', timeline: [...first.timeline, { at: new Date(Date.parse(day) + 2 * 3600_000), status: 'resolved', actor: 'admin', message: '办结' }], updatedAt: new Date() });
  await s.services.insightWriter.drain();
  const after = (await get(`/api/v1/admin/insight/overview?${period}&zone=${Z.id}`)).body;
  t.is(after.total, 4);
  t.is(after.resolutionRate, 0.5);
  t.deepEqual(after.hours.resolve, { p50: 2, p90: 5 });
});

test.serial('a journal interrupted halfway is replayed once: buckets already at its sequence are skipped, the others applied', async (t) => {
  const state = async () => (await InsightState.findById('writer').lean<{ seq?: number; applied?: number; journal?: unknown }>()) ?? {};
  const seq = (await state()).seq ?? 0;
  const next = seq + 1;
  const done = bucketId('c', 'd:2026-08-01', '310101');
  const pending = bucketId('c', 'd:2026-08-02', '310101');
  // As if the writer died after applying the batch to `done` but before `pending`.
  await Bucket.collection.insertOne({ _id: done, j: next, e: { '310101|road_damage|complaint': { n: 1 } } } as never);
  const journal = {
    seq: next,
    incs: [done, pending].map((doc) => ({ doc, paths: ['e.310101|road_damage|complaint.n'], values: [1] })),
    labels: { paths: [], values: [] },
    facts: [],
    geoAdd: [],
    geoRemove: [],
  };
  await InsightState.collection.updateOne({ _id: 'writer' } as never, { $set: { seq: next, journal, layout: ROLLUP_LAYOUT } }, { upsert: true });
  // A new writer process starts: it replays the journal first.
  const writer = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null });
  await writer.drain();
  await writer.stop();
  const counts = async (id: string) => (await Bucket.findById(id).lean<{ e: Record<string, { n: number }> }>())!.e['310101|road_damage|complaint'].n;
  t.is(await counts(done), 1, 'not applied twice');
  t.is(await counts(pending), 1, 'applied once');
  const after = await state();
  t.falsy(after.journal);
  t.true((after.applied ?? 0) >= next);
  // Readers' caches hear which buckets the batch touched.
  const logged = await JournalLog.findById(String(next)).lean<{ docs: string[] }>();
  t.deepEqual([...logged!.docs].sort(), [done, pending].sort());
  // Replaying the same journal again changes nothing.
  await InsightState.collection.updateOne({ _id: 'writer' } as never, { $set: { journal } });
  const again = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null });
  await again.drain();
  await again.stop();
  t.is(await counts(done), 1);
  t.is(await counts(pending), 1);
  await Bucket.collection.deleteMany({ _id: { $in: [done, pending] } } as never);
});

test.serial('a stored event\'s document is counted as it came, without reading the report; a change heard in the same tick is read; an older document heard later changes nothing', async (t) => {
  const state = async () => (await InsightState.findById('writer').lean<{ seq?: number; applied?: number }>()) ?? {};
  const writer = s.services.insightWriter;
  const waitApplied = async (n: number) => {
    for (let i = 0; i < 200 && ((await state()).applied ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  const day = '2026-07-09T03:00:00Z';
  const bucket = bucketId('c', 'd:2026-07-09', X.code);
  const n = async (cat: string) => (await Bucket.findById(bucket).lean<{ e: Record<string, { n: number }> }>())?.e[`${X.code}|${cat}|complaint`]?.n ?? 0;
  // Stored as road damage; the event says property service. The writer counts what the event carried,
  // so it did not read the report (the stored copy would say road damage).
  const first = report({ at: day, district: X, category: A, point: PX });
  await insertRawReports([first]);
  const seq0 = (await state()).seq ?? 0;
  writer.enqueue(first._id, { ...first, category: B });
  await waitApplied(seq0 + 1);
  t.is(await n('property_service'), 1);
  t.is(await n('road_damage'), 0);
  await setReportFields(first._id, { category: B }); // the stored copy as the event said (a later rebuild agrees)
  // The stored event, then a change within the same tick: the report is read (the change is what counts).
  const second = report({ at: day, district: X, category: A, point: PX });
  await insertRawReports([second]);
  writer.enqueue(second._id, { ...second, category: B });
  writer.enqueue(second._id);
  await waitApplied(seq0 + 2);
  t.is(await n('road_damage'), 1);
  t.is(await n('property_service'), 1);
  // A document older than the fact already counted (an earlier updatedAt) changes nothing.
  const third = report({ at: day, district: X, category: A, point: PX });
  await insertRawReports([third]);
  writer.enqueue(second._id, { ...second, category: B, updatedAt: new Date(second.updatedAt.getTime() - 60_000) });
  writer.enqueue(third._id, third);
  await waitApplied(seq0 + 3);
  t.is(await n('road_damage'), 2);
  t.is(await n('property_service'), 1);
});

test.serial('reports heard within one tick are one batch: two touching the same bucket count twice in one journal; a hotspot founded and joined in one batch, then joined by a later one, counts each report once, even replayed', async (t) => {
  const state = async () => (await InsightState.findById('writer').lean<{ seq?: number; applied?: number }>()) ?? {};
  const writer = s.services.insightWriter;
  const waitApplied = async (n: number) => {
    for (let i = 0; i < 200 && ((await state()).applied ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  const day = '2026-07-01T03:00:00Z';
  const bucket = bucketId('c', 'd:2026-07-01', '310101');
  const n = async () => (await Bucket.findById(bucket).lean<{ e: Record<string, { n: number }> }>())?.e['310101|road_damage|complaint']?.n ?? 0;
  // Two reports, one bucket that does not exist yet (the batch inserts it), heard as the repository's events.
  const first = [report({ at: day, district: H, category: A, point: PX }), report({ at: day, district: H, category: A, point: PX })];
  await insertRawReports(first);
  const seq0 = (await state()).seq ?? 0;
  for (const r of first) writer.enqueue(r._id);
  await waitApplied(seq0 + 1);
  t.is((await state()).seq, seq0 + 1, 'one batch for both');
  t.is(await n(), 2);
  t.deepEqual((await JournalLog.findById(String(seq0 + 1)).lean<{ docs: string[] }>())!.docs.filter((d) => d === bucket), [bucket]);
  // A third: the bucket exists now (the batch updates it).
  const third = report({ at: day, district: H, category: A, point: PX });
  await insertRawReports([third]);
  writer.enqueue(third._id);
  await waitApplied(seq0 + 2);
  t.is(await n(), 3);
  // The writer takes a bucket it wrote as stored without asking; one gone after all is created, not missed.
  await Bucket.collection.deleteOne({ _id: bucket } as never);
  const fourth = report({ at: day, district: H, category: A, point: PX });
  await insertRawReports([fourth]);
  writer.enqueue(fourth._id);
  await waitApplied(seq0 + 3);
  t.is(await n(), 1);

  // Hotspots: 7 reports within ~100 m in one batch (the 5th founds it, the 6th and 7th join it before it is
  // written), then 3 more in a second batch (one update of the stored hotspot for the three).
  const C = { code: 'illegal_parking', name: '违章停车', parentCode: 'city_management', parentName: '城市管理' };
  const at = (i: number) => new Date(Date.parse('2026-07-02T01:00:00Z') + i * 600_000).toISOString();
  const spot = (i: number) => ({ lat: 31.1 + (i % 5) * 0.0002, lng: 121.6 + (i % 3) * 0.0002 });
  const reports = Array.from({ length: 10 }, (_, i) => report({ at: at(i), district: X, category: C, point: spot(i) }));
  const list = async () => (await get('/api/v1/admin/insight/hotspots?from=2026-07-02&to=2026-07-02')).body.items.filter((h: any) => h.category.code === 'city_management');
  await insertRawReports(reports.slice(0, 7));
  for (const r of reports.slice(0, 7)) writer.enqueue(r._id);
  await waitApplied(seq0 + 4);
  let items = await list();
  t.is(items.length, 1);
  t.is(items[0].id, `hs_${reports[4]._id}`, 'founded by the 5th');
  t.is(items[0].count, 7);
  t.deepEqual(items[0].reportIds, reports.slice(0, 7).map((r) => r._id));
  t.is(items[0].lastAt, at(6));
  await insertRawReports(reports.slice(7));
  for (const r of reports.slice(7)) writer.enqueue(r._id);
  await waitApplied(seq0 + 5);
  items = await list();
  t.is(items.length, 1);
  t.is(items[0].count, 10);
  t.deepEqual(items[0].reportIds, reports.map((r) => r._id));
  t.is(items[0].firstAt, at(0));
  t.is(items[0].lastAt, at(9));
  const mean = (k: 'lat' | 'lng') => reports.reduce((sum, r) => sum + r.point[k], 0) / reports.length;
  t.true(Math.abs(items[0].center.lat - mean('lat')) < 1e-9 && Math.abs(items[0].center.lng - mean('lng')) < 1e-9);

  // As if the writer died after the second batch's hotspot update, before its three members were written:
  // the same journal (same sequence) replayed counts none of the three again and writes their members.
  const members = mongoose.connection.db!.collection<{ _id: string }>('insight_hotspot_members');
  await members.deleteMany({ _id: { $in: reports.slice(7).map((r) => `city_management|${r._id}`) } });
  const facts = await Promise.all(reports.slice(7).map(async (r) => factFromStored((await Fact.collection.findOne({ _id: r._id } as never)) as unknown as { f: string })));
  const journal = journalOf(seq0 + 5, facts);
  // Stored as the writer stores it (one JSON string; the other replay tests store the older object form).
  await InsightState.collection.updateOne({ _id: 'writer' } as never, { $set: { journal: { json: JSON.stringify(journal) } } });
  const again = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null });
  await again.drain();
  await again.stop();
  t.falsy((await InsightState.findById('writer').lean<{ journal?: unknown }>())?.journal, 'replayed');
  items = await list();
  t.is(items[0].count, 10, 'not counted twice');
  t.deepEqual(items[0].reportIds, reports.map((r) => r._id), 'the members are back');
  // The batch's points are in the geo grid once each (its `$push` is guarded by the batch's sequence).
  // (A cell's first batch is in its own document, each later batch's in `<cell>#<seq>`, listed in `b`.)
  const bases = (await GeoCell.collection.find({ _id: { $in: [...new Set(journal.geoAdd.map((g) => g.doc))] } } as never).toArray()) as unknown as { _id: string; pts: { id: string }[]; b?: number[] }[];
  const later = (await GeoCell.collection.find({ _id: { $in: bases.flatMap((c) => (c.b ?? []).map((k) => `${c._id}#${k}`)) } } as never).toArray()) as unknown as { pts: { id: string }[] }[];
  t.true(later.length > 0, 'the later batches are in documents of their own');
  const ids = [...bases, ...later].flatMap((c) => c.pts.map((p) => p.id)).filter((id) => reports.some((r) => r._id === id));
  t.is(ids.length, new Set(ids).size, 'no point twice');
  t.true(reports.slice(7).every((r) => ids.includes(r._id)));
});

/**
 * Three batches land in one map cell (the cell's own document holds the first, batch documents the others, each
 * kept in memory once read or written), then report `moved` goes 10 km away: the four left and one more make the
 * hotspot's five; a stale in-memory copy of the moved point would make five one report early.
 */
async function movedPointScenario(t: ExecutionContext, code: string, day: string, moved: number): Promise<void> {
  const state = async () => (await InsightState.findById('writer').lean<{ seq?: number; applied?: number }>()) ?? {};
  const writer = s.services.insightWriter;
  const waitApplied = async (n: number) => {
    for (let i = 0; i < 200 && ((await state()).applied ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  const C = { code, name: `缓存测试${code}`, parentCode: `${code}_parent`, parentName: `缓存测试大类${code}` };
  const at = (i: number) => new Date(Date.parse(`${day}T01:00:00Z`) + i * 600_000).toISOString();
  const spot = (i: number) => ({ lat: 31.15 + (i % 3) * 0.0002, lng: 121.5 + (i % 2) * 0.0002 });
  const r = Array.from({ length: 6 }, (_, i) => report({ at: at(i), district: X, category: C, point: spot(i) }));
  const hotspots = () => Hotspot.collection.find({ parent: `${code}_parent` } as never).toArray() as unknown as Promise<{ _id: string; count: number }[]>;
  let seq0 = (await state()).seq ?? 0;
  for (const [k, x] of [r[0], r[1], r[2]].entries()) {
    await insertRawReports([x]);
    writer.enqueue(x._id, x);
    await waitApplied(seq0 + k + 1);
  }
  seq0 += 3;
  // The move is a change: the report is read and its point removed from the cell's documents.
  await setReportFields(r[moved]._id, { point: { lat: 31.25, lng: 121.6 }, updatedAt: new Date(Date.now() + 1000) });
  writer.enqueue(r[moved]._id);
  await waitApplied(seq0 + 1);
  // r3, r4: with the two of r0–r2 that stayed, four reports around, not five.
  await insertRawReports([r[3], r[4]]);
  writer.enqueue(r[3]._id, r[3]);
  writer.enqueue(r[4]._id, r[4]);
  await waitApplied(seq0 + 2);
  t.is((await hotspots()).length, 0);
  // r5: the fifth.
  await insertRawReports([r[5]]);
  writer.enqueue(r[5]._id, r[5]);
  await waitApplied(seq0 + 3);
  const found = await hotspots();
  t.is(found.length, 1);
  t.is(found[0]._id, `hs_${r[5]._id}`);
  t.is(found[0].count, 5);
}

test.serial('a point moved away is no longer counted by the hotspot detection, though its cell\'s batch document was read (and kept in memory) before', (t) =>
  movedPointScenario(t, 'cache_test', '2026-07-12', 1));

test.serial('a point moved away from a cell\'s own document (kept in memory once written) is no longer counted by the hotspot detection', (t) =>
  movedPointScenario(t, 'cache_test2', '2026-07-14', 0));

test.serial('while reports keep coming the writer waits (up to its maximum lag), then catches up: every report counted once, rollups equal a rebuild', async (t) => {
  t.timeout(120_000);
  // Rebuilt first: earlier tests leave rollups they tampered with (a replayed journal's buckets removed).
  await s.services.insightWriter.rebuild();
  // A writer of its own (the test server's hears only API events; these reports are inserted raw and
  // announced to this one alone). A tick of 500 ms: "reports keep coming" is one every ~10 ms here, so a
  // loaded machine does not make a pause of it.
  const w = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, tickMs: 500, maxLagMs: 1500 });
  const facts = async (ids: string[]) => Fact.countDocuments({ _id: { $in: ids } });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const make = async (n: number) => {
    const out = Array.from({ length: n }, (_, i) => report({ at: new Date(Date.now() - 60_000).toISOString(), district: i % 3 ? H : X, category: i % 2 ? A : B, point: { lat: P0.lat + (i % 5) * 0.0001, lng: P0.lng } }));
    await insertRawReports(out);
    return out;
  };
  const burst = async (rs: ReturnType<typeof report>[]) => {
    for (const r of rs) {
      w.enqueue(r._id, r);
      await sleep(10);
    }
  };
  // A burst shorter than the lag: nothing is written while it lasts, everything once it stops.
  const first = await make(30);
  await burst(first);
  t.like(w.lag(), { held: 30, passes: 0 }, 'held while reports kept coming');
  for (let i = 0; i < 200 && (await facts(first.map((r) => r._id))) < first.length; i++) await sleep(50);
  t.is(await facts(first.map((r) => r._id)), first.length, 'caught up once they stopped');
  t.like(w.lag(), { held: 0, forced: 0 });
  // A burst longer than the lag: the writer writes during it (what it had heard by then), and holds the rest.
  const second = await make(250);
  await burst(second);
  const { held, forced } = w.lag();
  // In batches, not a write per report; what is still held at the end depends on where the last forced write fell
  // (on a loaded machine it can fall on the last report, holding none), so only "not all of them" is asked of it.
  t.true(forced >= 1 && forced <= second.length / 10 && held < second.length, `written during the burst: ${forced} forced, ${held} held`);
  t.true((await facts(second.map((r) => r._id))) > 0);
  // Changes heard during a wait (a `changed` event, read when the batch runs) are counted as they are then.
  await setReportFields(second[0]._id, { status: 'resolved', updatedAt: new Date() });
  w.enqueue(second[0]._id);
  await w.stop();
  t.is(w.lag().held, 0);
  t.is(await facts(second.map((r) => r._id)), second.length);
  t.true(JSON.parse((await Fact.findById(second[0]._id).lean<{ f: string }>())!.f).resolved);
  const incremental = await snapshot();
  await s.services.insightWriter.rebuild();
  t.deepEqual(await snapshot(), incremental, 'rebuilt from scratch = maintained');
});

test.serial('with the events\' cursor, the scan skips what the events applied, and a report whose event a crash lost is still counted at the next start', async (t) => {
  const state = async () => (await InsightState.findById('writer').lean<{ cursor?: number }>()) ?? {};
  const day = new Date(Date.now() - 3600_000).toISOString();
  // Written, its event lost (the process died between the write and its batch).
  const lost = report({ at: day, district: X, category: B, point: PX });
  await insertRawReports([lost]);
  const heard = report({ at: day, district: X, category: A, point: PX });
  await insertRawReports([heard]);
  const before = (await state()).cursor ?? 0;
  const w = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, tickMs: 20, maxLagMs: 0, cursor: 'events' });
  const t0 = Date.now();
  w.enqueue(heard._id, heard);
  await w.settle();
  t.truthy(await Fact.findById(heard._id), 'the event was applied');
  t.true(((await state()).cursor ?? 0) >= Math.max(before, t0), 'the cursor rose with the applied events, no scan');
  t.is(await Fact.findById(lost._id), null, 'the lost one is not counted yet');
  // "Crash": this writer is dropped unstopped. The next start's first pass scans from the cursor, less its margin.
  const again = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, cursor: 'events' });
  await again.drain();
  await again.stop();
  t.truthy(await Fact.findById(lost._id), 'found by the scan at the next start');
  const incremental = await snapshot();
  await s.services.insightWriter.rebuild();
  t.deepEqual(await snapshot(), incremental, 'each counted once');
});

test.serial('a flush is one journal whatever it holds (split past flushMax); a crash between flushes costs a replay from the cursor; a change after the scan applied a report is still counted', async (t) => {
  t.timeout(180_000);
  await s.services.insightWriter.rebuild();
  const state = async () => (await InsightState.findById('writer').lean<{ seq?: number; cursor?: number }>()) ?? {};
  const counted = async (ids: string[]) => Fact.countDocuments({ _id: { $in: ids } });
  const at = new Date(Date.now() - 3600_000).toISOString();
  const make = async (n: number) => {
    const out = Array.from({ length: n }, (_, i) => report({ at, district: i % 2 ? H : X, category: i % 3 ? A : B, point: { lat: P0.lat + (i % 7) * 0.0002, lng: P0.lng } }));
    await insertRawReports(out);
    return out;
  };
  const bucket = bucketId('c', `d:${new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10)}`, 'all');
  const n = async () => {
    const e = (await Bucket.findById(bucket).lean<{ e: Record<string, { n?: number }> }>())?.e ?? {};
    return Object.values(e).reduce((a, x) => a + (x.n ?? 0), 0);
  };
  // 60 reports held (a long lag, heard back to back), then written in one flush: one journal, one `$inc` of
  // the city's day bucket for all of them.
  const held = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, tickMs: 300, maxLagMs: 60_000 });
  const first = await make(60);
  const n0 = await n();
  const seq0 = (await state()).seq ?? 0;
  for (const r of first) held.enqueue(r._id, r);
  await held.settle();
  t.is(await counted(first.map((r) => r._id)), 60);
  t.is((await state()).seq, seq0 + 1, 'one journal for the whole flush');
  t.is(await n(), n0 + 60);
  await held.stop();
  // Past flushMax a flush is split into journals of at most that many.
  const small = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, tickMs: 300, maxLagMs: 60_000, flushMax: 25 });
  const second = await make(60);
  const seq1 = (await state()).seq ?? 0;
  for (const r of second) small.enqueue(r._id, r);
  await small.settle();
  t.is(await counted(second.map((r) => r._id)), 60);
  t.is((await state()).seq, seq1 + 3, 'journals of ≤ 25');
  t.is(await n(), n0 + 120);
  await small.stop();
  // A crash between flushes: what the writer held in memory is lost with it, and found again by the next
  // start's scan (from the cursor, which rose only with what was applied), each report counted once.
  const doomed = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null, tickMs: 600_000, maxLagMs: 600_000 });
  const third = await make(30);
  for (const r of third) doomed.enqueue(r._id, r);
  t.like(doomed.lag(), { held: 30, passes: 0 });
  t.true(((await state()).cursor ?? 0) <= Date.now());
  // (dropped without stop(): nothing it held is written)
  const next = createRollupWriter({ repo: createReportRepository(), log: silentLogger, announce: null });
  await next.drain();
  t.is(await counted(third.map((r) => r._id)), 30, 'found by the scan after the crash');
  t.is(await n(), n0 + 150);
  // The scan skips what it applied itself (no fact read) — but a later change of one of those reports has a
  // newer updatedAt, and is counted.
  await setReportFields(third[0]._id, { status: 'resolved', timeline: [...third[0].timeline, { at: new Date(), status: 'resolved', actor: 'admin', message: '办结' }], updatedAt: new Date(Date.now() + 5) });
  await next.drain();
  t.true(JSON.parse((await Fact.findById(third[0]._id).lean<{ f: string }>())!.f).resolved, 'the change after the scan is counted');
  await next.stop();
  t.is(await n(), n0 + 150);
  const incremental = await snapshot();
  await s.services.insightWriter.rebuild();
  t.deepEqual(await snapshot(), incremental, 'each report counted once: rebuilt from scratch = maintained');
});

test.serial('the catch-up scan reads time windows of at most a page: more than a page, 260 reports at one instant, each report counted once', async (t) => {
  // 150 changed at distinct instants, then 260 at one instant (more than a page of 200: that window is read
  // whole), then 110 older: stored behind the server's back, so only the scan (repo.changedSince) finds them.
  const now = Date.now();
  const tie = new Date(now - 2000);
  const docs = Array.from({ length: 520 }, (_, i) => {
    const r = report({ at: `2025-06-01T0${i % 8}:00:00Z`, district: H, category: A });
    return { ...r, updatedAt: i < 150 ? new Date(now - i) : i < 410 ? tie : new Date(tie.getTime() - 1 - (i - 410)) };
  });
  await insertRawReports(docs);
  await s.services.insightWriter.drain();
  t.is(await Fact.countDocuments({ _id: { $in: docs.map((d) => d._id) } }), 520, 'every report has its fact');
  t.is((await get('/api/v1/admin/insight/overview?from=2025-06-01&to=2025-06-01')).body.total, 520, 'and is counted once');
  // A second scan finds them counted already: nothing changes.
  await s.services.insightWriter.drain();
  t.is((await get('/api/v1/admin/insight/overview?from=2025-06-01&to=2025-06-01')).body.total, 520);
});

test.serial('a scan from far behind its reports (a first scan) reads each report about once: an overflowing window keeps its page and reads only the rest; each report counted once', async (t) => {
  // 900 reports changed over 4.5 s and 250 more at one instant among them, stored behind the server's back, and
  // the writer's cursor at 0 (as a writer's first scan: bench:pipeline's drain). The former narrowing read such a
  // catch-up 2–3 times over (every overflowing page discarded, then the empty years before the reports stepped
  // through again); now an overflowing window's page is kept and only the rest of the window read.
  const now = Date.now();
  const tie = new Date(now - 3000);
  const docs = Array.from({ length: 1150 }, (_, i) => {
    const r = report({ at: `2025-07-02T0${i % 8}:00:00Z`, district: H, category: A });
    return { ...r, updatedAt: i < 900 ? new Date(now - 4500 + i * 5) : tie };
  });
  await insertRawReports(docs);
  await InsightState.collection.updateOne({ _id: 'writer' } as never, { $set: { cursor: 0 } });
  // The app's writer runs on a thread of its own with its own repository (writerThread.ts): the scan's reads are
  // counted on a writer made here, the same writer on this thread.
  const repo = createReportRepository();
  const changedSince = repo.changedSince;
  // The scan reads the earlier tests' reports too (from a cursor of 0); only these are counted, whose times are
  // known: distinct, but for the one crowded instant.
  const mine = new Set(docs.map((d) => String(d._id)));
  let read = 0;
  repo.changedSince = async (...args: Parameters<typeof changedSince>) => {
    const rows = await changedSince.apply(repo, args);
    read += rows.filter((r) => mine.has(String(r._id))).length;
    return rows;
  };
  const writer = createRollupWriter({ repo, log: silentLogger, announce: null });
  try {
    await writer.drain();
  } finally {
    await writer.stop();
    repo.changedSince = changedSince;
  }
  // Each report once; again: the crowded instant's reports on the pages that reached it before it was read whole
  // (at most two pages), and the one report at each overflowing page's edge. The narrowing this replaced read
  // such a catch-up 2–3 times over.
  t.true(read <= docs.length + 2 * 201 + 20, `read ${read} of these ${docs.length} reports`);
  t.true(read >= docs.length, `every report read (${read} of ${docs.length})`);
  t.is(await Fact.countDocuments({ _id: { $in: docs.map((d) => d._id) } }), 1150, 'every report has its fact');
  t.is((await get('/api/v1/admin/insight/overview?from=2025-07-02&to=2025-07-02')).body.total, 1150, 'and is counted once');
  await s.services.insightWriter.drain();
  t.is((await get('/api/v1/admin/insight/overview?from=2025-07-02&to=2025-07-02')).body.total, 1150, 'a second scan changes nothing');
});
