import { randomBytes } from 'node:crypto';
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { REPORT_STATUSES } from '@ssp/shared';
import { retireIndex } from '../db/connect';

/**
 * Random bytes for ids, drawn 256 ids at a time: one `randomBytes(12)` per submit was ~0.05 ms of its CPU
 * (docs/ARCHITECTURE.md, "Submit path: our server's CPU"), as node's own `randomUUID` also batches. The same
 * CSPRNG, each byte handed out once.
 */
const ID_BYTES = 12;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** 96 random bits as 24 hex characters: unguessable, and shaped like the ObjectId hex ids of older reports. */
export const newReportId = (): string => {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 256);
    idOffset = 0;
  }
  const id = idPool.toString('hex', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
};

const timelineEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    status: { type: String, enum: REPORT_STATUSES, required: true },
    actor: { type: String, required: true },
    message: { type: String, required: true },
    /** photos attached to this step, e.g. the handler's reply */
    mediaIds: { type: [Schema.Types.ObjectId], default: undefined },
  },
  { _id: false },
);

/**
 * One resident's report, and what must follow its changes, in one document:
 * a single insert is atomic on MongoDB and FerretDB alike, so an acknowledged
 * report can never exist without its timeline; each change carries its
 * effects (the second outbox) in the same update. Its delivery to the city's
 * ticket pipeline is in the `deliveries` outbox (DeliveryOutbox below), whose
 * document is written before the report.
 */
const reportSchema = new Schema(
  {
    /**
     * A string: FerretDB v1.24 looks up string `_id`s by index but scans the
     * collection for ObjectId `_id`s (measured: 1 ms vs 36 ms at 8,000 reports,
     * growing). Random, not an ObjectId's time + counter: ids appear in URLs,
     * and sequential ones let a resident guess a neighbour's (issue 9). Still 24
     * hex characters, so older ObjectId-made ids and new ones look alike.
     */
    _id: { type: String, default: () => newReportId() },
    ticketNo: { type: String, required: true, unique: true },
    citizenId: { type: Schema.Types.ObjectId, required: true },
    idempotencyKey: { type: String, required: true },
    /** hash of the validated request, to tell a retry from a reused key */
    requestHash: { type: String, required: true },
    kind: { type: String, enum: ['complaint', 'snap'], required: true },
    status: { type: String, enum: REPORT_STATUSES, required: true, default: 'submitted' },
    description: { type: String, default: '' },
    /** staff made the description visible to neighbours (附近已有人反映 offers, followers); off by default */
    descriptionPublic: { type: Boolean, default: false },
    /** what the resident picked, kept as given and never overwritten by the classifier */
    citizenCategory: { type: new Schema({ code: String, name: String }, { _id: false }), default: null },
    /** the category the report is filed under (classifier, resident's chip, or staff decision) */
    category: { type: new Schema({ code: String, name: String, parentCode: String, parentName: String }, { _id: false }), default: null },
    /** the classifier's output at submit time, with the model and taxonomy versions */
    classification: { type: Schema.Types.Mixed, default: null },
    triage: {
      state: { type: String, enum: ['auto', 'pending', 'confirmed', 'corrected'], default: 'auto' },
      reason: { type: String, default: null },
      resolvedAt: { type: Date, default: null },
    /** when the deadline monitor found it past dueAt and escalated it (督办) */
    overdueAt: { type: Date, default: null },
      resolvedBy: { type: String, default: null },
    },
    urgent: { type: Boolean, default: false },
    /** 紧急 / 次紧急 / 普通 (issue 12); reports stored before it have only `urgent` (see urgencyOf) */
    urgency: { type: String, enum: ['urgent', 'semi_urgent', 'normal'] },
    urgentReasons: { type: [String], default: [] },
    location: {
      lat: { type: Number },
      lng: { type: Number },
      coordSystem: { type: String, enum: ['gcj02', 'wgs84'] },
      accuracy: { type: Number },
      address: { type: String },
    },
    /** the point in GCJ-02, what all our geo maths uses; null for an address-only report */
    point: { type: new Schema({ lat: Number, lng: Number }, { _id: false }), default: null },
    district: { type: new Schema({ code: String, name: String }, { _id: false }), default: null },
    needsManualRouting: { type: Boolean, default: false },
    mediaIds: [{ type: Schema.Types.ObjectId }],
    contactPhone: { type: String, default: null },
    anonymous: { type: Boolean, default: false },
    timeline: { type: [timelineEntrySchema], default: [] },
    /**
     * Legacy: where reports stored before the `deliveries` outbox kept their delivery. New reports have
     * none; `outbox` marks one whose delivery was moved to that collection (see DeliveryOutbox below).
     */
    delivery: {
      state: { type: String, enum: ['pending', 'delivered', 'dead', 'outbox'] },
      attempts: { type: Number, default: 0 },
      nextAttemptAt: { type: Date, default: () => new Date() },
      lastError: { type: String, default: null },
      deliveredAt: { type: Date, default: null },
      externalId: { type: String, default: null },
      connector: { type: String, default: null },
    },
    /** handling department and deadline, set at dispatch */
    department: { type: String, default: null },
    dueAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    /** when the deadline monitor found it past dueAt and escalated it (督办) */
    overdueAt: { type: Date, default: null },
    /** highest pipeline event sequence applied, to ignore late, out-of-order events */
    pipelineSeq: { type: Number, default: 0 },
    rating: { type: new Schema({ value: String, comment: String, at: Date }, { _id: false }), default: null },
    lastUrgedAt: { type: Date, default: null },
    /**
     * The second outbox: what must follow a change once it is stored —
     * telling the resident and followers (`notify`), handing a follow-up to
     * the pipeline (`forward`). Pushed in the same single-document update as
     * the change itself, removed by the effects worker when done.
     */
    effects: { type: [Schema.Types.Mixed], default: [] },
    /**
     * Set (to when) with every push to `effects`, removed when they are all done: what the worker's scan
     * looks for (indexed). A date, not `true`: SQLite plans an equality on this index from its statistics,
     * where nearly every report has no value, and read the whole table for `{effectsPending: true}` (a
     * boolean cannot be a range in FerretDB's pushdown); a date range is planned on the index and reads only
     * the reports with effects pending (reportRepository, `idsWithPendingEffects`). Reports flagged `true`
     * by earlier builds are dated once (`datePendingEffectsOnce`).
     */
    effectsPending: { type: Date },
    /** residents who joined this ticket (附近已有人反映 → +1); the list lives in Follower */
    supporters: { type: Number, default: 0 },
    /** set when staff merged this report into another ticket */
    mergedInto: { type: new Schema({ id: String, ticketNo: String }, { _id: false }), default: null },
    /** answers to the category's and the 专区's questions, checked on submit (shared/src/questions.ts) */
    answers: { type: Schema.Types.Mixed, default: undefined },
    /** the questions as they were asked, so staff and the pipeline read answers against the right labels after the tree changes */
    questions: { type: [Schema.Types.Mixed], default: undefined },
    /** the 专区 it was filed through, copied (closing or editing the zone leaves it as it was) */
    // with the zone's English title and its success message as they were when filed (shown to the resident after submitting)
    zone: { type: new Schema({ id: String, title: String, titleEn: String, successMessage: String, successMessageEn: String }, { _id: false }), default: null },
    /** set when the resident deleted their personal data: citizenId then points at no account */
    anonymisedAt: { type: Date, default: null },
  },
  { timestamps: true, writeConcern: { w: 'majority', j: true } },
);

