import mongoose, { Schema } from 'mongoose';
import type { HotspotSettings } from '@ssp/shared';

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
 * - `insight_hotspots`: one fixed-size document per hotspot (count, sums and bounds of its members'
 *   coordinates, per-district counts, first/last times); `insight_hotspot_members`: one small document
 *   per member, `_id` = first-level category|report id, indexed by hotspot (`h`).
 * - `insight_alert_seen`, `insight_state`, `insight_settings`.
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

/**
 * A hotspot's members, one document each, so a report joining a hotspot is one small insert plus one
 * `$inc`/`$min`/`$max` of the hotspot's fixed-size document. They used to be arrays inside the hotspot:
 * the embedded database rewrites a whole document on every update, so a hotspot grown to 1,800 points
 * (573 KB) was rewritten for every report that joined it. `_id` = `<first-level category>|<report id>`:
 * a report belongs to at most one hotspot of its category (a report near a hotspot's member joins that
 * hotspot rather than founding another), and the unique `_id` makes that hold even on a replay.
 */
const memberSchema = new Schema({ _id: String }, loose);
memberSchema.index({ h: 1 });
export const HotspotMember = mongoose.model('InsightHotspotMember', memberSchema, 'insight_hotspot_members');

export interface HotspotMemberDoc {
  _id: string;
  /** hotspot id */
  h: string;
  /** report id */
  id: string;
  lat: number;
  lng: number;
  at: Date;
  district: string;
}

/** `_id` = userId|hotspotId: inserted when a staff member has seen an alert. */
export const AlertSeen = mongoose.model('InsightAlertSeen', new Schema({ _id: String, at: Date }, { versionKey: false }), 'insight_alert_seen');
export const InsightState = mongoose.model('InsightState', new Schema({ _id: String }, loose), 'insight_state');
export const InsightSettings = mongoose.model('InsightSettings', new Schema({ _id: String }, loose), 'insight_settings');

export const DEFAULT_HOTSPOT_SETTINGS: HotspotSettings = { minReports: 5, radiusM: 300, windowHours: 24 };

export interface HotspotPoint {
  id: string;
  lat: number;
  lng: number;
  at: Date;
  district: string;
}

/**
 * A hotspot as stored: fixed size whatever its count. Centre, radius and district are derived from the
 * statistics when it is shown (hotspotPresenter): the centre is the mean of the members' coordinates
 * (`sLat`/`sLng` over `count`), the radius the distance from it to the farthest corner of the members'
 * bounding box (it encloses every member), the district the one most members are in (`dc`).
 */
export interface HotspotDoc {
  _id: string;
  parent: string;
  parentName: string;
  count: number;
  sLat: number;
  sLng: number;
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
  /** members per district code */
  dc: Record<string, number>;
  firstAt: Date;
  lastAt: Date;
  /** the last report joined: a replay after a crash between the `$inc` and the member's insert does not count it twice */
  last?: string;
  createdAt: Date;
  /** the signed `event: "hotspot"` message to the pipeline: pending until delivered, `none` without a webhook */
  announce: 'pending' | 'sent' | 'none';
  announceAttempts?: number;
}

/**
 * Every member's report id of these hotspots, oldest first (one indexed `{h: {$in}}` query). The console's
 * list and the pipeline's message both carry all of them: the API's contract is a hotspot with its reports.
 */
export async function reportIdsOf(hotspotIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(hotspotIds.map((id) => [id, []]));
  if (!hotspotIds.length) return out;
  const rows = (await HotspotMember.collection
    .find({ h: { $in: hotspotIds } } as never, { projection: { h: 1, id: 1, at: 1 } })
    .toArray()) as unknown as Pick<HotspotMemberDoc, 'h' | 'id' | 'at'>[];
  rows.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of rows) out.get(r.h)?.push(r.id);
  return out;
}
