import mongoose, { Schema } from 'mongoose';
import type { CategoryService } from '../categories/categoryService';
import type { Logger } from '../log';
import type { MediaSigner } from '../media/mediaSigner';
import { duplicateKeyIndexes } from '../db/errors';
import { deadlineFor } from '../reports/deadline';
import { urgencyOf } from '../reports/reportPresenter';
import type { DeliverableReport, DeliveryDoc, ReportDoc, ReportRepository } from '../reports/reportRepository';
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
  /** how often pending deliveries written without `due` (an older build) are looked for; default 10 minutes */
  sweepMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  /** deliveries under way at once (default 300): requests to the pipeline and the writes of their outcomes */
  maxInFlight?: number;
  /** the pipeline has the ticket now: follow-ups waiting for it can go */
  onDelivered?: (reportId: string) => void;
}

/**
 * An outbox document whose report is not stored is normal for a few milliseconds (the outbox document
 * is written first, then the report); one still without its report after this long belongs to a
 * submit whose process died in between (never acknowledged): it is dead-lettered, not deleted, so
 * nothing can vanish silently.
 */
const ORPHAN_AFTER_MS = 10 * 60_000;

export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return Math.round(exp / 2 + random() * (exp / 2)); // "equal jitter": never less than half, never more than the cap
}

