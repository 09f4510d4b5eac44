import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { TestFn } from 'ava';
import { createApp, type AppDeps } from '../src/app';
import { makeJpeg, multipart } from './images';
import { createWechatClient } from '../src/auth/wechatClient';
import { startWechatStandIn, type WechatStandIn } from '../src/auth/wechatStandIn';
import { connectDatabase } from '../src/db/connect';
import { startEmbeddedDatabase } from '../src/db/embeddedDatabase';
import type { TencentGeocoder } from '../src/geo/tencentGeocoder';
import { silentLogger } from '../src/log';
import type { ReportDoc } from '../src/reports/reportRepository';

/**
 * A real server for one test file: its own database on the shared test
 * database server, the WeChat stand-in over real HTTP, and the app listening
 * on a loopback port. Requests go through fetch, as a client's would.
 */
export interface TestServer {
  baseUrl: string;
  wechat: WechatStandIn;
  services: ReturnType<typeof createApp>['services'];
  /** every router the app mounts (the route-permission test walks them) */
  routers: ReturnType<typeof createApp>['routers'];
  request(method: string, pathname: string, opts?: { token?: string; json?: unknown; headers?: Record<string, string>; body?: BodyInit }): Promise<{ status: number; body: any; headers: Headers }>;
  loginCitizen(code?: string): Promise<{ token: string; userId: string }>;
  loginAdmin(): Promise<{ token: string; userId: string }>;
  /** Runs the dispatcher until this report's delivery is no longer pending (or gives up); returns the stored report. */
  deliverNow(reportId: string, maxRounds?: number): Promise<ReportDoc>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' };
export const TEST_PIPELINE_SECRET = 'test-pipeline-secret-0123456789';
export const TEST_TEMPLATES = { accepted: 'tmpl-accepted', dispatched: 'tmpl-dispatched', resolved: 'tmpl-resolved', reopened: 'tmpl-reopened' };

/** Quotas high enough that tests filing many reports as one resident never meet them (limits.test.ts sets its own). */
export const TEST_LIMITS = {
  reportsPerHour: 100_000,
  reportsPerDay: 100_000,
  uploadsPerHour: 100_000,
  uploadBytesPerDay: 100_000 * 1024 * 1024,
  followUpsPerTicketPerHour: 100_000,
  similarPerHour: 100_000,
  geoPerHour: 100_000,
};

export type TestServerOptions = NonNullable<Parameters<typeof startTestServer>[0]>;

/**
 * What most API test files set up: one test server for the file, started before its tests and closed after them
 * all (even when one failed), with the seeded admin signed in. `ready` is handed both once they are up; the file
 * keeps them in its own variables, so its tests read `s.request(…)` and `admin.token` as before.
 */
export function serverForFile(test: TestFn, ready: (s: TestServer, admin: { token: string; userId: string }) => void, opts: TestServerOptions = {}): void {
  let server: TestServer | undefined;
  test.before(async () => {
    server = await startTestServer(opts);
    ready(server, await server.loginAdmin());
  });
  test.after.always(async () => {
    await server?.close();
  });
}

export async function startTestServer(opts: { geocoder?: TencentGeocoder | null; h5Dist?: string; classifyPerMinute?: number; retrainEvery?: number; pipeline?: AppDeps['pipeline']; wechatTokenTtlSeconds?: number; limits?: AppDeps['limits']; trustProxy?: AppDeps['trustProxy']; log?: AppDeps['log']; metrics?: AppDeps['metrics']; dbName?: string; keepDatabase?: boolean; insight?: AppDeps['insight'] } = {}): Promise<TestServer> {
  let uri = process.env.TEST_MONGODB_URI;
  let stopDb = async () => {};
  if (!uri) {
    // Running one file directly (`npx ava file`): bring up a database for it alone.
    const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'ssp-db-')) });
    uri = db.uri;
    stopDb = db.stop;
  }
  // dbName/keepDatabase: a benchmark reusing a seeded database (bench:console with BENCH_DATA_DIR).
  await connectDatabase(uri, opts.dbName ?? `t_${randomUUID().slice(0, 8)}`);
  const wechat = await startWechatStandIn({ env: 'test', tokenTtlSeconds: opts.wechatTokenTtlSeconds });
  const { app, prepare, services, routers } = createApp({
    jwtSecret: 'test-secret-test-secret-test-secret!',
    wechat: createWechatClient({ baseUrl: wechat.baseUrl, appid: wechat.appid, secret: wechat.secret }),
    geocoder: opts.geocoder ?? null,
    notifications: {
      wechat: { baseUrl: wechat.baseUrl, appid: wechat.appid, secret: wechat.secret },
      config: { templates: TEST_TEMPLATES, page: 'tickets/detail/index', miniprogramState: 'developer' },
      pollMs: 200,
    },
    log: opts.log ?? silentLogger,
    h5Dist: opts.h5Dist,
    limits: { ...TEST_LIMITS, ...opts.limits },
    trustProxy: opts.trustProxy ?? null,
    pipeline: opts.pipeline ?? { connector: 'local', publicBaseUrl: 'http://127.0.0.1', secret: TEST_PIPELINE_SECRET },
    // The writers' corpus makes every retrain take tens of seconds on a loaded machine; the API tests are
    // about the mechanics (swap, triage, corrections as training data), so they train on the seed corpus.
    classifier: { classifyPerMinute: opts.classifyPerMinute ?? 10_000, retrainEvery: opts.retrainEvery ?? 1000, trainingCorpus: false },
    metrics: opts.metrics,
    insight: opts.insight,
  });
  await prepare();
  await services.auth.seedAdmin(TEST_ADMIN.username, TEST_ADMIN.password, () => {});
  services.effects.start();
  const server = http.createServer(app.callback());
  // Node's server closes an idle keep-alive socket after 5 s; fetch (undici) may pick that socket for its next
  // request just as it closes, and the request fails with "fetch failed" (the likely cause of one such failure in a
  // burst of ~90 concurrent staff moves at load 17, 2026-11-30; the error did not say). Tests are the only clients here: let the client side close idle sockets (undici: 4 s),
  // so the server never closes one under a request. server.close() still ends idle sockets at once.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: TestServer['request'] = async (method, pathname, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    let body = o.body;
    if (o.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    const res = await fetch(baseUrl + pathname, { method, headers, body });
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    baseUrl,
    wechat,
    services,
    routers,
    request,
    async loginCitizen(code = `code-${randomUUID()}`) {
      const res = await request('POST', '/api/v1/auth/wechat-login', { json: { code } });
      if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
      return { token: res.body.token, userId: res.body.user.id };
    },
    async loginAdmin() {
      const res = await request('POST', '/api/v1/auth/admin-login', { json: TEST_ADMIN });
      if (res.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(res.body)}`);
      return { token: res.body.token, userId: res.body.user.id };
    },
    async deliverNow(reportId, maxRounds = 60) {
      for (let i = 0; i < maxRounds; i++) {
        await services.dispatcher.tick();
        const doc = await services.repo.findById(reportId);
        if (doc?.delivery?.state !== 'pending') return doc!;
        await new Promise((r) => setTimeout(r, 30));
      }
      return (await services.repo.findById(reportId))!;
    },
    async close() {
      // The rollup writer (a thread of its own since writerThread.ts) writes what it holds and stops before the
      // database goes.
      await services.insightWriter.stop().catch(() => {});
      await services.dispatcher.stop();
      await services.effects.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await wechat.close();
      if (!opts.keepDatabase) await mongoose.connection.dropDatabase().catch(() => {});
      await mongoose.disconnect();
      await stopDb();
    },
  };
}

/**
 * A 随申拍 photo without text or chip, as a resident sends it: no category at filing, so it is delivered with the
 * 120 h fallback deadline and triage decides the category later. Returns the report as the submit answered it.
 */
export async function submitPhotoOnly(s: TestServer, token: string): Promise<{ id: string; createdAt: string } & Record<string, unknown>> {
  const up = await s.request('POST', '/api/v1/media', { token, body: multipart('file', 'x.jpg', await makeJpeg()) });
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  const created = await s.request('POST', '/api/v1/reports', { token, json: { kind: 'snap', location: validComplaint().location, mediaIds: [up.body.id] }, headers: { 'Idempotency-Key': randomUUID() } });
  if (created.status !== 201) throw new Error(`submit: ${created.status} ${JSON.stringify(created.body)}`);
  if (created.body.category !== null) throw new Error(`a photo alone was given the category ${JSON.stringify(created.body.category)}`);
  return created.body;
}

/**
 * A new resident (a fresh WeChat sign-in unless `citizen` is given) files `validComplaint(overrides)` once, as the
 * app does (with an Idempotency-Key). Throws unless it is accepted (201). Returns the report as the submit
 * answered it, and the resident.
 */
export async function submitComplaint(s: TestServer, overrides: Record<string, unknown> = {}, citizen?: { token: string; userId: string }) {
  const who = citizen ?? (await s.loginCitizen());
  const res = await s.request('POST', '/api/v1/reports', { token: who.token, json: validComplaint(overrides), headers: { 'Idempotency-Key': randomUUID() } });
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return { report: res.body as { id: string; ticketNo: string; category: { code: string } | null; dueAt: string } & Record<string, unknown>, citizen: who };
}

export function validComplaint(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'complaint',
    description: '人民广场地铁站2号口旁边的窨井盖松动，走上去会晃',
    location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 15, address: '黄浦区人民大道' },
    ...overrides,
  };
}