// A retried submit finds its first attempt through this index; it also makes a
// concurrent duplicate insert fail instead of creating a second report.
reportSchema.index({ citizenId: 1, idempotencyKey: 1 }, { unique: true });
// 我的诉求: newest first, paged by _id.
reportSchema.index({ citizenId: 1, createdAt: -1, _id: -1 });
// No index on `delivery.*` any more: the dispatcher scans the `deliveries` outbox. Data directories made
// before it keep their two indexes (nothing drops them), which serve the one-time move of legacy pending
// deliveries and Open311 lookups of tickets delivered back then; a new one has no such reports. Every
// index is work on each insert and each update of a report (FerretDB recomputes them all per write).
reportSchema.index({ 'triage.state': 1, createdAt: 1 });
reportSchema.index({ effectsPending: 1 });
// The deadline monitor: overdue open tickets not yet escalated (status, overdueAt: null and the dueAt
// range all bound the read, so it stays small however many tickets were escalated before),
// and resolved ones to close after 7 days.
reportSchema.index({ status: 1, overdueAt: 1, dueAt: 1 });
reportSchema.index({ status: 1, resolvedAt: 1 });
// 附近已有人反映: recent open tickets (then a bounding box and the distance in application code).
reportSchema.index({ createdAt: -1, status: 1 });
// …and its access path: open tickets in a strip of latitude (the box's other bounds and the
// 7 days are checked on those), so the query reads tens of tickets, not every recent one.
reportSchema.index({ status: 1, 'point.lat': 1 });
// insight's catch-up scan: reports written since its cursor.
reportSchema.index({ updatedAt: 1 });
// Reports of one 专区, for the console and the figures.
reportSchema.index({ 'zone.id': 1, createdAt: -1 });

