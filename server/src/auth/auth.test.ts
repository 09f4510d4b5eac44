import test from 'ava';
import jwt from 'jsonwebtoken';
import { startTestServer, TEST_ADMIN, type TestServer } from '../../test/harness';
import { loadConfig, ConfigError } from '../config';
import { startWechatStandIn } from './wechatStandIn';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.close();
});

test('wechat login calls jscode2session over HTTP and returns a 2-hour citizen token', async (t) => {
  const before = s.wechat.requests.length;
  const res = await s.request('POST', '/api/v1/auth/wechat-login', { json: { code: 'device-1' } });
  t.is(res.status, 200);
  t.is(res.body.user.role, 'citizen');
  t.is(res.body.expiresIn, 7200);
  const claims = jwt.decode(res.body.token) as jwt.JwtPayload;
  t.is(claims.sub, res.body.user.id);
  t.is(claims.exp! - claims.iat!, 7200);
  const call = s.wechat.requests.slice(before).find((r) => r.path === '/sns/jscode2session');
  t.is(call?.query.js_code, 'device-1');
  t.is(call?.query.grant_type, 'authorization_code');
});

test('the same WeChat user always maps to the same resident; another user to another', async (t) => {
  const a1 = await s.loginCitizen('same-device');
  const a2 = await s.loginCitizen('same-device');
  const b = await s.loginCitizen('other-device');
  t.is(a1.userId, a2.userId);
  t.not(a1.userId, b.userId);
});

test('concurrent first logins of one resident create one account', async (t) => {
  const ids = await Promise.all(Array.from({ length: 8 }, () => s.loginCitizen('racing-device').then((r) => r.userId)));
  t.is(new Set(ids).size, 1);
});

test('an invalid WeChat code is a 401 with a specific code', async (t) => {
  const res = await s.request('POST', '/api/v1/auth/wechat-login', { json: { code: 'invalid-xyz' } });
  t.is(res.status, 401);
  t.is(res.body.error.code, 'WECHAT_LOGIN_FAILED');
  t.regex(res.body.error.message, /微信/);
});

test('a missing code is a validation error naming the field', async (t) => {
  const res = await s.request('POST', '/api/v1/auth/wechat-login', { json: {} });
  t.is(res.status, 400);
  t.is(res.body.error.code, 'VALIDATION_FAILED');
  t.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['code']);
});

test('malformed JSON is rejected as such', async (t) => {
  const res = await s.request('POST', '/api/v1/auth/wechat-login', { body: '{"code":', headers: { 'Content-Type': 'application/json' } });
  t.is(res.status, 400);
  t.is(res.body.error.code, 'INVALID_JSON');
});

test('admin login accepts the seeded password and rejects a wrong one', async (t) => {
  const ok = await s.request('POST', '/api/v1/auth/admin-login', { json: TEST_ADMIN });
  t.is(ok.status, 200);
  t.is(ok.body.user.role, 'admin');
  const bad = await s.request('POST', '/api/v1/auth/admin-login', { json: { ...TEST_ADMIN, password: 'wrong-password' } });
  t.is(bad.status, 401);
  t.is(bad.body.error.code, 'INVALID_CREDENTIALS');
  const unknown = await s.request('POST', '/api/v1/auth/admin-login', { json: { username: 'nobody', password: 'whatever1' } });
  t.is(unknown.body.error.code, 'INVALID_CREDENTIALS');
});

test('protected routes need a valid, unexpired token of an allowed role', async (t) => {
  t.is((await s.request('GET', '/api/v1/me/reports')).status, 401);
  const { token } = await s.loginCitizen();
  t.is((await s.request('GET', '/api/v1/me/reports', { token: token + 'x' })).body.error.code, 'UNAUTHENTICATED');
  const expired = jwt.sign({ role: 'citizen' }, 'test-secret-test-secret-test-secret!', { subject: '6b0b85ac5251018c86bd3af0', expiresIn: -10 });
  const res = await s.request('GET', '/api/v1/me/reports', { token: expired });
  t.is(res.status, 401);
  t.is(res.body.error.code, 'TOKEN_EXPIRED');
  const admin = await s.loginAdmin();
  t.is((await s.request('GET', '/api/v1/me/reports', { token: admin.token })).status, 403);
});

test('the WeChat stand-in refuses to run in production, and so does config without credentials', async (t) => {
  await t.throwsAsync(() => startWechatStandIn({ env: 'production' }), { message: /production/ });
  const error = t.throws(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db', JWT_SECRET: 'x'.repeat(40) }));
  t.true(error instanceof ConfigError);
  t.regex(error!.message, /WECHAT_APPID/);
});

test('config reports every bad variable by name', (t) => {
  const error = t.throws(() => loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://nope', DATA_DIR: '/tmp/ssp-config-test' }));
  t.regex(error!.message, /PORT/);
  t.regex(error!.message, /MONGODB_URI/);
});
