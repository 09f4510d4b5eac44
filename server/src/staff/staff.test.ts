import test from 'ava';
import bcrypt from 'bcryptjs';
import { startTestServer, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import { User } from '../auth/userModel';

let s: TestServer;
let admin: { token: string; userId: string };
test.before(async () => {
  // Each test sends from its own X-Forwarded-For address, believed from the one proxy hop in front (loopback).
  s = await startTestServer({ trustProxy: 1 });
  admin = await s.loginAdmin();
});
test.after.always(async () => {
  await s?.close();
});

// Each test signs in from its own address (the app trusts one proxy hop), so the per-address brake of one test does not touch another.
let n = 0;
const from = () => ({ 'X-Forwarded-For': `10.0.${Math.floor(++n / 250)}.${n % 250}` });

test('admin-login keeps role "admin" and adds roles, districts and mustChangePassword', async (t) => {
  const res = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'admin', password: 'test-admin-password' }, headers: from() });
  t.is(res.status, 200);
  t.is(res.body.user.role, 'admin');
  t.deepEqual(res.body.user.roles, ['admin']);
  t.deepEqual(res.body.user.districts, []);
  t.false(res.body.user.mustChangePassword);
});

test('a new account gets a one-time password it must change before doing anything else', async (t) => {
  const created = await s.request('POST', '/api/v1/admin/staff', { token: admin.token, json: { username: 'hp.operator', displayName: '黄浦 值班', roles: ['operator'], districts: ['310101'] } });
  t.is(created.status, 201);
  t.is(typeof created.body.initialPassword, 'string');
  t.true(created.body.initialPassword.length >= 12);
  t.true(created.body.mustChangePassword);
  // The list never shows it again.
  const list = await s.request('GET', '/api/v1/admin/staff', { token: admin.token });
  const row = list.body.items.find((a: { username: string }) => a.username === 'hp.operator');
  t.deepEqual(row.districts, ['310101']);
  t.is(row.initialPassword, undefined);

  const login = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'hp.operator', password: created.body.initialPassword }, headers: from() });
  t.is(login.status, 200);
  t.true(login.body.user.mustChangePassword);
  t.deepEqual(login.body.user.roles, ['operator']);
  const blocked = await s.request('GET', '/api/v1/admin/reports', { token: login.body.token });
  t.is(blocked.status, 403);
  t.is(blocked.body.error.code, 'PASSWORD_CHANGE_REQUIRED');

  // Policy: 12+ characters, hard to guess (a common word with digits, a digit run, a keyboard walk are not), not containing the username.
  for (const [next, code] of [['short-pw', 'too_short'], ['hp.operator-2026!', 'contains_username'], ['aaaaaaaaaaaaaaaa', 'too_common'], ['password1234', 'too_common'], ['123456789012', 'too_common'], ['qwertyuiop12', 'too_common']] as const) {
    const weak = await s.request('POST', '/api/v1/auth/password', { token: login.body.token, json: { current: created.body.initialPassword, next } });
    t.is(weak.status, 400, next);
    t.is(weak.body.error.code, 'PASSWORD_TOO_WEAK');
    t.true(weak.body.error.details.some((d: { code: string }) => d.code === code), next);
  }
  // A browser in English gets each problem in English (they were "Invalid value (too_common)" and the like).
  for (const next of ['short-pw', 'hp.operator-2026!', 'password1234']) {
    const weak = await s.request('POST', '/api/v1/auth/password', { token: login.body.token, json: { current: created.body.initialPassword, next }, headers: { 'Accept-Language': 'en' } });
    t.is(weak.body.error.message, 'The new password does not meet the requirements');
    t.true(weak.body.error.details.length > 0, next);
    for (const d of weak.body.error.details as { message: string }[]) t.notRegex(d.message, /Invalid value|[\u4e00-\u9fff]/, `${next}: ${d.message}`);
  }
  const wrong = await s.request('POST', '/api/v1/auth/password', { token: login.body.token, json: { current: 'not-the-password', next: 'Violet-tram-crosses-bund' } });
  t.is(wrong.body.error.code, 'CURRENT_PASSWORD_WRONG');

  const changed = await s.request('POST', '/api/v1/auth/password', { token: login.body.token, json: { current: created.body.initialPassword, next: 'Violet-tram-crosses-bund' } });
  t.is(changed.status, 200);
  t.false(changed.body.user.mustChangePassword);
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: changed.body.token })).status, 200);
  // The token from before the change is over.
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: login.body.token })).body.error.code, 'TOKEN_REVOKED');
  // The old password no longer works, the new one does; stored as argon2id.
  t.is((await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'hp.operator', password: created.body.initialPassword }, headers: from() })).status, 401);
  t.is((await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'hp.operator', password: 'Violet-tram-crosses-bund' }, headers: from() })).status, 200);
  const stored = await User.findOne({ username: 'hp.operator' }).lean();
  t.regex(stored!.passwordHash!, /^\$argon2id\$/);
});

