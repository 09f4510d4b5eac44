import test from 'ava';
import { createApp } from '../app';
import { silentLogger } from '../log';
import { startTestServer, type TestServer } from '../../test/harness';
import { toOpenApiPath } from './openapi';

let server: TestServer;
test.before(async () => {
  server = await startTestServer();
});
test.after.always(async () => {
  await server?.close();
});

/** Every method + path the Koa routers registered (HEAD comes with GET and is not listed). */
function registeredRoutes(): string[] {
  const { routers } = createApp({ jwtSecret: 'x'.repeat(40), wechat: {} as never, geocoder: null, log: silentLogger });
  const out = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods) if (method !== 'HEAD') out.add(`${method.toLowerCase()} ${toOpenApiPath(String(layer.path))}`);
    }
  }
  return [...out].sort();
}

async function documentedRoutes(): Promise<{ doc: any; routes: string[] }> {
  const res = await server.request('GET', '/api/v1/openapi.json');
  const routes: string[] = [];
  for (const [path, item] of Object.entries<Record<string, unknown>>(res.body.paths)) {
    for (const method of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) routes.push(`${method} ${path}`);
  }
  return { doc: res.body, routes: routes.sort() };
}

test('every route the server registers is in the OpenAPI document, and nothing else', async (t) => {
  const registered = registeredRoutes();
  const { routes } = await documentedRoutes();
  t.true(registered.length > 30, 'the routers were enumerated');
  t.deepEqual(
    registered.filter((r) => !routes.includes(r)),
    [],
    'routes missing from the document: add an ApiOperation in the domain’s *Api.ts (see server/src/http/apiOperations.ts)',
  );
  t.deepEqual(routes.filter((r) => !registered.includes(r)), [], 'documented operations no route serves');
});

test('the document is OpenAPI 3.1 with auth, bodies, queries, responses and error codes', async (t) => {
  const { doc } = await documentedRoutes();
  t.is(doc.openapi, '3.1.0');
  t.truthy(doc.components.securitySchemes.bearer);

  const create = doc.paths['/api/v1/reports'].post;
  t.deepEqual(create.security, [{ bearer: [] }]);
  t.deepEqual(create.tags, ['resident']);
  t.truthy(create.requestBody.content['application/json'].schema, 'request body from the shared zod schema');
  t.true(create.parameters.some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key' && p.required));
  t.truthy(create.responses['201'].content['application/json'].schema);
  const codes = (status: string) => create.responses[status].content['application/json'].schema.properties.error.properties.code.enum;
  t.true(codes('400').includes('VALIDATION_FAILED') && codes('400').includes('IDEMPOTENCY_KEY_INVALID'));
  t.deepEqual(codes('401').sort(), ['ACCOUNT_DISABLED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'UNAUTHENTICATED']);
  t.deepEqual(codes('409'), ['IDEMPOTENCY_KEY_REUSED']);
  t.deepEqual(codes('429'), ['RATE_LIMITED']);

  const reverse = doc.paths['/api/v1/geo/reverse'].get;
  t.deepEqual(reverse.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name).sort(), ['coordSystem', 'lat', 'lng']);
  const detail = doc.paths['/api/v1/reports/{id}'].get;
  t.true(detail.parameters.some((p: any) => p.in === 'path' && p.name === 'id' && p.required));
  t.deepEqual(doc.paths['/api/v1/categories'].get.security, [], 'public operations need no token');
  t.deepEqual(doc.paths['/api/v1/admin/categories'].get.tags, ['staff']);

  // Links (followed by the fuzzer's stateful phase) name operations that exist.
  const ids = new Set(Object.values<any>(doc.paths).flatMap((item) => Object.values<any>(item).map((o) => o.operationId)));
  const targets = Object.values<any>(doc.paths).flatMap((item) =>
    Object.values<any>(item).flatMap((o) => Object.values<any>(o.responses ?? {}).flatMap((r) => Object.values<any>(r.links ?? {}).map((l) => l.operationId))),
  );
  t.true(targets.length >= 9);
  t.deepEqual(targets.filter((id) => !ids.has(id)), []);
});

test('answers match the document: a validation error lists its code, a report view has its fields', async (t) => {
  const { doc } = await documentedRoutes();
  const { token } = await server.loginCitizen();
  const bad = await server.request('POST', '/api/v1/reports', { token, json: { kind: 'complaint' }, headers: { 'Idempotency-Key': crypto.randomUUID() } });
  t.is(bad.status, 400);
  const documented = doc.paths['/api/v1/reports'].post.responses['400'].content['application/json'].schema.properties.error.properties.code.enum;
  t.true(documented.includes(bad.body.error.code));
  const ok = await server.request('POST', '/api/v1/reports', {
    token,
    json: { kind: 'complaint', description: '小区门口的路灯坏了好几天，晚上很黑', location: { lat: 31.23, lng: 121.47, coordSystem: 'gcj02' } },
    headers: { 'Idempotency-Key': crypto.randomUUID() },
  });
  t.is(ok.status, 201);
  const required: string[] = doc.paths['/api/v1/reports'].post.responses['201'].content['application/json'].schema.required;
  t.deepEqual(required.filter((f) => !(f in ok.body)), []);
});
