import mongoose from 'mongoose';
import { OPEN_STATUSES, type ReportStatus } from '@ssp/shared';
import { createGroupInsert } from '../db/groupInsert';
import { createGroupCompareAndSet } from '../db/groupCompareAndSet';
import { insertUnlessTaken } from '../db/errors';
import { compareAndSet, type Expected } from '../db/singleDocument';
import type { ReportEffect } from './effects';
import { DeliveryOutbox, Migration, Report, SubmitKey, type DeliveryDoc, type ReportDoc } from './reportModel';
export { newReportId } from './reportModel';

export type { DeliveryDoc, ReportDoc };
export type { Expected };

/** One step in a report's history, as residents and staff see it. */
export interface TimelineEntry {
  at: Date;
  status: ReportStatus;
  actor: string;
  message: string;
  mediaIds?: string[];
}

/**
 * What one write does to one report. A status change, its timeline entry and
 * what must follow it (`effects`) travel together in a single-document
 * update, so no reader ever sees one without the others.
 */
export interface ReportChange {
  set?: Record<string, unknown>;
  unset?: string[];
  timeline?: TimelineEntry;
  effects?: ReportEffect[];
  /** photos added to the report (a resident's 补充) */
  addMedia?: string[];
}

/**
 * `stored`: a new report and its outbox document. `changed`: any successful write to a stored report
 * (insight keeps its rollups from these; a delivery outcome is not one: it changes nothing they count).
 */
export type ReportListener = { stored: (doc: ReportDoc, delivery: DeliveryDoc) => void; effects: (reportId: string) => void; changed: (reportId: string) => void };

/** The marker of the one-time move of deliveries kept inside reports into the outbox collection (see `moveLegacyDeliveriesOnce`). */
export const LEGACY_DELIVERIES_MOVED = 'reports.legacy-deliveries-moved';

/** The marker of the one-time dating of `effectsPending: true` flags (see `datePendingEffectsOnce`). */
export const PENDING_EFFECTS_DATED = 'reports.effects-pending-dated';

/** Reports with effects pending: a date range (see reportModel's `effectsPending`); no flag is dated before 1970. */
export const EFFECTS_PENDING = { effectsPending: { $gte: new Date(0) } };

/** What the dispatcher reads of a report to deliver it (the payload, the deadline's start, whether effects wait). */
const DELIVERY_FIELDS = {
  ticketNo: 1, kind: 1, category: 1, urgent: 1, urgency: 1, district: 1, location: 1, point: 1, description: 1, contactPhone: 1,
  answers: 1, zone: 1, mediaIds: 1, createdAt: 1, dueAt: 1, 'timeline.at': 1, 'timeline.status': 1, 'effects.id': 1,
} as const;
export type DeliverableReport = Pick<ReportDoc, '_id' | keyof typeof DELIVERY_FIELDS & keyof ReportDoc> & {
  timeline?: { at: Date; status: ReportStatus }[];
  effects?: { id: string }[];
};

/** Pending deliveries: a date range on the outbox's `due` index (see reportModel's `due`); no delivery is due before 1970. */
const DELIVERY_PENDING = { due: { $gte: new Date(0) } };

/**
 * Deliveries in a state other than delivered, read through the `deliveredAt` index's null entries (see
 * reportModel): `deliveredAt: null` adds no condition (it is null in every such state) and bounds the read by
 * the pending and dead deliveries instead of the outbox.
 */
export const undelivered = <T extends Record<string, unknown>>(filter: T) => ({ ...filter, deliveredAt: null });

/** The sweep's filter: pending deliveries written without `due` (by a build before it). */
export const UNDATED_PENDING = undelivered({ state: 'pending', due: null });

/**
 * An outcome's update of an outbox document: `due` follows `nextAttemptAt` while the delivery stays (or
 * becomes) pending, and goes with the outcome that ends it (delivered, dead).
 */
function outboxUpdate(set: Partial<Omit<DeliveryDoc, '_id' | 'createdAt'>>): mongoose.UpdateQuery<unknown> {
  if (set.state && set.state !== 'pending') return { $set: set, $unset: { due: 1 } };
  if (set.state === 'pending' || set.nextAttemptAt) return { $set: { ...set, due: set.nextAttemptAt ?? new Date() } };
  return { $set: set };
}

/** An index as the models declare it: its keys and options (only `unique` matters to a copy of it). */
export type DeclaredIndex = [Record<string, 1 | -1>, { unique?: boolean }];

/**
 * The indexes reportModel.ts declares on the reports and on the delivery outbox. For bench:data, which seeds
 * a million reports with the driver in bulk (not through the repository) and must build exactly the indexes
 * the application does, without importing the model itself (only this module may).
 */
export function declaredIndexes(): { reports: DeclaredIndex[]; deliveries: DeclaredIndex[] } {
  return { reports: Report.schema.indexes() as DeclaredIndex[], deliveries: DeliveryOutbox.schema.indexes() as DeclaredIndex[] };
}