test('account input is validated field by field; usernames are unique', async (t) => {
  const bad = await s.request('POST', '/api/v1/admin/staff', { token: admin.token, json: { username: 'X', displayName: '', roles: ['boss'], districts: ['999999'] } });
  t.is(bad.status, 400);
  t.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['displayName', 'districts.0', 'roles.0', 'username']);
  const one = { username: 'dup.user', displayName: '甲', roles: ['analyst'] };
  t.is((await s.request('POST', '/api/v1/admin/staff', { token: admin.token, json: one })).status, 201);
  const again = await s.request('POST', '/api/v1/admin/staff', { token: admin.token, json: one });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'USERNAME_TAKEN');
});

test('5 wrong passwords lock the account for 15 minutes: 429 ACCOUNT_LOCKED with Retry-After, even for the right password', async (t) => {
  const acct = await createStaff(s, admin.token, { roles: ['analyst'], username: 'lock.me' });
  for (let i = 0; i < 5; i++) {
    const res = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: `wrong-${i}` }, headers: from() });
    t.is(res.status, 401, `attempt ${i + 1}`);
  }
  const locked = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: acct.password }, headers: from() });
  t.is(locked.status, 429);
  t.is(locked.body.error.code, 'ACCOUNT_LOCKED');
  const retryAfter = Number(locked.headers.get('retry-after'));
  t.true(retryAfter > 14 * 60 && retryAfter <= 15 * 60, String(retryAfter));
  // An admin's password reset lifts the lock.
  const reset = await s.request('PATCH', `/api/v1/admin/staff/${acct.id}`, { token: admin.token, json: { resetPassword: true } });
  t.is(reset.status, 200);
  const after = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: reset.body.initialPassword }, headers: from() });
  t.is(after.status, 200);
  t.true(after.body.user.mustChangePassword);
});

test('a burst of 12 concurrent wrong passwords locks the account too (attempts are counted one by one)', async (t) => {
  const acct = await createStaff(s, admin.token, { roles: ['analyst'] });
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: `nope-${i}` }, headers: from() })));
  t.is(results.filter((r) => r.status === 401).length, 5);
  t.is(results.filter((r) => r.status === 429).length, 7);
});

test('one address gets a limited number of failures across usernames: then 429 RATE_LIMITED with Retry-After', async (t) => {
  const headers = { 'X-Forwarded-For': '192.0.2.77' };
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) {
    statuses.push((await s.request('POST', '/api/v1/auth/admin-login', { json: { username: `ghost${i}`, password: 'whatever-it-is' }, headers })).status);
  }
  t.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
  const limited = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'admin', password: 'test-admin-password' }, headers });
  t.is(limited.status, 429);
  t.is(limited.body.error.code, 'RATE_LIMITED');
  t.truthy(limited.headers.get('retry-after'));
  // Another address is not affected.
  t.is((await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'admin', password: 'test-admin-password' }, headers: from() })).status, 200);
});

