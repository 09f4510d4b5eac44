import mongoose, { Schema } from 'mongoose';
import type { CategoryService } from '../categories/categoryService';
import type { Logger } from '../log';
import type { MediaSigner } from '../media/mediaSigner';
import { duplicateKeyIndexes } from '../db/errors';
import { deadlineFor } from '../reports/deadline';
import { urgencyOf } from '../reports/reportPresenter';
import type { ReportDoc, ReportRepository } from '../reports/reportRepository';
import { DeliveryError, type Connector, type PipelinePayload } from './connectors';

/**
 * Claims on deliveries. A claim is an insert of `${reportId}:${scheduledAt}:${slot}`
 * under the unique `_id` (many claims go in one `insertMany`, one write for a
 * whole batch; duplicates are the slots another instance won): one
 * instance wins each slot. A claim from the previous slot blocks a new one
 * until its delivery timeout has passed, so live claims never overlap; a
 * crashed instance's claim lapses with its slot and another instance takes
 * over (the pipeline then sees a retry under the same idempotency key).
 */
const leaseSchema = new Schema({ _id: String, owner: String, at: Date }, { versionKey: false });
export const DeliveryLease = mongoose.model('DeliveryLease', leaseSchema);

export interface DispatcherOptions {
  repo: ReportRepository;
  connector: Connector;
  categories: CategoryService;
  signer: MediaSigner;
  log: Logger;
  publicBaseUrl: string;
  maxAttempts?: number;
  pollMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  /** the pipeline has the ticket now: follow-ups waiting for it can go */
  onDelivered?: (reportId: string) => void;
}

/** previous-slot lookups in flight at once: below the database pool, so deliveries' own writes still get connections */
const CLAIM_CONCURRENCY = 8;

export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return Math.round(exp / 2 + random() * (exp / 2)); // "equal jitter": never less than half, never more than the cap
}

export function buildPayload(doc: ReportDoc, info: { department: string | null; dueAt: Date | null }, signer: MediaSigner, publicBaseUrl: string): PipelinePayload {
  const loc = doc.location ?? {};
  return {
    event: 'created',
    idempotencyKey: `report:${doc._id}`,
    ticketNo: doc.ticketNo,
    reportId: String(doc._id),
    kind: doc.kind,
    category: doc.category?.code ? { code: doc.category.code, name: doc.category.name ?? '', parentCode: doc.category.parentCode ?? null, parentName: doc.category.parentName ?? null } : null,
    urgent: Boolean(doc.urgent),
    urgency: urgencyOf(doc),
    department: info.department,
    district: doc.district?.code ? { code: doc.district.code, name: doc.district.name ?? '' } : null,
    location: { ...loc, ...(doc.point ? { gcj02: doc.point } : {}) },
    description: doc.description ?? '',
    ...(doc.contactPhone ? { contactPhone: doc.contactPhone } : {}),
    ...(doc.answers && Object.keys(doc.answers).length ? { answers: doc.answers as PipelinePayload['answers'] } : {}),
    ...(doc.zone?.id ? { zone: { id: doc.zone.id, title: doc.zone.title ?? '' } } : {}),
    mediaUrls: (doc.mediaIds ?? []).map((id) => publicBaseUrl + signer.url(String(id), 'original')),
    createdAt: doc.createdAt.toISOString(),
    dueAt: info.dueAt ? info.dueAt.toISOString() : null,
  };
}