/** Statuses in which the deadline monitor watches the deadline. */
const WATCHED_FOR_DEADLINE: ReportStatus[] = ['dispatched', 'in_progress', 'returned', 'reopened'];

/** What insight's rollups read of a report (not the texts, photos or outboxes). */
const INSIGHT_FIELDS = { createdAt: 1, updatedAt: 1, kind: 1, status: 1, urgent: 1, category: 1, district: 1, point: 1, 'timeline.at': 1, 'timeline.status': 1, overdueAt: 1, 'rating.value': 1, zone: 1 };

function toUpdate(change: ReportChange): mongoose.UpdateQuery<unknown> {
  const update: Record<string, Record<string, unknown>> = {};
  const set = { ...(change.set ?? {}) };
  const push: Record<string, unknown> = {};
  if (change.timeline) push.timeline = change.timeline;
  if (change.effects?.length) {
    push.effects = { $each: change.effects };
    // What the effects worker's scan looks for (indexed, a date: see reportModel); removed when the outbox is empty again.
    set.effectsPending = new Date();
  }
  if (change.addMedia?.length) push.mediaIds = { $each: change.addMedia.map((m) => new mongoose.Types.ObjectId(m)) };
  if (Object.keys(set).length) update.$set = set;
  if (Object.keys(push).length) update.$push = push;
  if (change.unset?.length) update.$unset = Object.fromEntries(change.unset.map((k) => [k, 1]));
  return update;
}

/**
 * The only module that reads or writes the `reports` collection (a lint rule
 * forbids importing the model anywhere else).
 *
 * Reads are typed and named for what their callers need. Writes are
 * single-document compare-and-sets (`update`): the caller says in which
 * state it expects the report (`{ status: 'accepted' }`), and the change
 * applies only if the report is still in it — so two staff members, a
 * resident and the pipeline acting at once cannot overwrite one another.
 * Whoever loses re-reads and decides again.
 *
 * Listeners hear of new reports (`stored`) and of new effects (`effects`),
 * so the pipeline and notifications react to reports without the reports
 * domain knowing about them.
 */
