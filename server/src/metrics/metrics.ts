import { timingSafeEqual, createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import mongoose from 'mongoose';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppState } from '../http/context';
import type { ErrorCounters } from '../http/middleware';

/**
 * Prometheus metrics (prom-client). One registry per process; the counters
 * below are module-level so any domain can count without being handed an
 * object: `rateLimited.inc({ limit: 'reports' })`, `databaseErrors.inc(...)`.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ssp_process_' });

export const httpDuration = new Histogram({
  name: 'ssp_http_request_duration_seconds',
  help: 'HTTP request duration by route (the router pattern, not the raw path), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/**
 * Requests refused by a rate limit or quota. The error handler counts every
 * 429 RATE_LIMITED answer by route; a limiter may also count directly with
 * its own `limit` name (e.g. `reports_per_day`).
 */
export const rateLimited = new Counter({
  name: 'ssp_rate_limited_total',
  help: 'Requests refused with 429 RATE_LIMITED, by limit (or route)',
  labelNames: ['limit'] as const,
  registers: [registry],
});

export const databaseErrors = new Counter({
  name: 'ssp_database_errors_total',
  help: 'Database errors: failed requests (by error name) and connection errors',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** The error handler's counts (http/middleware.ts's errorHandler), into the counters above. */
export const errorCounters: ErrorCounters = {
  rateLimited: (route) => rateLimited.inc({ limit: route }),
  databaseError: (kind) => databaseErrors.inc({ kind }),
};

/** Counts connection-level errors from mongoose; call once per connection. */
export function watchDatabase(): void {
  mongoose.connection.on('error', () => databaseErrors.inc({ kind: 'connection' }));
  mongoose.connection.on('disconnected', () => databaseErrors.inc({ kind: 'disconnected' }));
}

/** Times each request under its router pattern (`/api/v1/reports/:id`), so ids never become labels. */
export function requestMetrics(): Middleware<AppState> {
  return async (ctx, next) => {
    const end = httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      end({ method: ctx.method, route: typeof route === 'string' ? route : route ? String(route) : 'unmatched', status: String(ctx.status) });
    }
  };
}

export interface BacklogCounts {
  deliveryPending: number;
  deliveryDead: number;
  effectsPending: number;
  notificationsPending: number;
}

/**
 * Gauges that need a count. Counting runs at most once per `ttlMs` however
 * often Prometheus (or several of them) scrape: on FerretDB a filter on
 * anything but `_id` is a scan, so a count per scrape would cost a scan of
 * `reports` and `messages` every few seconds.
 */
export function backlogGauges(opts: { count: () => Promise<BacklogCounts>; ttlMs: number; classifierVersion: () => string | null }) {
  let cached: { at: number; value: BacklogCounts } | null = null;
  let inFlight: Promise<BacklogCounts> | null = null;
  async function counts(): Promise<BacklogCounts | null> {
    if (cached && Date.now() - cached.at < opts.ttlMs) return cached.value;
    inFlight ??= opts
      .count()
      .then((value) => {
        cached = { at: Date.now(), value };
        return value;
      })
      .finally(() => (inFlight = null));
    try {
      return await inFlight;
    } catch {
      databaseErrors.inc({ kind: 'metrics_count' });
      return cached?.value ?? null; // stale rather than nothing
    }
  }
  // A second app in the same process (tests) replaces the first one's gauges.
  for (const name of ['ssp_delivery_backlog', 'ssp_delivery_dead_letters', 'ssp_effects_backlog', 'ssp_notifications_pending', 'ssp_classifier_info']) registry.removeSingleMetric(name);
  const gauge = (name: string, help: string, pick: (c: BacklogCounts) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const c = await counts();
        if (c) this.set(pick(c));
      },
    });
  gauge('ssp_delivery_backlog', 'Reports waiting to be delivered to the city pipeline', (c) => c.deliveryPending);
  gauge('ssp_delivery_dead_letters', 'Deliveries that gave up (need a person: /admin/deliveries)', (c) => c.deliveryDead);
  gauge('ssp_effects_backlog', 'Reports with follow-up effects (notifications, forwarding) not yet done', (c) => c.effectsPending);
  gauge('ssp_notifications_pending', 'In-app messages whose WeChat subscribe message is not sent yet', (c) => c.notificationsPending);
  new Gauge({
    name: 'ssp_classifier_info',
    help: 'The live classifier model (value 1, version as a label)',
    labelNames: ['version'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: opts.classifierVersion() ?? 'none' }, 1);
    },
  });
}

/** Constant-time bearer check (hashing first makes the lengths equal). */
export function bearerMatches(header: string, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header);
  if (!match) return false;
  const a = createHash('sha256').update(match[1]).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