export function createDispatcher(opts: DispatcherOptions) {
  const owner = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const maxAttempts = opts.maxAttempts ?? 8;
  /** how often the database is scanned for deliveries this process did not queue itself */
  const pollMs = opts.pollMs ?? 5000;
  const leaseMs = opts.leaseMs ?? 15_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = opts.baseBackoffMs ?? 1000;
  const cap = opts.maxBackoffMs ?? 5 * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;
  let lastScan = 0;
  /**
   * Reports this process just stored or must retry soon: delivered without
   * waiting for a scan. The database scan stays the source of truth (it finds
   * what another instance stored, or what a crashed one left behind), but it
   * can run rarely: on FerretDB every query that is not by _id reads the
   * whole collection.
   */
  const queue = new Map<string, ReportDoc>();
  /** queue entries that came from a database scan (and when), rather than from this process's own submit or retry */
  const scannedAt = new WeakMap<ReportDoc, number>();
  const retryTimers = new Set<NodeJS.Timeout>();

  /**
   * Circuit breaker: after several failures in a row the pipeline is taken to
   * be down, and deliveries pause (one probe per pause, pauses doubling up
   * to 30 s) instead of every report burning a retry and two writes against
   * a system that is not there. Reports simply stay pending meanwhile.
   */
  const BREAKER_THRESHOLD = 5;
  let consecutiveFailures = 0;
  let pausedUntil = 0;
  let pauses = 0;
  /**
   * The pipeline answered again after the breaker tripped: everything still
   * pending is due now, not when its backoff (up to minutes) runs out.
   */
  let recovering = false;
  /** the last scan was a full batch: more is due, scan again without waiting for the poll interval */
  let backlog = false;
  const breakerOpen = (now: number) => consecutiveFailures >= BREAKER_THRESHOLD && now < pausedUntil;
  function recordOutcome(ok: boolean) {
    if (ok) {
      if (consecutiveFailures >= BREAKER_THRESHOLD || pauses > 0) {
        recovering = true;
        opts.log.info('pipeline answers again: delivering the backlog now');
      }
      consecutiveFailures = 0;
      pauses = 0;
      return;
    }
    consecutiveFailures++;
    if (consecutiveFailures >= BREAKER_THRESHOLD) {
      pausedUntil = Date.now() + Math.min(30_000, 500 * 2 ** pauses++);
      opts.log.warn('pipeline looks down: pausing deliveries', { failuresInARow: consecutiveFailures, pauseMs: pausedUntil - Date.now() });
    }
  }

  const leaseKey = (doc: ReportDoc, slot: number) => `${doc._id}:${doc.delivery?.nextAttemptAt?.getTime() ?? 0}:${slot}`;

  /**
   * Claims a batch: a claim from the previous slot may still be delivering
   * (left its timeout), the rest are inserted in one insertMany — one write
   * transaction on FerretDB instead of one per report — and the duplicates
   * it reports are the claims another instance won.
   */
  async function claimMany(docs: ReportDoc[], now: number): Promise<Set<ReportDoc>> {
    const slot = Math.floor(now / leaseMs);
    const free: ReportDoc[] = [];
    for (let i = 0; i < docs.length; i += CLAIM_CONCURRENCY) {
      const slice = docs.slice(i, i + CLAIM_CONCURRENCY);
      const previous = await Promise.all(slice.map((d) => DeliveryLease.findById(leaseKey(d, slot - 1)).lean()));
      slice.forEach((d, j) => {
        const p = previous[j];
        if (!p || now - p.at!.getTime() >= timeoutMs + 2000) free.push(d);
      });
    }
    if (!free.length) return new Set();
    let lost = new Set<number>();
    try {
      await DeliveryLease.collection.insertMany(free.map((d) => ({ _id: leaseKey(d, slot), owner, at: new Date(now) })) as never[], { ordered: false });
    } catch (err) {
      lost = duplicateKeyIndexes(err);
    }
    return new Set(free.filter((_, i) => !lost.has(i)));
  }

  async function deliverOne(claimed: ReportDoc): Promise<void> {
    let doc = claimed;
    if (Date.now() - (scannedAt.get(claimed) ?? Infinity) > leaseMs / 2) {
      // Read a while ago by a scan: another instance may have delivered or rescheduled it since.
      // (A fresher read is covered by the claims: a delivery in the last slot blocks ours.)
      const fresh = await opts.repo.findById(claimed._id);
      const same = fresh?.delivery?.state === 'pending' && fresh.delivery.nextAttemptAt?.getTime() === claimed.delivery?.nextAttemptAt?.getTime();
      if (!same) {
        queue.delete(String(claimed._id));
        return;
      }
      doc = fresh;
    }
    const attempts = doc.delivery?.attempts ?? 0;
    const info = doc.category?.code ? await opts.categories.info(doc.category.code) : null;
    // The same rule as the deadline stored at dispatch (reports/deadline.ts), so both sides agree.
    const dueAt = deadlineFor(doc, info?.deadlineHours ?? null);
    const payload = buildPayload(doc, { department: info?.department ?? null, dueAt }, opts.signer, opts.publicBaseUrl);
    queue.delete(String(doc._id));
    try {
      const { externalId } = await opts.connector.deliver(payload);
      // On the hot path: no re-read; only the claim holder writes this, and MongoDB keeps the condition.
      await opts.repo.update(String(doc._id), { 'delivery.state': 'pending' }, {
        set: { 'delivery.state': 'delivered', 'delivery.attempts': attempts + 1, 'delivery.deliveredAt': new Date(), 'delivery.externalId': externalId, 'delivery.lastError': null, 'delivery.connector': opts.connector.name },
      });
      recordOutcome(true);
      if ((doc.effects ?? []).length) opts.onDelivered?.(String(doc._id)); // follow-ups were waiting for the ticket
    } catch (err) {
      const message = err instanceof DeliveryError ? err.message : `unexpected: ${(err as Error).message}`;
      recordOutcome(false);
      const dead = attempts + 1 >= maxAttempts;
      const nextAttemptAt = new Date(Date.now() + backoffMs(attempts, base, cap));
      await opts.repo.update(String(doc._id), { 'delivery.state': 'pending' }, {
        set: { 'delivery.state': dead ? 'dead' : 'pending', 'delivery.attempts': attempts + 1, 'delivery.lastError': message, 'delivery.nextAttemptAt': nextAttemptAt },
      });
      if (!dead && !stopped) {
        const retry = setTimeout(() => {
          retryTimers.delete(retry);
          queue.set(String(doc._id), { ...doc, delivery: { ...doc.delivery!, attempts: attempts + 1, nextAttemptAt, state: 'pending' } } as ReportDoc);
          wake();
        }, nextAttemptAt.getTime() - Date.now());
        retry.unref();
        retryTimers.add(retry);
      }
      opts.log.warn(dead ? 'delivery dead-lettered' : 'delivery failed, will retry', { ticketNo: doc.ticketNo, attempt: attempts + 1, error: message });
    }
  }

  /** One pass: claim what is due (queued here, or found by a scan) and deliver it. Returns how many were attempted. */
  async function tick(forceScan = true): Promise<number> {
    const now = Date.now();
    if (breakerOpen(now)) return 0;
    // Half-open: while the breaker has tripped, a single delivery probes the pipeline.
    const probing = consecutiveFailures >= BREAKER_THRESHOLD;
    const batch = opts.batchSize ?? 100;
    const dueNow = () => [...queue.values()].filter((d) => recovering || (d.delivery?.nextAttemptAt?.getTime() ?? 0) <= now);
    // While a full batch is already waiting here, even the periodic scan can wait.
    if (forceScan || (dueNow().length < batch && (backlog || recovering || now - lastScan >= pollMs))) {
      lastScan = now;
      // With a backlog, read several batches per scan: on FerretDB every scan reads the collection.
      const limit = backlog || recovering ? batch * 10 : batch;
      const due = await opts.repo.dueDeliveries(new Date(now), { all: recovering, limit });
      for (const doc of due) {
        const id = String(doc._id);
        if (queue.has(id)) continue;
        scannedAt.set(doc, now);
        queue.set(id, doc);
      }
      backlog = due.length >= limit;
      if (!backlog) recovering = false;
    }
    const candidates = dueNow().slice(0, batch);
    // A probe (breaker half-open) is a single delivery.
    const wanted = probing ? candidates.slice(0, 1) : candidates;
    const won = await claimMany(wanted, now);
    for (const doc of wanted) if (!won.has(doc)) queue.delete(String(doc._id)); // someone else has it; a scan brings it back if they fail
    const mine = [...won];
    await Promise.all(mine.map(deliverOne));
    return mine.length;
  }

  let wakeUp: (() => void) | null = null;
  function wake() {
    wakeUp?.();
  }

  async function loop() {
    while (!stopped) {
      try {
        running = tick(false);
        const n = await running;
        if (n > 0 || (queue.size > 0 && !breakerOpen(Date.now()))) continue;
      } catch (err) {
        opts.log.error('dispatcher pass failed', { error: err });
      } finally {
        running = null;
      }
      // Sleep until the next scan is due, the breaker half-opens, or something is queued.
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        const untilScan = pollMs - (Date.now() - lastScan);
        const untilProbe = breakerOpen(Date.now()) ? pausedUntil - Date.now() : Infinity;
        timer = setTimeout(resolve, Math.max(10, Math.min(untilScan, untilProbe)));
      });
      wakeUp = null;
    }
  }

  return {
    tick,
    /** Called right after a report is stored: deliver it now rather than at the next scan. */
    enqueue(doc: ReportDoc) {
      if (stopped) return;
      queue.set(String(doc._id), doc);
      wake();
    },
    start() {
      if (!stopped) return;
      stopped = false;
      void loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const r of retryTimers) clearTimeout(r);
      retryTimers.clear();
      wake();
      await running?.catch(() => {});
    },
    /** Admin: put a dead-lettered delivery back in the queue. */
    async retry(reportId: string): Promise<boolean> {
      if (!mongoose.isValidObjectId(reportId)) return false;
      return opts.repo.update(reportId, { 'delivery.state': 'dead' }, { set: { 'delivery.state': 'pending', 'delivery.nextAttemptAt': new Date() } });
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
