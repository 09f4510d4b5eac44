import test from 'ava';
import { STAFF_ROLES, type StaffRole } from '@ssp/shared';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import type { RouteAccess } from '../http/middleware';

/**
 * The route-permission table: every route the app serves, and who may call it.
 * Written out by hand, separately from the guards, so that a change to either
 * shows up here. A route added without a declaration (or not listed here)
 * fails the first test.
 */
const ALL: StaffRole[] = [...STAFF_ROLES];
type Expected = 'public' | { citizen?: true; staff: StaffRole[] };
const TABLE: Record<string, Expected> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /metrics': 'public',
  'POST /api/v1/auth/wechat-login': 'public',
  'POST /api/v1/auth/admin-login': 'public',
  'POST /api/v1/auth/password': { staff: ALL },
  'POST /api/v1/media': { citizen: true, staff: ALL },
  'GET /api/v1/media/:id': 'public',
  'GET /api/v1/admin/reports': { staff: ALL },
  'GET /api/v1/admin/reports/export': { staff: ALL },
  'GET /api/v1/admin/reports/:id': { staff: ALL },
  'POST /api/v1/reports/similar': { citizen: true, staff: [] },
  'POST /api/v1/reports/:id/join': { citizen: true, staff: [] },
  'GET /api/v1/me/following': { citizen: true, staff: [] },
  'POST /api/v1/admin/reports/:id/merge': { staff: ['admin', 'operator'] },
  'POST /api/v1/admin/reports/:id/description-public': { staff: ['admin', 'operator'] },
  'POST /api/v1/reports': { citizen: true, staff: [] },
  'GET /api/v1/me/reports': { citizen: true, staff: [] },
  'GET /api/v1/reports/:id': { citizen: true, staff: ALL },
  'GET /api/v1/geo/reverse': { citizen: true, staff: ALL },
  'GET /api/v1/categories': 'public',
  'GET /api/v1/zones': 'public',
  'GET /api/v1/admin/zones': { staff: ALL },
  'POST /api/v1/admin/zones': { staff: ['admin', 'category_admin'] },
  'PATCH /api/v1/admin/zones/:id': { staff: ['admin', 'category_admin'] },
  'GET /api/v1/me/data': { citizen: true, staff: [] },
  'GET /api/v1/me/data/summary': { citizen: true, staff: [] },
  'DELETE /api/v1/me': { citizen: true, staff: [] },
  'GET /api/v1/categories/nearby': { citizen: true, staff: ALL },
  'GET /api/v1/admin/categories': { staff: ALL },
  'POST /api/v1/admin/categories': { staff: ['admin', 'category_admin'] },
  'PATCH /api/v1/admin/categories/:code': { staff: ['admin', 'category_admin'] },
  'POST /api/v1/admin/categories/:code/merge': { staff: ['admin', 'category_admin'] },
  'DELETE /api/v1/admin/categories/:code': { staff: ['admin', 'category_admin'] },
  'POST /api/v1/classify': 'public',
  'GET /api/v1/admin/classifier': { staff: ['admin', 'category_admin'] },
  'POST /api/v1/admin/classifier/retrain': { staff: ['admin', 'category_admin'] },
  'GET /api/v1/admin/categories/figures': { staff: ['admin', 'category_admin'] },
  'POST /api/v1/admin/categories/:code/keyword-impact': { staff: ['admin', 'category_admin'] },
  'GET /api/v1/admin/triage': { staff: ['admin', 'category_admin', 'operator'] },
  'POST /api/v1/admin/reports/:id/category': { staff: ['admin', 'category_admin', 'operator'] },
  'POST /api/v1/reports/:id/withdraw': { citizen: true, staff: [] },
  'POST /api/v1/reports/:id/urge': { citizen: true, staff: [] },
  'POST /api/v1/reports/:id/supplement': { citizen: true, staff: [] },
  'POST /api/v1/reports/:id/rate': { citizen: true, staff: [] },
  'POST /api/v1/reports/:id/reopen': { citizen: true, staff: [] },
  'POST /api/v1/admin/reports/:id/transitions': { staff: ['admin', 'operator'] },
  'GET /api/v1/admin/deliveries': { staff: ['admin', 'operator'] },
  'POST /api/v1/admin/deliveries/:id/retry': { staff: ['admin', 'operator'] },
  'POST /api/v1/pipeline/events': 'public',
  'GET /api/v1/notifications/templates': { citizen: true, staff: [] },
  'POST /api/v1/me/subscriptions': { citizen: true, staff: [] },
  'GET /api/v1/me/messages': { citizen: true, staff: [] },
  'GET /api/v1/me/messages/unread': { citizen: true, staff: [] },
  'POST /api/v1/me/messages/read': { citizen: true, staff: [] },
  'GET /api/v1/admin/staff': { staff: ['admin'] },
  'POST /api/v1/admin/staff': { staff: ['admin'] },
  'PATCH /api/v1/admin/staff/:id': { staff: ['admin'] },
  'GET /api/v1/admin/audit': { staff: ['admin'] },
  'GET /api/v1/admin/audit/export': { staff: ['admin'] },
  'GET /api/v1/admin/insight/overview': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/blockers': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/blockers/reports': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/hotspots': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/hotspots/:id/reports': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/trends': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/alerts': { staff: ['admin', 'analyst'] },
  'POST /api/v1/admin/insight/alerts/seen': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/settings': { staff: ['admin', 'analyst'] },
  'PUT /api/v1/admin/insight/settings': { staff: ['admin'] },
  'GET /api/v1/admin/insight/districts.geojson': { staff: ['admin', 'analyst'] },
  'GET /api/v1/admin/insight/zones': { staff: ['admin', 'analyst'] },
  // Last: it revokes the caller's token.
  'POST /api/v1/auth/logout': { citizen: true, staff: ALL },
};

