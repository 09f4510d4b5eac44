import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { startWechatStandIn } from './auth/wechatStandIn';
import { createWechatClient } from './auth/wechatClient';
import { ConfigError, loadConfig } from './config';
import { connectDatabase, disconnectDatabase } from './db/connect';
import { embeddedUriFile, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embeddedDatabase';
import { EMBEDDED_DB_NAME } from './db/scriptDatabase';
import { createTencentGeocoder } from './geo/tencentGeocoder';
import { createLogger, type Logger } from './log';
import { gracefulServer } from './lifecycle/shutdown';
import { watchDatabase } from './metrics/metrics';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL, undefined, { pseudonymKey: config.pseudonymSecret });
  const stops: (() => Promise<void>)[] = [];

  let uri = config.MONGODB_URI;
  let embedded: EmbeddedDatabase | null = null;
  if (!uri) {
    embedded = await startEmbeddedDatabase({ dataDir: config.DATA_DIR, log: (line) => log.info(line) });
    stops.push(() => embedded!.stop());
    uri = embedded.uri;
    // `npm run db:export` finds the running embedded database here (it is not safe to open its files twice).
    const uriFile = embeddedUriFile(config.DATA_DIR);
    writeFileSync(uriFile, `${uri}\n`, { mode: 0o600 });
    stops.push(async () => rmSync(uriFile, { force: true }));
  }
  await connectDatabase(uri, embedded ? EMBEDDED_DB_NAME : undefined);
  watchDatabase();
  stops.unshift(disconnectDatabase);

  let wechatOptions = { baseUrl: config.WECHAT_API_BASE, appid: config.WECHAT_APPID ?? '', secret: config.WECHAT_SECRET ?? '' };
  if (config.useWechatStandIn) {
    const standIn = await startWechatStandIn({ env: config.NODE_ENV });
    stops.push(() => standIn.close());
    wechatOptions = { baseUrl: standIn.baseUrl, appid: standIn.appid, secret: standIn.secret };
    log.warn('WeChat credentials not set: logins use the local WeChat stand-in (development only)');
  }
  const geocoder = config.TENCENT_MAP_KEY
    ? createTencentGeocoder({ baseUrl: config.TENCENT_MAP_BASE, key: config.TENCENT_MAP_KEY, timeoutMs: config.GEOCODER_TIMEOUT_MS })
    : null;

  // With the stand-in, made-up template ids let the whole subscribe → send path run locally.
  const standInTemplates = config.useWechatStandIn
    ? { accepted: 'standin-accepted', dispatched: 'standin-dispatched', resolved: 'standin-resolved', reopened: 'standin-reopened' }
    : {};
  const templates = {
    ...standInTemplates,
    ...Object.fromEntries(
      Object.entries({
        accepted: config.WECHAT_TEMPLATE_ACCEPTED,
        dispatched: config.WECHAT_TEMPLATE_DISPATCHED,
        resolved: config.WECHAT_TEMPLATE_RESOLVED,
        reopened: config.WECHAT_TEMPLATE_REOPENED,
      }).filter(([, v]) => v),
    ),
  };

  // One rollup writer (see insight/rollupWriter.ts): by default the instance that runs the background workers.
  const insightWriterOn = (config.INSIGHT_WRITER ?? config.PIPELINE_DISPATCHER) === 'on';
  const { app, prepare, services } = createApp({
    loginFailuresPerAddress: config.LOGIN_FAILURES_PER_ADDRESS,
    notifications: {
      wechat: wechatOptions,
      config: { templates, page: config.WECHAT_MESSAGE_PAGE, miniprogramState: config.WECHAT_MINIPROGRAM_STATE },
    },
    jwtSecret: config.jwtSecret,
    wechat: createWechatClient(wechatOptions),
    geocoder,
    log,
    h5Dist: config.H5_DIST,
    pipeline: {
      connector: config.PIPELINE_CONNECTOR,
      webhookUrl: config.PIPELINE_WEBHOOK_URL,
      open311:
        config.PIPELINE_CONNECTOR === 'open311'
          ? { baseUrl: config.OPEN311_BASE_URL!, apiKey: config.OPEN311_API_KEY!, jurisdictionId: config.OPEN311_JURISDICTION_ID, serviceCodes: config.OPEN311_SERVICE_CODES, pollMs: config.OPEN311_POLL_MS }
          : undefined,
      secret: config.PIPELINE_SECRET,
      maxAttempts: config.PIPELINE_MAX_ATTEMPTS,
      timeoutMs: config.PIPELINE_TIMEOUT_MS,
      pollMs: config.PIPELINE_POLL_MS,
      leaseMs: config.PIPELINE_LEASE_MS,
      baseBackoffMs: config.PIPELINE_BACKOFF_BASE_MS,
      publicBaseUrl: config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`,
    },
    insight: { writer: insightWriterOn, scanMs: config.INSIGHT_SCAN_MS, rebuildParallel: config.INSIGHT_REBUILD_PARALLEL, tickMs: config.INSIGHT_TICK_MS, maxLagMs: config.INSIGHT_MAX_LAG_MS, cursor: config.INSIGHT_CURSOR },
    metrics: { token: config.METRICS_TOKEN ?? null, countTtlMs: config.METRICS_COUNT_TTL_MS },
    classifier: {
      confidenceThreshold: config.CLASSIFY_CONFIDENCE_THRESHOLD,
      retrainEvery: config.CLASSIFIER_RETRAIN_EVERY,
    },
    limits: config.limits,
    trustProxy: config.TRUST_PROXY,
  });
  await prepare();
  services.classification.startPolling();
  // The background workers — outbox dispatcher, effects (notifications, follow-ups), deadline monitor,
  // Open311 poller, housekeeping — are safe to run on several instances; PIPELINE_DISPATCHER=off makes an API-only one.
  if (insightWriterOn) {
    services.insightWriter.start();
    stops.unshift(() => services.insightWriter.stop());
  }
  if (config.PIPELINE_DISPATCHER === 'on') {
    services.deadlines.start();
    stops.unshift(async () => services.deadlines.stop());
    services.effects.start();
    stops.unshift(() => services.effects.stop());
    services.housekeeping.start();
    stops.unshift(async () => services.housekeeping.stop());
    services.dispatcher.start();
    stops.unshift(() => services.dispatcher.stop());
    if (services.open311Poller) {
      services.open311Poller.start();
      stops.unshift(() => services.open311Poller!.stop());
    }
  }
  stops.unshift(async () => services.classification.stop());
  await services.auth.seedAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD, (text) => revealAdminPassword(text, config.DATA_DIR, log));

  const server = http.createServer(app.callback());
  const graceful = gracefulServer(server, { graceMs: config.SHUTDOWN_GRACE_MS });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const port = (server.address() as { port: number }).port;
  log.info('server listening', { url: `http://${config.HOST}:${port}`, api: `http://${config.HOST}:${port}/api/v1`, env: config.NODE_ENV });
  console.log(`\n  随申拍 is running: http://localhost:${port}\n`);

  // SIGTERM: stop accepting, answer what is in flight (up to SHUTDOWN_GRACE_MS),
  // let background passes finish, then close the database. A request cut off
  // after the grace period was not acknowledged: the client retries it with
  // the same Idempotency-Key against another (or the restarted) instance.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, inFlight: graceful.inFlight });
    // Whatever happens below, do not hang forever.
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 30_000).unref();
    const { forced } = await graceful.drain();
    if (forced) log.warn('grace period over: closed connections with requests still in flight', { graceMs: config.SHUTDOWN_GRACE_MS });
    for (const stop of stops) await stop().catch((err) => log.error('shutdown step failed', { error: err }));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * The generated first admin password never goes into the log (which is
 * collected and kept): to the terminal when a person is watching stderr,
 * otherwise into a file only this user can read. The log says where.
 */
function revealAdminPassword(text: string, dataDir: string, log: Logger): void {
  if (process.stderr.isTTY) {
    process.stderr.write(text + '\n');
    log.warn('admin account created; its generated password was shown on the terminal (stderr), not logged');
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'admin-password.txt');
  writeFileSync(file, text.trim() + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // also when the file existed with other permissions
  log.warn('admin account created; its generated password is in a file readable only by this user — read it, then delete it', { file });
}