test('password checks do not block the event loop: /healthz answers while a burst of sign-ins is still being checked', async (t) => {
  const burst = Promise.all(Array.from({ length: 24 }, (_, i) => s.request('POST', '/api/v1/auth/admin-login', { json: { username: `burst${i}`, password: 'wrong-password-here' }, headers: from() }).then(() => Date.now())));
  await new Promise((r) => setTimeout(r, 5));
  const health = await s.request('GET', '/healthz');
  const healthAt = Date.now();
  const done = await burst;
  t.is(health.status, 200);
  // 24 argon2 verifications on a 4-thread pool take several rounds; the health check does not wait for them.
  t.true(healthAt < Math.max(...done), 'healthz answered before the burst finished');
});

test('disabling an account, changing its roles or scope ends its sessions at once', async (t) => {
  const a = await createStaff(s, admin.token, { roles: ['operator'] });
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: a.token })).status, 200);
  await s.request('PATCH', `/api/v1/admin/staff/${a.id}`, { token: admin.token, json: { districts: ['310104'] } });
  const revoked = await s.request('GET', '/api/v1/admin/reports', { token: a.token });
  t.is(revoked.status, 401);
  t.is(revoked.body.error.code, 'TOKEN_REVOKED');

  const again = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: a.username, password: a.password }, headers: from() });
  t.deepEqual(again.body.user.districts, ['310104']);
  await s.request('PATCH', `/api/v1/admin/staff/${a.id}`, { token: admin.token, json: { disabled: true } });
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: again.body.token })).status, 401);
  const refused = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: a.username, password: a.password }, headers: from() });
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'ACCOUNT_DISABLED');

  const b = await createStaff(s, admin.token, { roles: ['operator', 'analyst'] });
  await s.request('PATCH', `/api/v1/admin/staff/${b.id}`, { token: admin.token, json: { roles: ['analyst'] } });
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: b.token })).body.error.code, 'TOKEN_REVOKED');
  // A rename is not a permission change: sessions stay.
  const c = await createStaff(s, admin.token, { roles: ['analyst'] });
  await s.request('PATCH', `/api/v1/admin/staff/${c.id}`, { token: admin.token, json: { displayName: '新名字' } });
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: c.token })).status, 200);
});

test('the last active admin cannot be disabled or demoted', async (t) => {
  const res = await s.request('PATCH', `/api/v1/admin/staff/${admin.userId}`, { token: admin.token, json: { roles: ['analyst'] } });
  t.is(res.status, 409);
  t.is(res.body.error.code, 'LAST_ADMIN');
});

test('logout ends the session of a resident and of a staff member', async (t) => {
  const citizen = await s.loginCitizen('logout-device');
  t.is((await s.request('GET', '/api/v1/me/reports', { token: citizen.token })).status, 200);
  t.is((await s.request('POST', '/api/v1/auth/logout', { token: citizen.token })).status, 204);
  const after = await s.request('GET', '/api/v1/me/reports', { token: citizen.token });
  t.is(after.status, 401);
  t.is(after.body.error.code, 'TOKEN_REVOKED');
  // Signing in again gives a working token.
  const back = await s.loginCitizen('logout-device');
  t.is((await s.request('GET', '/api/v1/me/reports', { token: back.token })).status, 200);

  const staff = await createStaff(s, admin.token, { roles: ['analyst'] });
  t.is((await s.request('POST', '/api/v1/auth/logout', { token: staff.token })).status, 204);
  t.is((await s.request('GET', '/api/v1/admin/reports', { token: staff.token })).status, 401);
  t.is((await s.request('POST', '/api/v1/auth/logout')).status, 401);
});

test('a bcrypt hash from before is accepted once and replaced by argon2id', async (t) => {
  const acct = await createStaff(s, admin.token, { roles: ['analyst'] });
  await User.updateOne({ _id: acct.id }, { $set: { passwordHash: await bcrypt.hash(acct.password, 10) } });
  const res = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: acct.password }, headers: from() });
  t.is(res.status, 200);
  const stored = await User.findById(acct.id).lean();
  t.regex(stored!.passwordHash!, /^\$argon2id\$/);
  t.is((await s.request('POST', '/api/v1/auth/admin-login', { json: { username: acct.username, password: acct.password }, headers: from() })).status, 200);
});
