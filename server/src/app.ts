import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import serve from 'koa-static';
import mongoose from 'mongoose';
import proxyaddr from 'proxy-addr';
import { authRoutes } from './auth/authRoutes';
import { createAuthService } from './auth/authService';
import { createTokenService } from './auth/tokens';
import type { WechatClient } from './auth/wechatClient';
import { createGeoService } from './geo/geoService';
import { geoRoutes } from './geo/geoRoutes';
import type { TencentGeocoder } from './geo/tencentGeocoder';
import type { AppState } from './http/context';
import { accessLog, errorHandler, jsonBody } from './http/middleware';
import { createRateLimits, type LimitSettings } from './http/rateLimits';
import { inlineScriptHashes, securityHeaders } from './http/securityHeaders';
import type { TrustProxy } from './config';
import type { Logger } from './log';
import { createMediaService } from './media/mediaService';
import { mediaRoutes } from './media/mediaRoutes';
import { createMediaSigner } from './media/mediaSigner';
import { reportRoutes } from './reports/reportRoutes';
import { createReportRepository } from './reports/reportRepository';
import { ticketRoutes } from './reports/ticketRoutes';
import { triageRoutes } from './reports/triageRoutes';
import { categoryRoutes } from './categories/categoryRoutes';
import { createCategoryService } from './categories/categoryService';
import { classificationRoutes } from './classification/classificationRoutes';
import { createClassificationService } from './classification/classificationService';
import { createCategoryFigures } from './classification/categoryFigures';
import { localConnector, webhookConnector, type Connector } from './pipeline/connectors';
import { createOpen311Poller, open311Connector } from './pipeline/open311';
import { createDispatcher } from './pipeline/dispatcher';
import { createDeadlineMonitor } from './pipeline/deadlineMonitor';
import { createPipelineEvents } from './pipeline/pipelineEvents';
import { pipelineRoutes } from './pipeline/pipelineRoutes';
import { createTicketService } from './reports/ticketService';
import { createCategoryMoves } from './reports/categoryMoves';
import { createReportService } from './reports/reportService';
import { createDuplicateService } from './reports/duplicates';
import { createJoinOffers } from './reports/joinOffers';
import { createEffectsWorker } from './pipeline/effectsWorker';
import { createHousekeeping } from './pipeline/housekeeping';
import { createNotificationService, type NotificationConfig } from './notifications/notificationService';
import { notificationRoutes } from './notifications/notificationRoutes';
import { createWechatMessenger, type WechatMessengerOptions } from './notifications/wechatMessenger';
import { createInsightService } from './insight/insightService';
import { insightRoutes } from './insight/insightRoutes';
import { createRollupWriterThread } from './insight/writerThread';
import { createZoneService } from './zones/zoneService';
import { zoneRoutes } from './zones/zoneRoutes';
import { createPrivacyService } from './privacy/privacyService';
import { privacyRoutes } from './privacy/privacyRoutes';
import { apiOperations } from './apiOperations';
import { buildOpenApiDocument } from './http/openapi';
import { backlogGauges, errorCounters, requestMetrics } from './metrics/metrics';
import { metricsRoutes } from './metrics/metricsRoutes';
import { createLoginThrottle } from './auth/loginThrottle';
import { createAuditService } from './audit/auditService';
import { createStaffService } from './staff/staffService';
import { staffRoutes } from './staff/staffRoutes';
import { adminReportRoutes } from './reports/adminReportRoutes';
import { publicRoute } from './http/middleware';

export interface AppDeps {
  jwtSecret: string;
  wechat: WechatClient;
  geocoder: TencentGeocoder | null;
  log: Logger;
  /** built H5 app to serve at `/`, if present */
  h5Dist?: string;
  /** 数据看板: whether this instance maintains the rollups (the single writer) */
  insight?: { writer?: boolean; scanMs?: number; rebuildParallel?: number; tickMs?: number; maxLagMs?: number; cursor?: 'scan' | 'events' };
  classifier?: { confidenceThreshold?: number; retrainEvery?: number; classifyPerMinute?: number; trainingCorpus?: boolean };
  /** quotas (README "Limits"); unset ones take the defaults */
  limits?: Partial<LimitSettings>;
  /** which reverse proxies may tell us the client's address (null: none, the socket's peer is the client) */
  trustProxy?: TrustProxy;
  /** staff sign-in: failed attempts allowed per client address per 15 minutes (LOGIN_FAILURES_PER_ADDRESS) */
  loginFailuresPerAddress?: number;
  /** WeChat subscribe messages: the API to send them through (null: in-app messages only) and the templates */
  notifications?: { wechat: WechatMessengerOptions | null; config: NotificationConfig; pollMs?: number };
  pipeline?: {
    connector: 'local' | 'webhook' | 'open311';
    open311?: { baseUrl: string; apiKey: string; jurisdictionId?: string; serviceCodes: Record<string, string>; pollMs: number };
    webhookUrl?: string;
    secret?: string;
    publicBaseUrl: string;
    maxAttempts?: number;
    pollMs?: number;
    baseBackoffMs?: number;
    timeoutMs?: number;
    leaseMs?: number;
  };
  /** GET /metrics for this bearer token (null or absent: no /metrics); counts are refreshed at most every countTtlMs */
  metrics?: { token: string | null; countTtlMs?: number };
}