export type ReportDoc = InferSchemaType<typeof reportSchema> & { _id: string; createdAt: Date; updatedAt: Date };
export const Report = mongoose.model('Report', reportSchema);

/**
 * Formerly one row per (resident, Idempotency-Key), written before each
 * report, because upstream FerretDB v1.24 answered only `_id` lookups from an
 * index. With equality pushdown (FerretDB patch 0003) a retry finds its report
 * through the unique (citizenId, idempotencyKey) index, so a submit is one
 * insert; existing rows are only removed by housekeeping.
 */
const submitKeySchema = new Schema({ _id: String, reportId: String, requestHash: String, at: Date }, { versionKey: false });
export const SubmitKey = mongoose.model('SubmitKey', submitKeySchema);

/**
 * One-time data migrations of the reports domain that have run to the end on this database
 * (`_id` = the migration's name, `at` = when). A marker is written only after a full pass found
 * nothing left to migrate, so a normal start reads one document by `_id` instead of scanning
 * (see reportRepository's `moveLegacyDeliveriesOnce`).
 */
const migrationSchema = new Schema({ _id: String, at: Date }, { versionKey: false });
export const Migration = mongoose.model('Migration', migrationSchema, 'migrations');

/**
 * The delivery outbox: one small document per report (`_id` = the report's id)
 * holding the dispatcher's state — pending, delivered or dead, attempts, when
 * to try next, the pipeline's id for the ticket. It lives apart from the
 * report because every delivery outcome is a write: rewriting the whole
 * report (timeline, texts, answers, 14 indexes) for each one was most of the
 * delivery path's cost on the embedded database (docs/ARCHITECTURE.md, "Speed
 * of the delivery path, third pass"). Residents' and staff's reads see it
 * through the repository, which merges it into the report as `delivery`.
 *
 * Written BEFORE the report on submit (reportRepository.insert): an
 * acknowledged report therefore always has its outbox document, even if the
 * process dies right after the acknowledgement; an outbox document whose
 * report never arrived (the process died between the two writes) is dropped
 * by the dispatcher once it is old (see dispatcher.ts).
 */
const deliveryOutboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: ['pending', 'delivered', 'dead'], required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    deliveredAt: { type: Date, default: null },
    externalId: { type: String, default: null },
    connector: { type: String, default: null },
    /** when the report was filed (an outbox document without a report is an orphan only once it is old) */
    createdAt: { type: Date, required: true },
    /**
     * `nextAttemptAt` again, present only while the delivery is pending (the outcome that ends it removes
     * it): what the dispatcher's scan reads, as a date range on its own index. On the embedded database the
     * equality `state: 'pending'` (ORed with its array alternative by the pushdown) was planned as a read of
     * the whole outbox, 1.3 s at 100,000 delivered reports, every poll (tools/ferretdb/README.md, "The
     * OR-branch scan"); a date range is planned on the index, as the effects flag's is. Documents written
     * without it (an older build) are dated by the dispatcher's sweep (reportRepository, `dateUndatedDeliveries`).
     */
    due: { type: Date },
  },
  { versionKey: false, writeConcern: { w: 'majority', j: true } },
);
/**
 * Every delivery not (yet) delivered: `deliveredAt` is null exactly while the state is pending or dead (only
 * the delivered outcome sets it, and nothing moves a delivered one back). The sweep for undated pending
 * deliveries, the dead-letter list and its count read this index's null entries, whatever builds wrote the
 * documents. It replaced `{state: 1, nextAttemptAt: 1}`: on the embedded database an equality on `state`, where
 * one value fills the index, was planned as a read of the whole outbox (0.73 s at 100,000, 16 s at 1,000,000),
 * while statistics put a null `deliveredAt` at a row or two per value (delivery times are all distinct), so
 * SQLite reads the index there. One index per outbox write, as before.
 */
deliveryOutboxSchema.index({ deliveredAt: 1 });
retireIndex('deliveries', 'state_1_nextAttemptAt_1');
// The dispatcher's scan: pending deliveries due by now.
deliveryOutboxSchema.index({ due: 1 });
// Open311 status polling finds the report by the pipeline's service_request_id.
deliveryOutboxSchema.index({ externalId: 1 });

export type DeliveryDoc = { _id: string; state: 'pending' | 'delivered' | 'dead'; attempts: number; nextAttemptAt: Date; lastError?: string | null; deliveredAt?: Date | null; externalId?: string | null; connector?: string | null; createdAt: Date; due?: Date };
export const DeliveryOutbox = mongoose.model('DeliveryOutbox', deliveryOutboxSchema, 'deliveries');