let s: TestServer;
let tokens: Record<StaffRole | 'citizen', string>;
let tokensFor: () => Promise<Record<StaffRole | 'citizen', string>>;
test.before(async () => {
  s = await startTestServer();
  const admin = await s.loginAdmin();
  tokensFor = async () => {
    const out = { citizen: (await s.loginCitizen()).token } as Record<StaffRole | 'citizen', string>;
    for (const role of STAFF_ROLES) out[role] = (await createStaff(s, admin.token, { roles: [role] })).token;
    return out;
  };
  tokens = await tokensFor();
});
test.after.always(async () => {
  await s?.close();
});

function routes(): { key: string; method: string; path: string; access: RouteAccess | null }[] {
  const out = [];
  for (const router of s.routers) {
    for (const layer of (router as unknown as { stack: { methods: string[]; path: string; stack: { access?: RouteAccess }[] }[] }).stack) {
      const methods = layer.methods.filter((m) => m !== 'HEAD');
      for (const method of methods) {
        out.push({ key: `${method} ${layer.path}`, method, path: layer.path, access: layer.stack.find((fn) => fn.access)?.access ?? null });
      }
    }
  }
  return out;
}

test.serial('every route declares who may call it, and the declaration matches the table', (t) => {
  const found = routes();
  t.true(found.length > 40);
  for (const r of found) {
    t.truthy(r.access, `${r.key} has no access declaration (public(), requireRole(), allow())`);
    const expected = TABLE[r.key];
    t.truthy(expected, `${r.key} is not in the route-permission table`);
    if (!expected || !r.access) continue;
    if (expected === 'public') {
      t.true(r.access.public, `${r.key} should be public`);
      continue;
    }
    t.is(Boolean(r.access.citizen), Boolean(expected.citizen), `${r.key}: citizens`);
    // `admin` passes every staff guard, so the declared list plus admin is what is allowed.
    const declared = r.access.staff ? STAFF_ROLES.filter((role) => role === 'admin' || r.access!.staff!.includes(role)) : [];
    t.deepEqual(declared, expected.staff, `${r.key}: staff roles`);
  }
  t.deepEqual(Object.keys(TABLE).filter((k) => !found.some((r) => r.key === k)), [], 'table entries without a route');
});

