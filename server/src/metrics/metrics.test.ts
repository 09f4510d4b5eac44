import test from 'ava';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';

const TOKEN = 'metrics-token-0123456789';
let server: TestServer;
test.before(async () => {
  server = await startTestServer({ classifyPerMinute: 2, metrics: { token: TOKEN, countTtlMs: 60_000 } });
});
test.after.always(async () => {
  await server?.close();
});

const scrape = (token?: string) => fetch(`${server.baseUrl}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

test.serial('request durations by route pattern and status, backlogs, classifier version, rate-limited counts', async (t) => {
  const { token } = await server.loginCitizen();
  const created = await server.request('POST', '/api/v1/reports', { token, json: validComplaint(), headers: { 'Idempotency-Key': crypto.randomUUID() } });
  t.is(created.status, 201);
  await server.request('GET', `/api/v1/reports/${created.body.id}`, { token });
  for (let i = 0; i < 3; i++) await server.request('POST', '/api/v1/classify', { json: { text: '路灯坏了' } });

  const text = await (await scrape(TOKEN)).text();
  t.regex(text, /ssp_http_request_duration_seconds_bucket\{[^}]*method="POST",route="\/api\/v1\/reports",status="201"/);
  // The route pattern, never the id.
  t.regex(text, /route="\/api\/v1\/reports\/:id",status="200"/);
  t.false(text.includes(created.body.id));
  t.regex(text, /ssp_rate_limited_total\{limit="\/api\/v1\/classify"\} 1/);
  // The first scrape counts. The test harness runs no dispatcher: the report waits for delivery.
  t.regex(text, /ssp_delivery_backlog 1\b/);
  t.regex(text, /ssp_delivery_dead_letters 0\b/);
  t.regex(text, /ssp_effects_backlog \d+/);
  t.regex(text, /ssp_notifications_pending \d+/);
  t.regex(text, new RegExp(`ssp_classifier_info\\{version="${server.services.classification.info()!.version}"\\} 1`));
  t.true(text.includes('# TYPE ssp_database_errors_total counter'));
});

test.serial('counts are cached between scrapes, so scraping does not scan the database each time', async (t) => {
  const { token } = await server.loginCitizen();
  const before = /ssp_delivery_backlog (\d+)/.exec(await (await scrape(TOKEN)).text())![1];
  const created = await server.request('POST', '/api/v1/reports', { token, json: validComplaint(), headers: { 'Idempotency-Key': crypto.randomUUID() } });
  t.is(created.status, 201);
  const after = /ssp_delivery_backlog (\d+)/.exec(await (await scrape(TOKEN)).text())![1];
  t.is(after, before, 'same count within METRICS_COUNT_TTL_MS');
});

test.serial('/metrics needs the bearer token', async (t) => {
  t.is((await scrape()).status, 401);
  t.is((await scrape('wrong-token-0123456789')).status, 401);
  const res = await scrape(TOKEN);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type')!, /^text\/plain/);
});