export function buildPayload(doc: DeliverableReport, info: { department: string | null; dueAt: Date | null }, signer: MediaSigner, publicBaseUrl: string): PipelinePayload {
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
  let running: Promise<Promise<void>[]> | null = null;
  let stopped = true;
  let lastScan = 0;
  /**
   * Reports this process just stored or must retry soon: delivered without
   * waiting for a scan. The database scan stays the source of truth (it finds
   * what another instance stored, or what a crashed one left behind), but it
   * can run rarely: on FerretDB every query that is not by _id reads the
   * whole collection.
   */
  const queue = new Map<string, DeliveryDoc>();
  /** the reports of queued deliveries that this process stored itself (no need to read them back) */
  const storedHere = new Map<string, DeliverableReport>();
  /** queue entries that came from a database scan (and when), rather than from this process's own submit or retry */
  const scannedAt = new WeakMap<DeliveryDoc, number>();
  const retryTimers = new Set<NodeJS.Timeout>();
  /** The sweep for pending deliveries written without `due` (reportRepository, `dateUndatedDeliveries`). */
  let sweepTimer: NodeJS.Timeout | null = null;
  const sweepMs = opts.sweepMs ?? 10 * 60_000;
  const sweep = () =>
    opts.repo
      .dateUndatedDeliveries()
      .then((n) => {
        if (!n) return;
        opts.log.info('dated pending deliveries written without a due date', { deliveries: n });
        wake();
      })
      .catch((err) => opts.log.error('dating undated deliveries failed', { error: err }));

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

  const leaseKey = (d: DeliveryDoc, slot: number) => `${d._id}:${d.nextAttemptAt?.getTime() ?? 0}:${slot}`;

  /**
   * Claims a batch: a claim from the previous slot may still be delivering
   * (left its timeout), the rest are inserted in one insertMany — one write
   * transaction on FerretDB instead of one per report — and the duplicates
   * it reports are the claims another instance won.
   */
  async function claimMany(docs: DeliveryDoc[], now: number): Promise<Map<DeliveryDoc, string>> {
    if (!docs.length) return new Map();
    const slot = Math.floor(now / leaseMs);
    // The previous slot's claims in one read (an `_id` $in: indexed on MongoDB and, with patch 0003, on FerretDB).
    const previous = new Map<string, Date>();
    const rows = await DeliveryLease.find({ _id: { $in: docs.map((d) => leaseKey(d, slot - 1)) } }, { at: 1 }).lean<{ _id: string; at: Date }[]>();
    for (const r of rows) previous.set(r._id, r.at);
    const free = docs.filter((d) => {
      const at = previous.get(leaseKey(d, slot - 1));
      return !at || now - at.getTime() >= timeoutMs + 2000;
    });
    if (!free.length) return new Map();
    let lost = new Set<number>();
    try {
      await DeliveryLease.collection.insertMany(free.map((d) => ({ _id: leaseKey(d, slot), owner, at: new Date(now) })) as never[], { ordered: false });
    } catch (err) {
      lost = duplicateKeyIndexes(err);
    }
    return new Map(free.filter((_, i) => !lost.has(i)).map((d) => [d, leaseKey(d, slot)]));
  }

  async function deliverOne(claimed: DeliveryDoc, report: DeliverableReport | undefined, lease: string): Promise<void> {
    let delivery = claimed;
    const id = String(claimed._id);
    /** What the outcome's compare-and-set expects: the attempt claimed, still pending (see recordDelivery). */
    let claimedAttempt: { state: 'pending'; attempts?: number } = { state: 'pending', attempts: claimed.attempts };
    if (Date.now() - (scannedAt.get(claimed) ?? Infinity) > leaseMs / 2) {
      // Read a while ago by a scan: another instance may have delivered or rescheduled it since.
      // (A fresher read is covered by the claims: a delivery in the last slot blocks ours.)
      const fresh = await opts.repo.findDelivery(id);
      const same = fresh?.state === 'pending' && fresh.nextAttemptAt?.getTime() === claimed.nextAttemptAt?.getTime();
      if (!same) return;
      delivery = fresh;
      claimedAttempt = { state: 'pending', attempts: fresh.attempts };
    }
    if (!report) {
      if (Date.now() - delivery.createdAt.getTime() < ORPHAN_AFTER_MS) {
        // Its report is being stored right now (the outbox document goes first): let go of the claim,
        // so the submit's own enqueue, or the next scan, delivers it as soon as the report is there.
        await DeliveryLease.deleteOne({ _id: lease, owner });
        return;
      }
      if (await opts.repo.recordDelivery(id, claimedAttempt, { state: 'dead', lastError: 'report not stored (its submit never completed)' })) opts.log.warn('delivery without a report dead-lettered', { reportId: id });
      return;
    }
    const doc = report;
    const attempts = delivery.attempts ?? 0;
    const info = doc.category?.code ? await opts.categories.info(doc.category.code) : null;
    // A deadline already stored (a triage decision stores one) is the one the pipeline is told; otherwise the
    // same rule as the deadline stored at dispatch (reports/deadline.ts), so both sides agree even if a
    // category's hours are edited in between.
    const dueAt = doc.dueAt ?? deadlineFor(doc, info?.deadlineHours ?? null);
    const payload = buildPayload(doc, { department: info?.department ?? null, dueAt }, opts.signer, opts.publicBaseUrl);
    let externalId: string | null;
    try {
      ({ externalId } = await opts.connector.deliver(payload));
    } catch (err) {
      const message = err instanceof DeliveryError ? err.message : `unexpected: ${(err as Error).message}`;
      recordOutcome(false);
      const dead = attempts + 1 >= maxAttempts;
      const nextAttemptAt = new Date(Date.now() + backoffMs(attempts, base, cap));
      const recorded = await opts.repo.recordDelivery(id, claimedAttempt, { state: dead ? 'dead' : 'pending', attempts: attempts + 1, lastError: message, nextAttemptAt });
      // Not recorded: another instance took this delivery over meanwhile (its outcome stands); its retry is theirs.
      if (recorded && !dead && !stopped) {
        const retry = setTimeout(() => {
          retryTimers.delete(retry);
          // The report is read again when this is claimed: it may have changed meanwhile (triage).
          queue.set(id, { ...delivery, attempts: attempts + 1, nextAttemptAt, state: 'pending' });
          wake();
        }, nextAttemptAt.getTime() - Date.now());
        retry.unref();
        retryTimers.add(retry);
      }
      opts.log.warn(dead ? 'delivery dead-lettered' : 'delivery failed, will retry', { ticketNo: doc.ticketNo, attempt: attempts + 1, error: message });
      return;
    }
    recordOutcome(true);
    // On the hot path: no re-read; only the claim holder writes this, and the condition (the attempt claimed,
    // still pending) stays in the filter. Grouped with the batch's other outcomes (one command for many, each
    // learning its own result), on the small outbox document, not the report. If this write fails, the
    // delivery stays pending and goes again after its claim lapses, under the same idempotency key.
    const recorded = await opts.repo.recordDelivery(id, claimedAttempt, { state: 'delivered', attempts: attempts + 1, deliveredAt: new Date(), externalId, lastError: null, connector: opts.connector.name });
    if (!recorded) {
      // The outbox document moved on since the claim (another instance recorded this attempt, or a later one):
      // what it holds stands. Still pending, it is delivered again, under the same idempotency key.
      opts.log.warn('delivery outcome not recorded: the delivery changed since it was claimed', { ticketNo: doc.ticketNo });
      return;
    }
    if ((doc.effects ?? []).length) opts.onDelivered?.(id); // follow-ups were waiting for the ticket
  }

  /** Deliveries started and not yet recorded, by report id (a scan does not queue these again). */
  const inFlight = new Map<string, Promise<void>>();
  /**
   * Taken out of the queue for a batch's claim and not yet in flight (the claim and the report read are
   * under way): a scan meanwhile must not queue them again either. Before this set, a scan in that window
   * queued them for the next batch, whose claim then met this batch's lease on the same slot: a duplicate
   * key, which made the embedded database insert that batch's claims one by one (a third of the claims of a
   * drain, in the statement log).
   */
  const claiming = new Set<string>();
  /**
   * When this process last finished a delivery (its outcome written), by report id: a scan that started
   * before that read the document while it was still pending, a stale copy not to queue again. Pruned by
   * each scan.
   */
  const finishedAt = new Map<string, number>();
  let probeInFlight = false;
  let scanning: Promise<void> | null = null;

  /** Reads what is due from the database into the queue (the source of truth; see `queue`). */
  function scan(now: number, limit: number): Promise<void> {
    scanning ??= (async () => {
      try {
        lastScan = now;
        const startedAt = Date.now();
        const due = await opts.repo.dueDeliveries(new Date(now), { all: recovering, limit });
        for (const doc of due) {
          const id = String(doc._id);
          if (queue.has(id) || inFlight.has(id) || claiming.has(id) || (finishedAt.get(id) ?? -Infinity) >= startedAt) continue;
          scannedAt.set(doc, Date.now());
          queue.set(id, doc);
        }
        backlog = due.length >= limit;
        if (!backlog) recovering = false;
        // Only a scan that started before a delivery finished can hold a stale copy of it; scans run one at a time.
        for (const [id, at] of finishedAt) if (at < startedAt) finishedAt.delete(id);
      } finally {
        scanning = null;
      }
    })();
    return scanning;
  }

  /**
   * Claims what is due (queued here, or found by a scan) and starts delivering
   * it; answers with the started deliveries. Several batches may be in flight
   * at once (see `loop`): the next batch is scanned and claimed while the last
   * one's requests and writes are under way.
   */
  async function startBatch(forceScan: boolean): Promise<Promise<void>[]> {
    const now = Date.now();
    if (breakerOpen(now)) return [];
    // Half-open: while the breaker has tripped, a single delivery probes the pipeline.
    const probing = consecutiveFailures >= BREAKER_THRESHOLD;
    if (probing && probeInFlight) return [];
    const batch = opts.batchSize ?? 100;
    const dueNow = () => [...queue.values()].filter((d) => recovering || (d.nextAttemptAt?.getTime() ?? 0) <= now);
    // While a full batch is already waiting here, even the periodic scan can wait.
    if (forceScan || (dueNow().length < batch && (backlog || recovering || now - lastScan >= pollMs))) {
      // With a backlog, read a few batches per scan (each is an indexed read of pending reports, stopped at
      // the limit); a scan that reads far ahead leaves documents to go stale before their turn (see deliverOne).
      // The deliveries under way here (and those queued) are still pending in the database until their
      // outcome is written, and come back first: read past them. Without that, once `maxInFlight` were under
      // way a scan brought back only those, found nothing new, and ran again at every delivery's end.
      const known = inFlight.size + queue.size;
      const next = scan(now, known + (backlog || recovering ? batch * 3 : batch));
      // Something already due here goes now; the scan's finds go in the next batch.
      if (forceScan || !dueNow().length) await next;
      else next.catch((err) => opts.log.error('delivery scan failed', { error: err }));
    }
    const candidates = dueNow().slice(0, batch);
    // A probe (breaker half-open) is a single delivery.
    const wanted = probing ? candidates.slice(0, 1) : candidates;
    // Out of the queue now: the next batch (and a scan) must not pick them while this claim is under way.
    for (const doc of wanted) {
      queue.delete(String(doc._id));
      claiming.add(String(doc._id));
    }
    let won: Map<DeliveryDoc, string>;
    try {
      won = await claimMany(wanted, now); // the ones lost are someone else's; a scan brings them back if they fail
    } catch (err) {
      for (const doc of wanted) claiming.delete(String(doc._id));
      throw err;
    }
    for (const doc of wanted) {
      if (won.has(doc)) continue;
      storedHere.delete(String(doc._id));
      claiming.delete(String(doc._id));
    }
    // The reports: those this process stored are at hand, the others are read in one query.
    const reports = new Map<string, DeliverableReport>();
    const toRead: string[] = [];
    for (const doc of won.keys()) {
      const id = String(doc._id);
      const mine = storedHere.get(id);
      storedHere.delete(id);
      if (mine) reports.set(id, mine);
      else toRead.push(id);
    }
    try {
      for (const r of await opts.repo.reportsToDeliver(toRead)) reports.set(String(r._id), r);
    } catch (err) {
      // Claimed but not started: their claims lapse with the slot and a later scan brings them back.
      for (const doc of won.keys()) claiming.delete(String(doc._id));
      throw err;
    }
    const started: Promise<void>[] = [];
    for (const [doc, lease] of won) {
      const id = String(doc._id);
      claiming.delete(id);
      if (probing) probeInFlight = true;
      const delivery = deliverOne(doc, reports.get(id), lease)
        .catch((err) => {
          // The outcome could not be written: the report stays pending and is delivered again when its
          // claim lapses, under the same idempotency key.
          opts.log.error('recording a delivery outcome failed', { reportId: id, error: err });
        })
        .finally(() => {
          inFlight.delete(id);
          finishedAt.set(id, Date.now());
          if (probing) probeInFlight = false;
          wake();
        });
      inFlight.set(id, delivery);
      started.push(delivery);
    }
    return started;
  }

  /** One pass: claim what is due and deliver it, waiting for the outcomes. Returns how many were attempted. */
  async function tick(forceScan = true): Promise<number> {
    const started = await startBatch(forceScan);
    await Promise.all(started);
    return started.length;
  }

  /** deliveries in flight at once (requests to the pipeline and their outcome writes) */
  const maxInFlight = opts.maxInFlight ?? 300;
  const wakeUps = new Set<() => void>();
  function wake() {
    for (const w of wakeUps) w();
  }
  function sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeUps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUps.add(done);
    });
  }

  /**
   * Starts batches while fewer than `maxInFlight` deliveries are under way:
   * on a slow or busy machine every step waits (the database, the pipeline,
   * the CPU), and overlapping the steps of several batches is what keeps the
   * drain rate up; the group commit of outcomes turns the many writes that
   * finish together into one.
   */
  async function loop() {
    while (!stopped) {
      if (inFlight.size + (opts.batchSize ?? 100) > maxInFlight) {
        await sleep(1000); // woken when a delivery finishes
        continue;
      }
      try {
        running = startBatch(false);
        const started = await running;
        if (started.length > 0 || (queue.size > 0 && !breakerOpen(Date.now()) && !(probeInFlight && consecutiveFailures >= BREAKER_THRESHOLD))) continue;
      } catch (err) {
        opts.log.error('dispatcher pass failed', { error: err });
      } finally {
        running = null;
      }
      // Sleep until the next scan is due, the breaker half-opens, or something is queued or finishes.
      const untilScan = pollMs - (Date.now() - lastScan);
      const untilProbe = breakerOpen(Date.now()) ? pausedUntil - Date.now() : Infinity;
      await sleep(Math.max(10, Math.min(untilScan, untilProbe)));
    }
  }

  return {
    tick,
    /** Called right after a report (and its outbox document) is stored: deliver it now rather than at the next scan. */
    enqueue(doc: ReportDoc, delivery: DeliveryDoc) {
      if (stopped) return;
      const id = String(doc._id);
      storedHere.set(id, doc);
      queue.set(id, delivery);
      wake();
    },
    start() {
      if (!stopped) return;
      stopped = false;
      // Reports stored by a build before the outbox collection: their pending or dead deliveries move there
      // first. A one-time migration: after its first complete pass a start reads one marker, no scan.
      void opts.repo
        .moveLegacyDeliveriesOnce()
        .then((n) => n && opts.log.info('moved legacy deliveries to the outbox', { reports: n }))
        .catch((err) => opts.log.error('moving legacy deliveries failed', { error: err }))
        // Outbox documents of an older build (no `due`) are dated before the first scan, and again every
        // `sweepMs` while an instance of that build may still be writing them (an upgrade in progress).
        .then(sweep)
        .finally(() => {
          if (stopped) return;
          sweepTimer = setInterval(() => void sweep(), sweepMs);
          sweepTimer.unref();
          void loop();
        });
    },
    async stop() {
      stopped = true;
      for (const r of retryTimers) clearTimeout(r);
      retryTimers.clear();
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
      wake();
      await running?.catch(() => {});
      // Deliveries under way finish and record their outcomes (each is bounded by the request timeout).
      await Promise.allSettled([...inFlight.values()]);
    },
    /** Admin: put a dead-lettered delivery back in the queue. */
    async retry(reportId: string): Promise<boolean> {
      if (!mongoose.isValidObjectId(reportId)) return false;
      return opts.repo.rescheduleDelivery(reportId, 'dead', { state: 'pending', nextAttemptAt: new Date() });
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
