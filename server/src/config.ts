import { createHmac, randomBytes } from 'node:crypto';
import { passwordProblems } from './auth/passwords';
import type { LimitSettings } from './http/rateLimits';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const envSchema = z.object({
  // Unset behaves like production: the stand-in and generated secrets need an explicit development or test (`npm start` sets development).
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** default: 127.0.0.1 in development and test, 0.0.0.0 in production */
  HOST: optionalString,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  MONGODB_URI: optionalString.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional()),
  DATA_DIR: z.string().default(path.join(REPO_ROOT, '.data')),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  WECHAT_APPID: optionalString,
  WECHAT_SECRET: optionalString,
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  /** WeChat subscribe message template ids (each needs fields character_string1, phrase2, thing3, time4; see README) */
  WECHAT_TEMPLATE_ACCEPTED: optionalString,
  WECHAT_TEMPLATE_DISPATCHED: optionalString,
  WECHAT_TEMPLATE_RESOLVED: optionalString,
  WECHAT_TEMPLATE_REOPENED: optionalString,
  WECHAT_MESSAGE_PAGE: z.string().trim().min(1).default('tickets/detail/index'),
  WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
  TENCENT_MAP_KEY: optionalString,
  TENCENT_MAP_BASE: z.string().url().default('https://apis.map.qq.com'),
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(100).max(10000).default(1500),
  ADMIN_USERNAME: z.string().trim().min(1).default('admin'),
  /** checked against the staff password policy in loadConfig (auth/passwords.ts), as a password chosen in the console is */
  ADMIN_PASSWORD: optionalString,
  H5_DIST: z.string().default(path.join(REPO_ROOT, 'miniprogram/dist/h5')),
  CLASSIFY_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  CLASSIFIER_RETRAIN_EVERY: z.coerce.number().int().min(1).default(20),
  PUBLIC_BASE_URL: optionalString.pipe(z.string().url().optional()),
  PIPELINE_CONNECTOR: z.enum(['local', 'webhook', 'open311']).default('local'),
  OPEN311_BASE_URL: optionalString.pipe(z.string().url().optional()),
  OPEN311_API_KEY: optionalString,
  OPEN311_JURISDICTION_ID: optionalString,
  /** JSON object: our category code (leaf or first level) → Open311 service_code */
  OPEN311_SERVICE_CODES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        const v = JSON.parse(s || '{}') as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) return v as Record<string, string>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of category code → service_code strings' });
      return z.NEVER;
    }),
  OPEN311_POLL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  PIPELINE_WEBHOOK_URL: optionalString.pipe(z.string().url().optional()),
  PIPELINE_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** `off` for API-only instances: no dispatcher, effects worker, deadline monitor or Open311 poller here (any instance may run them; several at once is safe) */
  PIPELINE_DISPATCHER: z.enum(['on', 'off']).default('on'),
  PIPELINE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  PIPELINE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  PIPELINE_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  PIPELINE_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  PIPELINE_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(1000),
  CLASSIFY_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** the 数据看板's rollup writer: `on` in exactly one instance (it must be the only writer, see insight/rollupWriter.ts) */
  // Unset: the rollup writer runs where the background workers run (PIPELINE_DISPATCHER), i.e. on the one worker instance.
  INSIGHT_WRITER: z.enum(['on', 'off']).optional(),
  INSIGHT_SCAN_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** cursors the rollup rebuild reads the reports with at once (see reportRepository.forEachPage) */
  INSIGHT_REBUILD_PARALLEL: z.coerce.number().int().min(1).max(16).default(3),
  /** how long the in-process rollup writer gathers the reports it hears into one batch (insight/rollupWriter.ts) */
  INSIGHT_TICK_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  /** how long the rollup writer may put off its writes while reports are being written (insight/rollupWriter.ts, DEFAULT_MAX_LAG_MS says why 25 s; 0: never) */
  INSIGHT_MAX_LAG_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /** `events` only where this instance writes every report (one instance doing everything): the rollup writer's scan then skips what its events applied */
  INSIGHT_CURSOR: z.enum(['scan', 'events']).default('scan'),
  /**
   * Which reverse proxies to believe about the client's address (X-Forwarded-For): unset/`off` none (the
   * socket's address is the client), a hop count, or a comma-separated list of proxy addresses/CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('off')
    .transform((s, ctx): TrustProxy => {
      if (s === '' || /^(off|false|0)$/i.test(s)) return null;
      if (/^\d+$/.test(s)) return Number(s);
      const list = s.split(',').map((a) => a.trim()).filter(Boolean);
      try {
        proxyaddr.compile(list);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be off, a hop count, or a comma-separated list of IP addresses/CIDRs' });
        return z.NEVER;
      }
      return list;
    }),
  // Quotas (see README "Limits"). Each is per resident unless said otherwise.
  RATE_REPORTS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  RATE_REPORTS_PER_DAY: z.coerce.number().int().min(1).default(30),
  RATE_UPLOADS_PER_HOUR: z.coerce.number().int().min(1).default(60),
  RATE_UPLOAD_MB_PER_DAY: z.coerce.number().int().min(1).default(200),
  RATE_FOLLOWUPS_PER_TICKET_PER_HOUR: z.coerce.number().int().min(1).default(10),
  RATE_SIMILAR_PER_HOUR: z.coerce.number().int().min(1).default(60),
  RATE_GEO_PER_HOUR: z.coerce.number().int().min(1).default(120),
  /** key of the log pseudonyms (HMAC); default: derived from the JWT secret */
  LOG_PSEUDONYM_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** bearer token for GET /metrics (unset: no /metrics) */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** the backlog gauges count at most this often (a count is a scan on FerretDB) */
  METRICS_COUNT_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** on SIGTERM, how long requests in flight may take before their connections are cut */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(5).max(100_000).default(30),
});