test.serial('every route × every role, against the running server: allowed roles get past the guard, the others get 403', async (t) => {
  const ordered = routes().filter((r) => !r.access?.public);
  ordered.sort((a, b) => Number(a.key === 'POST /api/v1/auth/logout') - Number(b.key === 'POST /api/v1/auth/logout'));
  for (const r of ordered) {
    const expected = TABLE[r.key] as Exclude<Expected, 'public'>;
    const path = r.path.replace(':id', '5f00000000000000000000aa').replace(':code', 'no_such_code');
    for (const who of ['citizen', ...STAFF_ROLES] as const) {
      const allowed = who === 'citizen' ? Boolean(expected.citizen) : expected.staff.includes(who);
      const res = await s.request(r.method, path, { token: tokens[who], ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { json: {} }) });
      if (allowed) t.false([401, 403].includes(res.status), `${r.key} as ${who}: ${res.status} ${JSON.stringify(res.body?.error ?? '')}`);
      else t.is(res.status, 403, `${r.key} as ${who}`);
      // No token at all is 401 on every non-public route.
    }
    t.is((await s.request(r.method, path)).status, 401, `${r.key} without a token`);
  }
});

test.serial('an operator scoped to 黄浦区 does not see a 徐汇区 report anywhere: 404 / absent, while its own district works', async (t) => {
  const admin = await s.loginAdmin();
  const scoped = await createStaff(s, admin.token, { roles: ['operator'], districts: ['310101'] });
  const citizen = await s.loginCitizen();
  const submit = async (body: Record<string, unknown>) => {
    const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(body), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    t.is(res.status, 201);
    return res.body;
  };
  const huangpu = await submit({});
  const xuhui = await submit({ description: '徐家汇天桥下的人行道砖块翘起来了，容易绊倒', location: { lat: 31.1880, lng: 121.4365, coordSystem: 'gcj02', accuracy: 10, address: '徐汇区华山路' } });
  t.is(huangpu.district.code, '310101');
  t.is(xuhui.district.code, '310104');
  const as = (method: string, path: string, json?: unknown) => s.request(method, path, { token: scoped.token, ...(json ? { json } : {}) });

  t.is((await as('GET', `/api/v1/admin/reports/${xuhui.id}`)).status, 404);
  t.is((await as('GET', `/api/v1/reports/${xuhui.id}`)).status, 404);
  t.is((await as('POST', `/api/v1/admin/reports/${xuhui.id}/transitions`, { to: 'accepted' })).status, 404);
  t.is((await as('POST', `/api/v1/admin/reports/${xuhui.id}/merge`, { into: huangpu.ticketNo })).status, 404);
  t.is((await as('POST', `/api/v1/admin/reports/${huangpu.id}/merge`, { into: xuhui.ticketNo })).status, 404);
  t.is((await as('POST', `/api/v1/admin/reports/${xuhui.id}/category`, { categoryCode: 'road_damage' })).status, 404);
  t.is((await as('POST', `/api/v1/admin/deliveries/${xuhui.id}/retry`)).status, 404);
  const search = await as('GET', '/api/v1/admin/reports');
  t.true(search.body.items.some((r: { id: string }) => r.id === huangpu.id));
  t.false(search.body.items.some((r: { id: string }) => r.id === xuhui.id));
  t.deepEqual((await as('GET', '/api/v1/admin/reports?district=310104')).body.items, []);
  t.false((await as('GET', `/api/v1/admin/reports?q=${encodeURIComponent(xuhui.ticketNo)}`)).body.items.length > 0);
  const triage = await as('GET', '/api/v1/admin/triage');
  t.false(triage.body.items.some((r: { id: string }) => r.id === xuhui.id));
  const csv = await as('GET', '/api/v1/admin/reports/export?format=csv');
  t.true(String(csv.body).includes(huangpu.ticketNo));
  t.false(String(csv.body).includes(xuhui.ticketNo));

  // Its own district: the same actions work.
  t.is((await as('GET', `/api/v1/admin/reports/${huangpu.id}`)).status, 200);
  t.is((await as('POST', `/api/v1/admin/reports/${huangpu.id}/transitions`, { to: 'accepted' })).status, 200);
  // The city-wide admin sees both.
  const all = await s.request('GET', '/api/v1/admin/reports', { token: admin.token });
  t.true(all.body.items.some((r: { id: string }) => r.id === xuhui.id));
});
