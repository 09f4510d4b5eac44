import mongoose, { Schema } from 'mongoose';

/**
 * The insight domain's own collections. All are keyed by `_id` (the only
 * lookup FerretDB v1.24 answers from an index), so drawing a page reads a
 * few dozen bucket documents by id, never the reports.
 *
 * - `insight_facts`: one compact row per report (what it last contributed).
 * - `insight_buckets`: `<part>|<period>|<scope>` (see contribution.ts' bucketId:
 *   counters, daily counts, timing histograms and ~500 m cells, per Asia/Shanghai
 *   day or month, per district and per 专区), plus `labels`; `j` is the last
 *   journal sequence applied to it (see rollupWriter).
 * - `insight_journal_log`: `_id` = a journal sequence → the bucket ids it touched
 *   (readers' caches evict them; the last 2,000 are kept).
 * - `insight_geo`: first-level category × 300 m cell × day → points (hotspot search).
 * - `insight_hotspots`, `insight_alert_seen`, `insight_state`, `insight_settings`.
 */
const loose = { strict: false, versionKey: false } as const;

const factSchema = new Schema({ _id: String }, loose);
factSchema.index({ district: 1, cat: 1, day: 1 });
export const Fact = mongoose.model('InsightFact', factSchema, 'insight_facts');

/**
 * A fact as stored: the fields a query filters or sorts on (opening a 堵点: district, category, day,
 * 专区, newest first), and the whole fact as one JSON string `f`. Why not the fact's ~25 fields: FerretDB
 * v1.24 converts a document value by value (BSON in, its JSON out, by reflection), so each value costs
 * CPU on every write and read; one string is one value. At a million reports the rebuild writes a
 * million facts, and that conversion was about half of the database's CPU time (docs/ARCHITECTURE.md,
 * "Rebuild speed").
 */
export interface StoredFact {
  _id: string;
  district: string;
  cat: string;
  day: string;
  zone: string | null;
  at: Date;
  f: string;
}

export const Bucket = mongoose.model('InsightBucket', new Schema({ _id: String }, loose), 'insight_buckets');
/** The bucket layout the stored rollups follow; the writer rebuilds rollups of another one when it starts. */
export const ROLLUP_LAYOUT = 3;
export const JournalLog = mongoose.model('InsightJournalLog', new Schema({ _id: String, docs: [String] }, { versionKey: false }), 'insight_journal_log');
export const GeoCell = mongoose.model('InsightGeoCell', new Schema({ _id: String }, loose), 'insight_geo');

const hotspotSchema = new Schema({ _id: String }, loose);
hotspotSchema.index({ parent: 1, lastAt: -1 });
export const Hotspot = mongoose.model('InsightHotspot', hotspotSchema, 'insight_hotspots');

/** `_id` = userId|hotspotId: inserted when a staff member has seen an alert. */
export const AlertSeen = mongoose.model('InsightAlertSeen', new Schema({ _id: String, at: Date }, { versionKey: false }), 'insight_alert_seen');
export const InsightState = mongoose.model('InsightState', new Schema({ _id: String }, loose), 'insight_state');
export const InsightSettings = mongoose.model('InsightSettings', new Schema({ _id: String }, loose), 'insight_settings');

export interface HotspotSettings {
  minReports: number;
  radiusM: number;
  windowHours: number;
}
export const DEFAULT_HOTSPOT_SETTINGS: HotspotSettings = { minReports: 5, radiusM: 300, windowHours: 24 };

export interface HotspotPoint {
  id: string;
  lat: number;
  lng: number;
  at: Date;
  district: string;
}

export interface HotspotDoc {
  _id: string;
  parent: string;
  parentName: string;
  district: { code: string; name: string };
  center: { lat: number; lng: number };
  radiusM: number;
  count: number;
  firstAt: Date;
  lastAt: Date;
  reportIds: string[];
  pts: HotspotPoint[];
  createdAt: Date;
  /** the signed `event: "hotspot"` message to the pipeline: pending until delivered, `none` without a webhook */
  announce: 'pending' | 'sent' | 'none';
  announceAttempts?: number;
}