/**
 * Builds the application without listening or connecting: tests mount
 * `app.callback()`, and `main.ts` owns ports, the database and shutdown.
 */
export function createApp(deps: AppDeps) {
  const tokens = createTokenService(deps.jwtSecret);
  const signer = createMediaSigner(deps.jwtSecret);
  const throttle = createLoginThrottle({ perAddress: deps.loginFailuresPerAddress });
  const auth = createAuthService({ wechat: deps.wechat, tokens, log: deps.log, throttle });
  const audit = createAuditService();
  const staff = createStaffService({ tokens, throttle });
  const geo = createGeoService({ geocoder: deps.geocoder, log: deps.log });
  const media = createMediaService({ signer });
  // The core: every read and write of reports goes through the repository. Domains below it
  // (categories, classification) get the few queries they need as ports; domains above it
  // (pipeline, notifications) subscribe to its events.
  const repo = createReportRepository();
  const categories = createCategoryService({ usage: createCategoryMoves(repo) });
  const classification = createClassificationService({
    categories,
    reviewed: repo,
    log: deps.log,
    confidenceThreshold: deps.classifier?.confidenceThreshold ?? 0.5,
    retrainEvery: deps.classifier?.retrainEvery ?? 20,
    trainingCorpus: deps.classifier?.trainingCorpus,
  });
  const categoryFigures = createCategoryFigures({ categories, classification, reports: repo });
  const tickets = createTicketService({ repo, categories, signer, media });
  const zones = createZoneService({ categories });
  const reports = createReportService({ repo, geo, media, signer, log: deps.log, categories, classification, zones });
  const offers = createJoinOffers(deps.jwtSecret);
  const duplicates = createDuplicateService({ repo, categories, classification, signer, offers });

  // Above reports: the pipeline and notifications, reacting to what the repository stored.
  const pipelineConfig = deps.pipeline ?? { connector: 'local' as const, publicBaseUrl: 'http://localhost:3000' };
  const timeoutMs = pipelineConfig.timeoutMs ?? 10_000;
  const open311 = pipelineConfig.connector === 'open311' ? { ...pipelineConfig.open311!, timeoutMs } : null;
  const connector: Connector =
    pipelineConfig.connector === 'webhook'
      ? webhookConnector({ url: pipelineConfig.webhookUrl!, secret: pipelineConfig.secret!, timeoutMs })
      : open311
        ? open311Connector(open311)
        : localConnector();
  const { connector: _kind, open311: _open311, ...dispatcherTuning } = pipelineConfig;
  const notificationDeps = deps.notifications ?? { wechat: null, config: { templates: {}, page: 'tickets/detail/index', miniprogramState: 'formal' as const } };
  const notifications = createNotificationService({
    messenger: notificationDeps.wechat ? createWechatMessenger(notificationDeps.wechat) : null,
    config: notificationDeps.config,
    log: deps.log,
  });
  const effectsWorker = createEffectsWorker({ repo, connector, notifications, signer, publicBaseUrl: pipelineConfig.publicBaseUrl, log: deps.log, pollMs: notificationDeps.pollMs, baseBackoffMs: pipelineConfig.baseBackoffMs });
  const dispatcher = createDispatcher({ ...dispatcherTuning, repo, connector, categories, signer, log: deps.log, onDelivered: (id) => effectsWorker.enqueue(id) });
  repo.on('stored', (doc, delivery) => dispatcher.enqueue(doc, delivery));
  repo.on('effects', (id) => effectsWorker.enqueue(id));
  // Above reports too: the 数据看板's rollups follow every stored or changed report.
  const insight = createInsightService({ repo });
  // On a worker thread of this process (writerThread.ts): its Node work off the API's event loop.
  const insightWriter = createRollupWriterThread({
    repo,
    log: deps.log,
    announce: connector.announce ? (payload) => connector.announce!(payload) : null,
    scanMs: deps.insight?.scanMs,
    enabled: deps.insight?.writer ?? true,
    rebuildParallel: deps.insight?.rebuildParallel,
    tickMs: deps.insight?.tickMs,
    maxLagMs: deps.insight?.maxLagMs,
    cursor: deps.insight?.cursor,
  });
  repo.on('stored', (doc) => insightWriter.enqueue(doc._id, doc)); // the document as stored: no re-read
  repo.on('changed', (id) => insightWriter.enqueue(id));
  const events = createPipelineEvents({ repo, tickets });
  /** Open311 has no callbacks: its status changes are polled (null for the other connectors). */
  const open311Poller = open311 ? createOpen311Poller({ ...open311, repo, tickets, log: deps.log }) : null;
  const deadlines = createDeadlineMonitor({ repo, tickets, log: deps.log });
  const housekeeping = createHousekeeping({ repo, log: deps.log });
  const privacy = createPrivacyService({ repo, media, notifications, signer, tokens });

  const limits = createRateLimits({ ...(deps.classifier?.classifyPerMinute ? { classifyPerMinute: deps.classifier.classifyPerMinute } : {}), ...deps.limits });

  const app = new Koa<AppState>();
  // X-Forwarded-* are believed only from the proxies TRUST_PROXY names; otherwise anyone could pick their address.
  const trust = trustFunction(deps.trustProxy ?? null);
  app.proxy = trust !== null;
  app.use(async (ctx, next) => {
    ctx.request.ip = trust ? proxyaddr(ctx.req, trust) : (ctx.req.socket.remoteAddress ?? '');
    await next();
  });
  // Koa reports what fails after our middleware has returned (a body stream piped to a client that went away, a
  // file stream failing) with app.emit('error'); without a listener it prints a multi-line stack to stderr, which
  // breaks the log's one-JSON-object-per-line format. A client closing the connection mid-download is routine
  // (a resident leaving the page while a photo loads): debug. Anything else is an error the operator should see.
  app.on('error', (err: NodeJS.ErrnoException, ctx?: { method?: string; path?: string }) => {
    const fields = { code: err.code, method: ctx?.method, path: ctx?.path };
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') deps.log.debug('client closed the connection before the response was sent', fields);
    else deps.log.error('response failed after it started', { ...fields, error: err.message });
  });
  app.use(requestMetrics());
  app.use(errorHandler(deps.log, errorCounters));
  app.use(accessLog(deps.log));
  const indexHtml = deps.h5Dist ? path.join(deps.h5Dist, 'index.html') : null;
  const scriptHashes = indexHtml && existsSync(indexHtml) ? inlineScriptHashes(readFileSync(indexHtml, 'utf8')) : [];
  app.use(securityHeaders({ hsts: pipelineConfig.publicBaseUrl.startsWith('https:'), scriptHashes }));
  backlogGauges({
    count: async () => {
      const [reportBacklogs, notificationsPending] = await Promise.all([repo.countBacklogs(), notifications.pendingWechat()]);
      return { ...reportBacklogs, notificationsPending };
    },
    ttlMs: deps.metrics?.countTtlMs ?? 30_000, classifierVersion: () => classification.info()?.version ?? null });

  const health = new Router<AppState>();
  health.get('/healthz', publicRoute(), (ctx) => {
    ctx.body = { ok: true };
  });
  health.get('/readyz', publicRoute(), async (ctx) => {
    try {
      if (mongoose.connection.readyState !== 1) throw new Error('not connected');
      await mongoose.connection.db!.admin().ping();
      ctx.body = { ok: true, database: 'up' };
    } catch {
      ctx.status = 503;
      ctx.body = { ok: false, database: 'down' };
    }
  });

  // Built on first request: the document only changes with the code.
  let openApiDocument: unknown = null;
  health.get('/api/v1/openapi.json', publicRoute(), (ctx) => {
    openApiDocument ??= buildOpenApiDocument(apiOperations, { version: '1' });
    ctx.body = openApiDocument;
  });

  app.use(jsonBody());
  const routers = [
    health,
    metricsRoutes({ token: deps.metrics?.token ?? null }),
    authRoutes(auth, { tokens, audit }),
    mediaRoutes({ media, tokens, signer, limits }),
    adminReportRoutes({ repo, reports, audit, tokens, log: deps.log }),
    reportRoutes({ reports, duplicates, tokens, limits, audit, repo }),
    ticketRoutes({ tickets, repo, tokens, signer, limits, audit }),
    triageRoutes({ reports, tokens, audit }),
    geoRoutes({ geo, tokens, limits }),
    categoryRoutes({ categories, tokens, audit }),
    classificationRoutes({ classification, figures: categoryFigures, tokens, limits, audit }),
    pipelineRoutes({ repo, tokens, signer, dispatcher, events, pipelineSecret: pipelineConfig.secret ?? null, audit }),
    notificationRoutes({ notifications, tokens }),
    insightRoutes({ insight, tokens, audit }),
    zoneRoutes({ zones, tokens, audit }),
    privacyRoutes({ privacy, tokens }),
    staffRoutes({ staff, audit, tokens }),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  if (deps.h5Dist && existsSync(path.join(deps.h5Dist, 'index.html'))) {
    app.use(serve(deps.h5Dist, { maxage: 0, gzip: false }));
  }

  /** Data the app needs before serving: the default category tree and a classifier. */
  async function prepare(): Promise<void> {
    await categories.seedIfEmpty();
    await classification.init();
  }

  return { app, prepare, routers, services: { limits, offers, repo, audit, staff, auth, tokens, signer, geo, media, reports, categories, classification, tickets, dispatcher, deadlines, notifications, duplicates, effects: effectsWorker, open311Poller, housekeeping, insight, insightWriter, zones, privacy } };
}

/** TRUST_PROXY as proxy-addr's trust function: a hop count trusts that many proxies in front of us, a list exactly those addresses. */
function trustFunction(setting: TrustProxy): ((addr: string, i: number) => boolean) | null {
  if (setting === null || setting === 0) return null;
  if (typeof setting === 'number') return (_addr, i) => i < setting;
  return proxyaddr.compile(setting);
}