export function createReportRepository() {
  const listeners: { [K in keyof ReportListener]: ReportListener[K][] } = { stored: [], effects: [], changed: [] };
  // Submits under load share their writes: one insertMany per group instead of one insert each.
  const durable = { w: 'majority' as const, j: true };
  const reportInserts = createGroupInsert(() => Report.db.db!, Report.collection.collectionName, { writeConcern: durable });
  // The delivery outbox (reportModel.ts, DeliveryOutbox): its document goes in before the report, grouped
  // the same way; outcomes are group-committed on these small documents, never on the report: the outcomes
  // that arrive while one command is in flight go as ONE `update` command (one SQLite transaction on the
  // embedded database), each statement a compare-and-set whose own result comes back (db/groupCompareAndSet.ts,
  // FerretDB patch 0013), straight to the driver: the values are built with their final types here, and
  // mongoose's casting of each statement was 5 % of the server's CPU in the drain (docs/ARCHITECTURE.md,
  // "Speed of the delivery path, sixth pass").
  const outboxInserts = createGroupInsert(() => DeliveryOutbox.db.db!, DeliveryOutbox.collection.collectionName, { writeConcern: durable });
  const outcomeWrites = createGroupCompareAndSet(() => DeliveryOutbox.db.db!, DeliveryOutbox.collection.collectionName, { writeConcern: durable });
  const emit = <K extends keyof ReportListener>(kind: K, ...args: Parameters<ReportListener[K]>) => {
    for (const fn of listeners[kind]) (fn as (...a: typeof args) => void)(...args);
  };

  /**
   * What residents' and staff's views read as the report's `delivery`: its outbox document, or for a
   * report stored before the outbox existed (and delivered then), what the report itself kept.
   */
  function merged(doc: ReportDoc, outbox: DeliveryDoc | null | undefined): ReportDoc {
    if (outbox) {
      const { _id: _ignored, createdAt: _filed, due: _due, ...delivery } = outbox;
      return { ...doc, delivery } as ReportDoc;
    }
    return doc.delivery?.state === 'outbox' ? ({ ...doc, delivery: undefined } as unknown as ReportDoc) : doc;
  }
  async function withDelivery(doc: ReportDoc | null): Promise<ReportDoc | null> {
    if (!doc) return null;
    return merged(doc, await DeliveryOutbox.findById(doc._id).lean<DeliveryDoc>().exec());
  }
  async function withDeliveries(docs: ReportDoc[]): Promise<ReportDoc[]> {
    if (!docs.length) return docs;
    const rows = await DeliveryOutbox.find({ _id: { $in: docs.map((d) => String(d._id)) } }).lean<DeliveryDoc[]>().exec();
    const byId = new Map(rows.map((r) => [r._id, r]));
    return docs.map((d) => merged(d, byId.get(String(d._id))));
  }

  return {
    on<K extends keyof ReportListener>(kind: K, fn: ReportListener[K]): void {
      listeners[kind].push(fn);
    },

    // ---- reads ----

    /** One report, with its delivery state (see `merged`). */
    async findById(id: string): Promise<ReportDoc | null> {
      return withDelivery(await Report.findById(id).lean<ReportDoc>().exec());
    },

    /** Several reports by id, in the order asked (missing ones left out). */
    async findByIds(ids: string[]): Promise<ReportDoc[]> {
      // One `_id` lookup each: our FerretDB build answers `_id` equality from its index, not `$in`.
      const docs = await Promise.all(ids.map((id) => Report.findById(id).lean<ReportDoc>().exec()));
      return withDeliveries(docs.filter((d): d is ReportDoc => Boolean(d)));
    },

    /** The report a resident stored under this Idempotency-Key (unique index; an indexed lookup on MongoDB and our FerretDB build). */
    findBySubmitKey(citizenId: string, idempotencyKey: string): Promise<ReportDoc | null> {
      return Report.findOne({ citizenId: new mongoose.Types.ObjectId(citizenId), idempotencyKey }).lean<ReportDoc>().exec();
    },

    /**
     * 诉求检索: a page of reports matching `filter` (built by reportSearch.ts), only `fields`, newest
     * (`-1`) or oldest first by filing time, ties broken by id (ids are random, see newReportId).
     */
    searchPage(filter: Record<string, unknown>, fields: Record<string, 1>, direction: 1 | -1, limit: number): Promise<ReportDoc[]> {
      return Report.find(filter, fields).sort({ createdAt: direction, _id: direction }).limit(limit).lean<ReportDoc[]>().exec();
    },

    /** The same search as a stream (exports): documents arrive in batches, never all in memory. */
    searchStream(filter: Record<string, unknown>, fields: Record<string, 1>, direction: 1 | -1, limit: number, batchSize = 1000): AsyncIterable<ReportDoc> {
      return Report.find(filter, fields).sort({ createdAt: direction, _id: direction }).limit(limit).batchSize(batchSize).lean<ReportDoc[]>().cursor() as unknown as AsyncIterable<ReportDoc>;
    },

    async findByTicketNo(ticketNo: string): Promise<ReportDoc | null> {
      return withDelivery(await Report.findOne({ ticketNo }).lean<ReportDoc>().exec());
    },

    /** The report the pipeline knows under this id (Open311's service_request_id). */
    async findByExternalId(externalId: string): Promise<ReportDoc | null> {
      const outbox = await DeliveryOutbox.findOne({ externalId }).lean<DeliveryDoc>().exec();
      if (outbox) return merged((await Report.findById(outbox._id).lean<ReportDoc>().exec())!, outbox);
      // Delivered before the outbox collection existed: the report kept the id.
      return Report.findOne({ 'delivery.externalId': externalId }).lean<ReportDoc>().exec();
    },

    /** 我的诉求: newest first by createdAt, ties by `_id` (ids are random, they do not sort by time); paged after (at, id). */
    listByCitizen(citizenId: string, before: { at: Date; id: string } | undefined, limit: number): Promise<ReportDoc[]> {
      const filter: Record<string, unknown> = { citizenId };
      if (before) filter.$or = [{ createdAt: { $lt: before.at } }, { createdAt: before.at, _id: { $lt: before.id } }];
      return Report.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<ReportDoc[]>().exec();
    },


    /** Which of these media ids some report uses: its photos, or photos of a timeline step (a 补充, a staff reply). */
    async mediaInUse(ids: string[]): Promise<Set<string>> {
      const oids = ids.map((id) => new mongoose.Types.ObjectId(id));
      const rows = await Report.find({ $or: [{ mediaIds: { $in: oids } }, { 'timeline.mediaIds': { $in: oids } }] }, { mediaIds: 1, 'timeline.mediaIds': 1 }).lean<ReportDoc[]>();
      const out = new Set<string>();
      for (const r of rows) {
        for (const m of r.mediaIds ?? []) out.add(String(m));
        for (const t of r.timeline ?? []) for (const m of (t as { mediaIds?: unknown[] }).mediaIds ?? []) out.add(String(m));
      }
      return out;
    },

    /** Reports waiting for a person to choose their category, oldest first. */
    pendingTriage(limit: number): Promise<ReportDoc[]> {
      return Report.find({ 'triage.state': 'pending' }).sort({ createdAt: 1 }).limit(limit).lean<ReportDoc[]>().exec();
    },

    /** The staff console's list: newest first. */
    listForStaff(statuses: string[], overdueOnly: boolean, limit: number, opts: { zoneId?: string } = {}): Promise<ReportDoc[]> {
      const filter: Record<string, unknown> = { status: { $in: statuses } };
      if (overdueOnly) filter.overdueAt = { $ne: null };
      if (opts.zoneId) filter['zone.id'] = opts.zoneId;
      return Report.find(filter).sort({ createdAt: -1 }).limit(limit).lean<ReportDoc[]>().exec();
    },

    /** Deliveries in one state (the console's dead-letter and pending lists), oldest first. */
    async listByDeliveryState(state: 'pending' | 'dead', limit: number): Promise<ReportDoc[]> {
      // The first `limit` in index order (`deliveredAt`'s nulls for dead letters, `due` for pending ones: see
      // dueDeliveries), shown oldest filed first: not sorting the whole state in the database keeps a large
      // backlog's list cheap on FerretDB.
      const rows = await DeliveryOutbox.find(state === 'pending' ? DELIVERY_PENDING : undelivered({ state })).limit(limit).lean<DeliveryDoc[]>().exec();
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const reports = new Map((await Report.find({ _id: { $in: rows.map((r) => r._id) } }).lean<ReportDoc[]>().exec()).map((d) => [String(d._id), d]));
      return rows.filter((r) => reports.has(r._id)).map((r) => merged(reports.get(r._id)!, r));
    },

    /** Pending deliveries due by `now` (or all pending ones, when a recovered pipeline takes the backlog at once): small outbox documents. */
    dueDeliveries(now: Date, opts: { all: boolean; limit: number }): Promise<DeliveryDoc[]> {
      // A range on `due` (present only while pending): on the embedded database the equality on `state` read
      // the whole outbox (reportModel, `due`). No sort: MongoDB walks the `due` index in order anyway, and
      // FerretDB can then stop at the limit instead of reading and sorting every pending delivery.
      const filter = opts.all ? DELIVERY_PENDING : { due: { $gte: new Date(0), $lte: now } };
      return DeliveryOutbox.find(filter).limit(opts.limit).lean<DeliveryDoc[]>().exec();
    },

    /** One outbox document (the dispatcher re-reads one it scanned a while ago). */
    findDelivery(id: string): Promise<DeliveryDoc | null> {
      return DeliveryOutbox.findById(id).lean<DeliveryDoc>().exec();
    },

    /**
     * The reports to deliver, as stored, with only what a delivery reads (`DELIVERY_FIELDS`: one `_id` $in
     * read for a batch; the dispatcher has their outbox documents). Not the timeline's texts, the
     * classification or the effects' contents: a third of the bytes to encode, send and decode per report.
     */
    reportsToDeliver(ids: string[]): Promise<DeliverableReport[]> {
      if (!ids.length) return Promise.resolve([]);
      return Report.find({ _id: { $in: ids } }, DELIVERY_FIELDS).lean<DeliverableReport[]>().exec();
    },

    /**
     * Reports stored before the outbox collection whose delivery is still pending or dead: each gets its
     * outbox document (unless one exists), then is marked `outbox`. Idempotent, safe on several instances
     * at once. Answers how many moved. A full pass: `delivery.state` has no index (no build writes it any
     * more), so this reads the whole collection; the dispatcher calls `moveLegacyDeliveriesOnce` instead.
     */
    async moveLegacyDeliveries(): Promise<number> {
      let moved = 0;
      for (;;) {
        const rows = await Report.find({ 'delivery.state': { $in: ['pending', 'dead'] } }, { delivery: 1, createdAt: 1 }).limit(500).lean<ReportDoc[]>().exec();
        if (!rows.length) return moved;
        for (const r of rows) {
          const d = r.delivery!;
          const nextAttemptAt = d.nextAttemptAt ?? new Date();
          const outbox: DeliveryDoc = { _id: String(r._id), state: d.state as 'pending' | 'dead', attempts: d.attempts ?? 0, nextAttemptAt, lastError: d.lastError ?? null, deliveredAt: null, externalId: d.externalId ?? null, connector: d.connector ?? null, createdAt: r.createdAt, ...(d.state === 'pending' ? { due: nextAttemptAt } : {}) };
          await insertUnlessTaken(() => DeliveryOutbox.collection.insertOne(outbox as never));
          if (await compareAndSet(Report, String(r._id), { 'delivery.state': d.state! }, { $set: { 'delivery.state': 'outbox' } })) moved++;
        }
      }
    },

    /**
     * `moveLegacyDeliveries` as a one-time migration (the dispatcher runs it at every start): once a
     * pass has ended on a query that found nothing left, a marker document says so, and later starts
     * read that one document by `_id` instead of scanning every report. Sound because no build since
     * the outbox collection writes `delivery.state` on a report, so nothing can become legacy after the
     * pass. (A build older than the outbox, still running beside this one during an upgrade, could; an
     * explicit `moveLegacyDeliveries()` moves what it left.) Answers how many moved, or null when the
     * marker was there (no scan).
     */
    async moveLegacyDeliveriesOnce(): Promise<number | null> {
      if (await Migration.exists({ _id: LEGACY_DELIVERIES_MOVED })) return null;
      const moved = await this.moveLegacyDeliveries();
      await insertUnlessTaken(() => Migration.collection.insertOne({ _id: LEGACY_DELIVERIES_MOVED, at: new Date() } as never));
      return moved;
    },

    /**
     * Records a delivery outcome on the report's outbox document, a compare-and-set on what the dispatcher
     * claimed (`expected`: the state, and the attempt, so that an outcome of an attempt another instance has
     * since taken over does not overwrite that instance's). Concurrent calls share one command (see
     * `outcomeWrites`); answers whether THIS outcome was applied. Not applied: the document is as the other
     * writer left it (still pending, it is delivered again, under the same idempotency key).
     */
    async recordDelivery(id: string, expected: DeliveryDoc['state'] | { state: DeliveryDoc['state']; attempts?: number }, set: Partial<Omit<DeliveryDoc, '_id' | 'createdAt' | 'due'>>): Promise<boolean> {
      const { state, attempts } = typeof expected === 'string' ? { state: expected, attempts: undefined } : expected;
      const filter = { _id: id, state, ...(attempts === undefined ? {} : { attempts }) };
      return outcomeWrites.apply(id, filter, outboxUpdate(set) as Record<string, unknown>);
    },

    /** `recordDelivery` for one caller that must know whether it applied (an admin's retry of a dead letter). */
    async rescheduleDelivery(id: string, expected: DeliveryDoc['state'], set: Partial<Omit<DeliveryDoc, '_id' | 'createdAt' | 'due'>>): Promise<boolean> {
      return compareAndSet(DeliveryOutbox, id, { state: expected }, outboxUpdate(set));
    },

    /**
     * Pending outbox documents without `due` (written by a build before it, e.g. an instance still running
     * the old build during an upgrade) get it, so the dispatcher's scan finds them: a compare-and-set on
     * "still pending and undated", so an outcome written meanwhile stands. The dispatcher runs this at start
     * and every few minutes. Its query reads the deliveries not delivered (`UNDATED_PENDING`, the
     * `deliveredAt` index), not the whole outbox. Answers how many were dated.
     */
    async dateUndatedDeliveries(): Promise<number> {
      let dated = 0;
      for (;;) {
        const rows = await DeliveryOutbox.find(UNDATED_PENDING, { nextAttemptAt: 1 }).limit(500).lean<DeliveryDoc[]>().exec();
        if (!rows.length) return dated;
        let progress = 0;
        for (const r of rows) if (await compareAndSet(DeliveryOutbox, r._id, { state: 'pending', due: null }, { $set: { due: r.nextAttemptAt ?? new Date() } })) progress++;
        dated += progress;
        if (!progress) return dated; // every one changed under us: the next sweep looks again
      }
    },

    /** An outbox document whose report never arrived (its process died between the two inserts): removed while still pending. */
    async dropOrphanDelivery(id: string): Promise<void> {
      if (await Report.exists({ _id: id })) return;
      await DeliveryOutbox.deleteOne({ _id: id, state: 'pending' });
    },

    /**
     * Ids of reports whose effects outbox is not empty. A date range on the `effectsPending` index: on
     * FerretDB it reads the reports with effects pending and no others (the equality `true` it replaces
     * was planned as a scan of every report, see reportModel).
     */
    async idsWithPendingEffects(limit: number): Promise<string[]> {
      const rows = await Report.find(EFFECTS_PENDING, { _id: 1 }).limit(limit).lean<{ _id: string }[]>();
      return rows.map((r) => r._id);
    },

    /**
     * One-time migration (marker as in `moveLegacyDeliveriesOnce`): reports flagged `effectsPending: true`
     * by a build before the flag became a date get a date, so the worker's range scan finds them. The
     * `true` lookup reads every report, once; a pass that completes writes the marker. Each flag is
     * replaced by a compare-and-set on `true`, so a flag removed meanwhile (effects done) stays removed.
     * Answers how many were dated, or null when the marker was there (no scan).
     */
    async datePendingEffectsOnce(): Promise<number | null> {
      if (await Migration.exists({ _id: PENDING_EFFECTS_DATED })) return null;
      // On the driver's collection: mongoose would cast `true` to the schema's Date and fail. The update keeps
      // `updatedAt` as it is: this changes how the flag is stored, nothing a reader of the report sees.
      const rows = await Report.collection.find({ effectsPending: true }, { projection: { _id: 1 } }).toArray();
      let dated = 0;
      for (const r of rows) if ((await Report.collection.updateOne({ _id: r._id, effectsPending: true }, { $set: { effectsPending: new Date() } })).modifiedCount) dated++;
      await insertUnlessTaken(() => Migration.collection.insertOne({ _id: PENDING_EFFECTS_DATED, at: new Date() } as never));
      return dated;
    },

    /** Open tickets past their deadline and not yet escalated. */
    overdue(now: Date): Promise<Pick<ReportDoc, '_id' | 'status' | 'dueAt'>[]> {
      return Report.find({ status: { $in: WATCHED_FOR_DEADLINE }, dueAt: { $lt: now }, overdueAt: null }, { _id: 1, status: 1, dueAt: 1 })
        .lean<Pick<ReportDoc, '_id' | 'status' | 'dueAt'>[]>()
        .exec();
    },

    /** Ids of tickets resolved before `before` and still waiting for the resident. */
    async idsResolvedBefore(before: Date): Promise<string[]> {
      const rows = await Report.find({ status: 'resolved', resolvedAt: { $lt: before } }, { _id: 1 }).lean<{ _id: string }[]>();
      return rows.map((r) => r._id);
    },

    /** Recent reports with a category: where and what (随申拍's nearby chips). */
    recentCategorised(since: Date, limit: number): Promise<Pick<ReportDoc, '_id' | 'point' | 'category'>[]> {
      return Report.find({ createdAt: { $gte: since }, category: { $ne: null } }, { point: 1, category: 1 })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<Pick<ReportDoc, '_id' | 'point' | 'category'>[]>()
        .exec();
    },

    /** Recent tickets in these statuses inside a lat/lng box, newest first (附近已有人反映). */
    recentInBox(q: { since: Date; statuses: readonly string[]; lat: [number, number]; lng: [number, number]; limit: number }): Promise<ReportDoc[]> {
      return Report.find({
        createdAt: { $gte: q.since },
        status: { $in: q.statuses },
        'point.lat': { $gte: q.lat[0], $lte: q.lat[1] },
        'point.lng': { $gte: q.lng[0], $lte: q.lng[1] },
      })
        .sort({ createdAt: -1 })
        .limit(q.limit)
        .lean<ReportDoc[]>()
        .exec();
    },

    /** Texts with the category staff confirmed or corrected: the classifier's training data from real reports. */
    async reviewedExamples(): Promise<{ text: string; label: string }[]> {
      const rows = await Report.find({ 'triage.state': { $in: ['confirmed', 'corrected'] }, description: { $ne: '' } }, { description: 1, 'category.code': 1 }).lean<
        Pick<ReportDoc, 'description' | 'category'>[]
      >();
      return rows.filter((r) => r.category?.code).map((r) => ({ text: r.description ?? '', label: r.category!.code! }));
    },

    /** Staff category decisions since `since`. */
    reviewsSince(since: Date): Promise<number> {
      return Report.countDocuments({ 'triage.state': { $in: ['confirmed', 'corrected'] }, 'triage.resolvedAt': { $gt: since } }).exec();
    },

    /** Backlog sizes for the metrics gauges (indexed fields; the caller caches, see metrics/metrics.ts). */
    async countBacklogs(): Promise<{ deliveryPending: number; deliveryDead: number; effectsPending: number }> {
      const [deliveryPending, deliveryDead, effectsPending] = await Promise.all([
        DeliveryOutbox.countDocuments(DELIVERY_PENDING).exec(),
        DeliveryOutbox.countDocuments(undelivered({ state: 'dead' })).exec(),
        Report.countDocuments(EFFECTS_PENDING).exec(),
      ]);
      return { deliveryPending, deliveryDead, effectsPending };
    },

    /**
     * 分类管理's figures: reports per filed category among those matching
     * `match`, in one aggregation (the status and createdAt indexes serve the
     * match on MongoDB), never one query per category.
     */
    async countByCategory(match: { open: true } | { since: Date }): Promise<Map<string, number>> {
      const filter = 'open' in match ? { status: { $in: [...OPEN_STATUSES] } } : { createdAt: { $gte: match.since } };
      const rows = await Report.aggregate<{ _id: string | null; n: number }>([{ $match: filter }, { $group: { _id: '$category.code', n: { $sum: 1 } } }]).exec();
      return new Map(rows.filter((r) => r._id).map((r) => [r._id!, r.n]));
    },

    /** The newest reports that have text, newest first (分类管理's keyword check re-classifies them). */
    async recentWithText(limit: number): Promise<{ id: string; ticketNo: string; description: string; category: { code: string } | null }[]> {
      const rows = await Report.find({ description: { $nin: ['', null] } }, { ticketNo: 1, description: 1, 'category.code': 1 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<Pick<ReportDoc, '_id' | 'ticketNo' | 'description' | 'category'>[]>()
        .exec();
      return rows.map((r) => ({ id: String(r._id), ticketNo: r.ticketNo, description: r.description ?? '', category: r.category?.code ? { code: r.category.code } : null }));
    },

    /** Reports filed under, or chosen by the resident as, this category. */
    countUsingCategory(code: string): Promise<number> {
      return Report.countDocuments({ $or: [{ 'category.code': code }, { 'citizenCategory.code': code }] }).exec();
    },

    /**
     * Reports written at or after `since` (and at or before `upTo`, when given), newest change first: insight's
     * catch-up scan reads time windows this way. Newest first because the embedded database streams a
     * descending sort on an indexed date (FerretDB patch 0004, the range on top by 0007): it walks the
     * `updatedAt` index and stops after the limit. It does not stream an ascending one, so the former
     * "oldest first, limit" read and sorted every report since `since` for each page, a catch-up of n reports
     * costing n²/(2 × page) decoded reports (the drain bench's 3,000: ~22,000).
     */
    changedSince(since: Date, limit: number, upTo: Date | null = null): Promise<ReportDoc[]> {
      return Report.find({ updatedAt: { $gte: since, ...(upTo ? { $lte: upTo } : {}) } }, INSIGHT_FIELDS).sort({ updatedAt: -1 }).limit(limit).lean<ReportDoc[]>().exec();
    },

    /**
     * Every report, once, as pages handed to `onPage` (insight's rebuild). The reports are read as
     * disjoint `createdAt` slices (`sliceDays` wide), `parallel` cursors at a time, each slice an
     * index range on `{createdAt: -1, status: 1}` (FerretDB patch 0004 bounds the SQL read by it, so
     * slices do not each scan the table). Why slices and not one cursor: FerretDB decodes and
     * projects each document on the goroutine of the connection that asked, so one cursor keeps
     * one core busy while the other waits; several keep both busy, and overlap with `onPage`.
     * The slices cover every `createdAt` (the first slice is open above, the last open below); every
     * report has a `createdAt` (schema timestamps).
     * A worker awaits its `onPage` before reading on, so at most `parallel` pages are in hand.
     */
    async forEachPage(onPage: (page: ReportDoc[]) => Promise<void>, opts: { batchSize?: number; parallel?: number; sliceDays?: number; horizonDays?: number } = {}): Promise<void> {
      const batchSize = opts.batchSize ?? 5000;
      const parallel = opts.parallel ?? 3;
      const sliceMs = (opts.sliceDays ?? 14) * 86_400_000;
      // The newest report: a streamed descending sort on the index (patch 0004), one row read.
      const newest = await Report.collection.findOne({}, { projection: { createdAt: 1 }, sort: { createdAt: -1 } });
      if (!newest) return;
      // Slices back from the newest for `horizonDays`, then one open below for anything older. Not probed
      // for the oldest: a probe `createdAt < x` (sorted or not) made SQLite gather and order every older
      // row's id, ~1 minute a probe at a million; an empty slice costs ~10 ms.
      const newestMs = new Date(newest.createdAt as Date).getTime() + 1;
      const count = Math.ceil(((opts.horizonDays ?? 5 * 365) * 86_400_000) / sliceMs);
      const slices: Record<string, Date>[] = [];
      for (let i = 0; i < count; i++) {
        const lower = new Date(newestMs - (i + 1) * sliceMs);
        slices.push(i === 0 ? { $gte: lower } : { $gte: lower, $lt: new Date(newestMs - i * sliceMs) });
      }
      slices.push({ $lt: new Date(newestMs - count * sliceMs) });
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(parallel, slices.length) }, async () => {
          while (next < slices.length) {
            const range = slices[next++];
            const filter = Object.keys(range).length ? { createdAt: range } : {};
            const cursor = Report.collection.find(filter, { projection: INSIGHT_FIELDS, batchSize });
            let page: ReportDoc[] = [];
            for await (const doc of cursor) {
              page.push(doc as unknown as ReportDoc);
              if (page.length >= batchSize) {
                await onPage(page);
                page = [];
              }
            }
            if (page.length) await onPage(page);
          }
        }),
      );
    },

    /**
     * The highest ticket number issued with this prefix (one day's numbers), or null. A number of a
     * day is only given to a report created that day (a submit's one `now` makes both), so this reads
     * the day's reports by `createdAt`, an index range FerretDB bounds (patch 0004), and picks the
     * highest here. A range or sort on `ticketNo` alone is a string range, which FerretDB answers by
     * decoding every report: minutes at a million, and the first submit of each day waited for it
     * (the submit that hung > 300 s in bench:insight at 200k).
     */
    async highestTicketNo(prefix: string, end: string, createdFrom: Date, createdTo: Date): Promise<string | null> {
      const rows = await Report.collection
        .find({ createdAt: { $gte: createdFrom, $lt: createdTo }, ticketNo: { $gte: prefix, $lt: end } }, { projection: { ticketNo: 1 } })
        .toArray();
      let highest: string | null = null;
      for (const r of rows) if (highest === null || (r.ticketNo as string) > highest) highest = r.ticketNo as string;
      return highest;
    },

    // ---- writes ----

    /**
     * Stores a new report: the single insert that acknowledges it. Throws the
     * database's duplicate-key error when the id, the (resident, key) pair or
     * the ticket number is taken (see isDuplicateKey).
     */
    /**
     * Stores a new report and its outbox document. `admitted`, when given, is awaited between the two:
     * the submit's rate-limit answer, asked at the same time as the outbox write (reportRoutes.ts), so a
     * refused submit stores no report and its outbox document goes as after a failed insert.
     */
    async insert(doc: ReportDoc, admitted?: Promise<unknown>): Promise<void> {
      // The outbox document first, then the report: once the report is stored (and acknowledged) its
      // delivery is already durable, whenever the process dies. The reverse order could leave an
      // acknowledged report that no dispatcher knows of. An outbox document whose report did not follow
      // is removed here if the insert failed (a retried submit, a taken ticket number, a refused quota), or
      // by the dispatcher once it is old if the process died in between.
      const outbox: DeliveryDoc = { _id: String(doc._id), state: 'pending', attempts: 0, nextAttemptAt: doc.createdAt, lastError: null, deliveredAt: null, externalId: null, connector: null, createdAt: doc.createdAt, due: doc.createdAt };
      await outboxInserts.insert(outbox);
      try {
        if (admitted) await admitted;
        // Built with its final types by the caller, so it goes straight to the driver: running it through a
        // mongoose document doubled the CPU of a submit. A test checks that stored reports validate.
        await reportInserts.insert(doc);
      } catch (err) {
        await DeliveryOutbox.deleteOne({ _id: outbox._id, state: 'pending', attempts: 0 }).catch(() => {});
        throw err;
      }
      emit('stored', doc, outbox);
    },

    /**
     * The one write: applies `change` only while the report still matches
     * `expected` (dotted paths → values; `{}` for a change that holds in any
     * state). True when it was applied.
     */
    async update(id: string, expected: Expected, change: ReportChange): Promise<boolean> {
      const changed = await compareAndSet(Report, id, expected, toUpdate(change));
      if (changed) emit('changed', id);
      if (changed && change.effects?.length) emit('effects', id);
      return changed;
    },

    /** `update`, answering with the report as it is after the change (null when `expected` no longer held). */
    async updateAndGet(id: string, expected: Expected, change: ReportChange): Promise<ReportDoc | null> {
      const doc = await compareAndSet<ReportDoc>(Report, id, expected, toUpdate(change), { returnDocument: true });
      if (doc) emit('changed', id);
      if (doc && change.effects?.length) emit('effects', id);
      return withDelivery(doc);
    },

    /**
     * Removes effects that are done (matched as whole stored elements: FerretDB
     * v1.24 ignores `$pull` conditions) and takes the report off the effects
     * worker's list once its outbox is empty.
     */
    async removeEffects(id: string, done: ReportEffect[]): Promise<void> {
      await compareAndSet(Report, id, {}, { $pullAll: { effects: done } });
      // Only while nothing new arrived meanwhile: the condition is part of the compare-and-set.
      const left = await Report.findById(id, { effects: 1 }).lean<Pick<ReportDoc, 'effects'>>();
      if (left && !left.effects?.length) await compareAndSet(Report, id, { 'effects.0': null }, { $unset: { effectsPending: 1 } });
    },

    /**
     * Ids of the reports filed under, or picked by the resident as, this category (a category merge moves
     * them: reports/categoryMoves.ts).
     */
    async idsUsingCategory(code: string): Promise<{ filed: string[]; chosen: string[] }> {
      const [filed, chosen] = await Promise.all([
        Report.find({ 'category.code': code }, { _id: 1 }).lean<{ _id: string }[]>().exec(),
        Report.find({ 'citizenCategory.code': code }, { _id: 1 }).lean<{ _id: string }[]>().exec(),
      ]);
      return { filed: filed.map((r) => r._id), chosen: chosen.map((r) => r._id) };
    },

    /** Every report one resident filed, oldest first (their data export and deletion). */
    allByCitizen(citizenId: string): Promise<ReportDoc[]> {
      return Report.find({ citizenId }).sort({ createdAt: 1, _id: 1 }).lean<ReportDoc[]>().exec();
    },

    /**
     * Cuts one report loose from a resident who deleted their personal data:
     * phone and photos removed, the link to the account replaced by a fresh
     * id that belongs to no one. The ticket itself (text, place, category,
     * timeline) stays for the city's records and goes on to its end.
     * Compare-and-set on `updatedAt`, retried, so a concurrent change is
     * neither lost nor overwritten. False when it is no longer this resident's.
     */
    async anonymise(id: string, citizenId: string): Promise<boolean> {
      for (let attempt = 0; attempt < 20; attempt++) {
        const doc = await Report.findById(id).lean<ReportDoc>().exec();
        if (!doc || String(doc.citizenId) !== citizenId) return false;
        // The resident's own photos are deleted with their account; staff replies' photos stay.
        const timeline = (doc.timeline ?? []).map((t) => (t.actor === 'citizen' ? { ...t, mediaIds: undefined } : t));
        const done = await compareAndSet(Report, id, { updatedAt: doc.updatedAt }, {
          $set: { citizenId: new mongoose.Types.ObjectId(), contactPhone: null, mediaIds: [], timeline, anonymous: true, anonymisedAt: new Date() },
        });
        if (done) return true;
      }
      throw new Error(`could not anonymise report ${id}: it kept changing`);
    },

    /** A resident's idempotency keys (`_id` = `citizenId:key`), removed with their account. */
    async purgeSubmitKeysOf(citizenId: string): Promise<number> {
      return (await SubmitKey.deleteMany({ _id: { $regex: `^${citizenId}:` } })).deletedCount;
    },

    /** Rows of the former idempotency-key collection older than `before` (housekeeping; nothing writes them any more). */
    async purgeSubmitKeys(before: Date): Promise<number> {
      return (await SubmitKey.deleteMany({ at: { $lt: before } })).deletedCount;
    },

    /** Whether a stored report satisfies the model's schema (a test guards the raw insert with it). */
    validate(doc: ReportDoc): Error | null {
      return new Report(doc).validateSync() ?? null;
    },
  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
