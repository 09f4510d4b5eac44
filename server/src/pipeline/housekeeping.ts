import type { Logger } from '../log';
import { periodic } from '../periodic';
import { NotificationClaim } from '../notifications/notificationModels';
import type { ReportRepository } from '../reports/reportRepository';
import { DeliveryLease } from './dispatcher';
import { PipelineEventLog } from './pipelineEvents';
import { removeUnattachedMedia } from '../media/mediaCleanup';
import { removeExpiredWindows } from '../http/rateLimits';

const DAY = 24 * 3600_000;

/**
 * Rows that only guard against repeats for a while: claims, idempotency keys,
 * inbound event ids. Each is kept well past the longest time a repeat can
 * arrive (a delivery slot lasts seconds; a resident's app retries a draft for
 * days at most; a pipeline replays within hours), then removed, so these
 * collections do not grow with every report forever. (No TTL indexes: FerretDB
 * v1.24 does not expire documents.)
 */
export const RETENTION = {
  deliveryLeases: 1 * DAY,
  notificationClaims: 7 * DAY,
  submitKeys: 30 * DAY,
  pipelineEvents: 30 * DAY,
};

export function createHousekeeping(deps: { repo: ReportRepository; log: Logger; intervalMs?: number }) {
  async function run(now = Date.now()): Promise<Record<keyof typeof RETENTION | 'unattachedMedia' | 'rateLimitWindows', number>> {
    const before = (ms: number) => new Date(now - ms);
    const [leases, claims, keys, events] = await Promise.all([
      DeliveryLease.deleteMany({ at: { $lt: before(RETENTION.deliveryLeases) } }),
      NotificationClaim.deleteMany({ at: { $lt: before(RETENTION.notificationClaims) } }),
      deps.repo.purgeSubmitKeys(before(RETENTION.submitKeys)),
      PipelineEventLog.deleteMany({ receivedAt: { $lt: before(RETENTION.pipelineEvents) } }),
    ]);
    // Photos uploaded but never attached to a report within 24 h; rate-limit windows that have ended (FerretDB keeps them).
    const unattachedMedia = await removeUnattachedMedia({ inUse: (ids) => deps.repo.mediaInUse(ids), now });
    const rateLimitWindows = await removeExpiredWindows(new Date(now));
    const removed = { deliveryLeases: leases.deletedCount, notificationClaims: claims.deletedCount, submitKeys: keys, pipelineEvents: events.deletedCount, unattachedMedia, rateLimitWindows };
    if (Object.values(removed).some((n) => n > 0)) deps.log.info('housekeeping', removed);
    return removed;
  }

  const runner = periodic('housekeeping', () => run(), { everyMs: deps.intervalMs ?? 3600_000, firstAfterMs: deps.intervalMs ?? 3600_000, log: deps.log });
  return { run, start: () => runner.start(), stop: () => runner.stop() };
}