/** null: trust no proxy; a number: hop count; a list: the proxies' addresses/CIDRs */
export type TrustProxy = null | number | string[];

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'HOST'> {
  HOST: string;
  jwtSecret: string;
  /** HMAC key of log pseudonyms */
  pseudonymSecret: string;
  /** the limits of README "Limits", for createApp */
  limits: LimitSettings;
  /** true when no WeChat credentials are set: logins go to the local stand-in */
  useWechatStandIn: boolean;
}

export class ConfigError extends Error {}

/**
 * Validates the environment once at start. In production every secret must be
 * given; elsewhere a JWT secret is generated once and kept under DATA_DIR so
 * tokens survive restarts without a secret ever living in the repository.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
  const problems: string[] = [];
  if (production && !env.JWT_SECRET) problems.push('  JWT_SECRET: required in production (≥ 32 random characters)');
  if (production && !env.MONGODB_URI) problems.push('  MONGODB_URI: required in production');
  // The admin password from the environment opens every staff function, so it meets the same policy as one chosen
  // in the console (≥ 12 characters, not a common password, not the username): a weak one stops the start here.
  if (env.ADMIN_PASSWORD) {
    for (const issue of passwordProblems(env.ADMIN_PASSWORD, env.ADMIN_USERNAME)) problems.push(`  ADMIN_PASSWORD: ${issue.message} (${issue.code})`);
  }
  const hasWechat = Boolean(env.WECHAT_APPID && env.WECHAT_SECRET);
  if (Boolean(env.WECHAT_APPID) !== Boolean(env.WECHAT_SECRET)) problems.push('  WECHAT_APPID and WECHAT_SECRET: set both or neither');
  if (env.PIPELINE_CONNECTOR === 'webhook' && (!env.PIPELINE_WEBHOOK_URL || !env.PIPELINE_SECRET)) {
    problems.push('  PIPELINE_WEBHOOK_URL and PIPELINE_SECRET: required when PIPELINE_CONNECTOR=webhook');
  }
  if (env.PIPELINE_CONNECTOR === 'open311' && (!env.OPEN311_BASE_URL || !env.OPEN311_API_KEY)) {
    problems.push('  OPEN311_BASE_URL and OPEN311_API_KEY: required when PIPELINE_CONNECTOR=open311');
  }
  if (production && !hasWechat) problems.push('  WECHAT_APPID/WECHAT_SECRET: required in production (the local WeChat stand-in refuses to run there)');
  if (production && !source.NODE_ENV && problems.length) problems.push('  NODE_ENV: unset, so treated as production; to try it out locally use `npm start` (sets NODE_ENV=development)');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  // Only development and test may get a generated secret (checked above: production refuses to start without one).
  const jwtSecret = env.JWT_SECRET ?? devSecret(env.DATA_DIR);
  return {
    ...env,
    HOST: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    jwtSecret,
    pseudonymSecret: env.LOG_PSEUDONYM_SECRET ?? createHmac('sha256', jwtSecret).update('log-pseudonyms').digest('hex'),
    useWechatStandIn: !hasWechat,
    limits: {
      reportsPerHour: env.RATE_REPORTS_PER_HOUR,
      reportsPerDay: env.RATE_REPORTS_PER_DAY,
      uploadsPerHour: env.RATE_UPLOADS_PER_HOUR,
      uploadBytesPerDay: env.RATE_UPLOAD_MB_PER_DAY * 1024 * 1024,
      followUpsPerTicketPerHour: env.RATE_FOLLOWUPS_PER_TICKET_PER_HOUR,
      similarPerHour: env.RATE_SIMILAR_PER_HOUR,
      geoPerHour: env.RATE_GEO_PER_HOUR,
      classifyPerMinute: env.CLASSIFY_RATE_PER_MINUTE,
    },
  };
}

function devSecret(dataDir: string): string {
  const file = path.join(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * The part of the configuration a maintenance command needs to find the database (`npm run insight`,
 * `npm run db:export`): the same variables and defaults as the server, DATA_DIR included, without the
 * production checks for secrets a command that serves nothing does not use.
 */
export function loadDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.pick({ MONGODB_URI: true, DATA_DIR: true, INSIGHT_REBUILD_PARALLEL: true, INSIGHT_SCAN_MS: true }).safeParse(source);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return parsed.data;
}
