import type { Logger } from '../log';
import type { MediaSigner } from '../media/mediaSigner';
import type { NotificationService } from '../notifications/notificationService';
import type { ReportEffect } from '../reports/effects';
import { followersOf } from '../reports/followerModel';
import type { ReportDoc, ReportRepository } from '../reports/reportRepository';
import { backoffMs } from './dispatcher';
import { periodic } from '../periodic';
import type { Connector, FollowUpPayload } from './connectors';

/** WeChat sends that keep failing for transient reasons stop after this many tries (the in-app message stays). */
const NOTIFY_ATTEMPTS = 5;

/**
 * Works the `effects` outbox of reports: notifications to the resident and
 * followers, follow-ups to the pipeline. Each effect is idempotent downstream
 * (in-app messages and WeChat sends are keyed by the effect id, the pipeline
 * gets it as the idempotency key), so a crash between doing an effect and
 * removing it only repeats harmless work. Follow-ups wait until the pipeline
 * has the ticket and go in the order they were made; they are never dropped.
 */
export function createEffectsWorker(opts: {
  repo: ReportRepository;
  connector: Connector;
  notifications: NotificationService;
  signer: MediaSigner;
  publicBaseUrl: string;
  log: Logger;
  pollMs?: number;
  baseBackoffMs?: number;
}) {
  // The scan is a backstop (effects are worked as soon as they are stored); it reads the reports with effects pending, by index.
  const pollMs = opts.pollMs ?? 10_000;
  const base = opts.baseBackoffMs ?? 1000;
  /** reports that got new effects while being worked: work them again right after */
  const again = new Set<string>();
  const busy = new Set<string>();
  /** per effect: failed attempts so far and when to try again (in memory: a restart simply tries again) */
  const failures = new Map<string, { n: number; nextAt: number }>();

  const due = (id: string) => (failures.get(id)?.nextAt ?? 0) <= Date.now();
  function failed(id: string): number {
    const n = (failures.get(id)?.n ?? 0) + 1;
    failures.set(id, { n, nextAt: Date.now() + backoffMs(n - 1, base, 5 * 60_000) });
    return n;
  }

  function followUpPayload(doc: ReportDoc, e: Extract<ReportEffect, { type: 'forward' }>): FollowUpPayload {
    return {
      event: e.event,
      idempotencyKey: `followup:${e.id}`,
      ticketNo: doc.ticketNo,
      reportId: String(doc._id),
      externalId: doc.delivery?.externalId ?? null,
      message: e.message,
      mediaUrls: (e.mediaIds ?? []).map((m) => opts.publicBaseUrl + opts.signer.url(String(m), 'original')),
      ...(e.rating ? { rating: e.rating } : {}),
      ...(e.category ? { category: e.category } : {}),
      ...(e.dueAt ? { dueAt: new Date(e.dueAt).toISOString() } : {}),
      at: new Date(e.at).toISOString(),
    };
  }

  async function work(reportId: string): Promise<void> {
    if (busy.has(reportId)) {
      again.add(reportId);
      return;
    }
    busy.add(reportId);
    try {
      const doc = await opts.repo.findById(reportId);
      const effects = (doc?.effects ?? []) as ReportEffect[];
      if (!doc || !effects.length) return;
      const done: ReportEffect[] = [];
      let followers: string[] | null = null;
      let forwardsBlocked = false;
      for (const e of effects) {
        if (!due(e.id)) {
          if (e.type === 'forward') forwardsBlocked = true; // keep follow-ups in order
          continue;
        }
        if (e.type === 'notify') {
          followers ??= await followersOf(reportId);
          const outcome = await opts.notifications.deliver(doc, followers, e);
          if (outcome === 'done' || failed(e.id) >= NOTIFY_ATTEMPTS) done.push(e);
        } else if (e.type === 'forward') {
          if (!opts.connector.forward) {
            done.push(e);
            continue;
          }
          if (forwardsBlocked || doc.delivery?.state !== 'delivered') {
            forwardsBlocked = true; // the dispatcher wakes us when the ticket is delivered
            continue;
          }
          try {
            await opts.connector.forward(followUpPayload(doc, e));
            done.push(e);
          } catch (err) {
            forwardsBlocked = true;
            const n = failed(e.id);
            opts.log.warn('follow-up not forwarded, will retry', { ticketNo: doc.ticketNo, event: e.event, attempt: n, error: (err as Error).message });
          }
        }
      }
      if (done.length) {
        await opts.repo.removeEffects(reportId, done);
        for (const e of done) failures.delete(e.id);
      }
    } catch (err) {
      opts.log.error('effects pass failed', { reportId, error: err });
    } finally {
      busy.delete(reportId);
      if (again.delete(reportId)) void work(reportId);
    }
  }

  let dated = false;
  async function scan(): Promise<void> {
    if (!dated) {
      // Flags written as `true` by an earlier build get a date first, so the scan below finds them (once per database).
      const n = await opts.repo.datePendingEffectsOnce();
      if (n) opts.log.info('dated pending-effects flags of an earlier build', { reports: n });
      dated = true;
    }
    const ids = await opts.repo.idsWithPendingEffects(200);
    await Promise.all(ids.map(work));
  }

  const scanner = periodic('effects scan', scan, { everyMs: pollMs, log: opts.log });

  return {
    /** Work this report's effects now (called right after they were stored). */
    enqueue(reportId: string) {
      if (scanner.running) void work(reportId);
    },
    /** One pass over everything pending; for tests and tools. */
    runOnce: scan,
    start: () => scanner.start(),
    stop: () => scanner.stop(),
  };
}

export type EffectsWorker = ReturnType<typeof createEffectsWorker>;
