import type { mongo } from 'mongoose';
import type { HotspotSettings } from '@ssp/shared';
import { distanceMeters } from '../geo/coords';
import type { Logger } from '../log';
import { findByIds } from '../db/findByIds';
import { onlyDuplicateKeys } from '../db/errors';
import { recreateCollection } from '../db/connect';
import { periodic } from '../periodic';
import type { ReportRepository } from '../reports/reportRepository';
import { diff, emitContribution, factFromStored, factOf, labelsOf, type ReportLike, shanghaiDay, addDays, storedFact, LABELS_ID, type Fact, type Increments } from './contribution';
import { presentHotspot } from './hotspotPresenter';
import { Bucket, DEFAULT_HOTSPOT_SETTINGS, Fact as FactModel, GeoCell, Hotspot, HotspotMember, InsightSettings, InsightState, JournalLog, ROLLUP_LAYOUT, reportIdsOf, type HotspotDoc, type HotspotMemberDoc, type HotspotPoint } from './insightModel';

/**
 * Keeps the rollups in step with the reports. ONE writer, and every write it
 * makes goes through one serial queue in this process (`exclusive`).
 *
 * Why one: each `$inc` on its own is atomic on both databases (on the embedded
 * FerretDB since patch 0002), but two writers computing "new − old" for the
 * same report from the same old fact would both apply it. A single sequential
 * writer applies each report's change once. Crash safety comes from a journal: a batch's
 * increments are first stored in one document (`insight_state.journal`, a
 * single-document write), then applied to each bucket with that bucket's
 * `j` (last journal applied) raised to the batch's sequence number in the
 * same update, whose filter is `{_id, j < seq}`: a bucket already at the
 * sequence does not match (its upsert fails on the duplicate `_id` and is
 * skipped), so replaying a journal after a crash applies every increment
 * exactly once, in one round trip per bucket (a bulk write). After a batch
 * is applied, the ids of the buckets it touched are logged under its
 * sequence (`insight_journal_log`) and `applied` is raised: readers' caches
 * evict exactly those (insightService's bucket cache).
 * Facts (whole replacements), geo points (`$push` guarded like a bucket, `$pullAll` of whole values) and hotspots
 * (deterministic ids) are idempotent by construction.
 *
 * What it hears: the repository's `stored`/`changed` events (in-process,
 * gathered for a tick: `enqueue`) and a slow scan of reports by `updatedAt` (indexed) for changes made
 * by other processes or lost to a crash. A report whose fact already carries
 * its `updatedAt` is skipped.
 *
 * Several API instances: run the writer in one of them (INSIGHT_WRITER=on,
 * the instance with the background workers); the others only read.
 */
const STATE_ID = 'writer';
/** reports per window of the scan, per read of reports heard by id, and per batch without a lag (maxLagMs 0) */
const BATCH = 200;
/**
 * Reports per journal, i.e. per flush: everything held since the last flush (in-process) or found by one
 * scan pass (own instance), up to this many, is ONE journal, so each bucket document gets one `$inc` per
 * flush whatever the number of reports in it (a bucket is rewritten whole by the embedded database, and the
 * month's city-wide ones are the largest documents the writer touches), the facts go in inserts of CHUNK,
 * and each geo cell, hotspot and the state are written once per flush.
 */
const FLUSH_MAX = 5000;
/**
 * INSIGHT_MAX_LAG_MS's default (config.ts). Why 25 s: the writer's database work competes with the submits'
 * writes for the embedded database's one SQLite writer, so whatever it writes during a burst lands on the
 * burst's p99. With 3 s it flushed 5–6 times inside every bench arm (2,000 submits at concurrency 8, ~20 s),
 * the database's CPU per submit 0.5–2 ms over off during it; 25 s lets a burst of that length pass untouched,
 * and what it held is written a tick after it ends (4–7 s for 2,000, paced). 数据看板 and hotspot alerts are
 * then at most ~30 s behind during a burst (25 s plus the flush's own few seconds) and current within a tick
 * otherwise: what a staff member looking at daily figures accepts. A burst longer than this is written in
 * flushes every 25 s (docs/LOG.md, "insightlag": the sustained figure).
 */
export const DEFAULT_MAX_LAG_MS = 25_000;
/**
 * Reports held while the writer yields (maxLagMs) past which it writes regardless (memory: a held report is
 * its fact, ~1 KB, so ≤ ~5 MB). 25 s at the bench's 80–125 submits/s is 2,000–3,100, under it: the lag, not
 * the memory, decides there. At 200+/s the queue fills first and flushes come sooner than the lag. A flush of
 * 5,000 (FLUSH_MAX) is still short paced commands of CHUNK, but for its journal: one document holding the
 * flush's facts (~0.5 KB of JSON each), written in one command (processReports).
 */
const MAX_QUEUE = 5000;
/** reports the scan keeps aside while it reads the older part of a window (see scan) */
const UPPER_MAX = 20_000;
/** the scan re-reads this far behind its cursor: writes stamped earlier may commit later */
const SCAN_MARGIN_MS = 10_000;
/**
 * Statements (or documents) per write command: one SQLite transaction on the embedded database (see
 * writeDocs). While one runs, every other write of the database waits on its one writer (patch 0011), the
 * submits' report inserts too, so a flush goes as many short commands: 25 facts, members or bucket updates
 * take a few ms, the time of a few submits' own writes, where 100 held the writer for tens of ms (up to
 * 0.5 s on the loaded machine, bench:insight BENCH_TRACE) and the submits queued behind them.
 */
const CHUNK = 25;
/**
 * The longest the in-process writer runs on the event loop without letting requests in (ms). A flush's
 * Node work (the facts' differences, the journal's JSON, hotspot detection) is thousands of small steps;
 * done in one go it stalled the API's requests for as long (the slowest 1 % of submits in-process came
 * while no writer command was in flight, i.e. while the writer computed).
 */
const SLICE_MS = 4;
/** Yields to the event loop once SLICE_MS have passed since the last yield: `await slice()` in a loop. */
function slicer() {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await new Promise((r) => setImmediate(r));
    since = performance.now();
  };
}
/** reports remembered as applied (appliedV) past which the memory is dropped (they are read again) */
const APPLIED_KEEP = 200_000;
/** the journal log's old entries are deleted this many at a time */
const LOG_PRUNE = 50;
/** journal log entries kept for readers' caches (a reader further behind drops its whole cache) */
const LOG_KEEP = 2000;

export interface HotspotAnnouncement {
  event: 'hotspot';
  idempotencyKey: string;
  hotspotId: string;
  category: { code: string; name: string };
  district: { code: string; name: string };
  center: { lat: number; lng: number };
  radiusM: number;
  count: number;
  firstAt: string;
  lastAt: string;
  reportIds: string[];
  at: string;
}

/** Stored as objects of flat arrays: FerretDB v1.24 stores no nested arrays, and dotted paths cannot be keys. */
interface Journal {
  seq: number;
  incs: { doc: string; paths: string[]; values: number[] }[];
  /** new or changed paths of the labels document */
  labels: { paths: string[]; values: unknown[] };
  facts: Fact[];
  geoAdd: { doc: string; p: HotspotPoint }[];
  geoRemove: { doc: string; p: HotspotPoint }[];
}

/**
 * A bulk write that ignores duplicate-key failures (an upsert whose `j` guard did not match: already
 * applied). FerretDB v1.24 stops an unordered bulk write at its first error, so after one the chunk is
 * redone op by op: every op is idempotent (the `j` guard, replacements), so redoing applied ones is safe.
 */
type Collection = mongo.Collection;
type AnyBulkWriteOperation = mongo.AnyBulkWriteOperation;


/** A paced command's pause is at most this long (ms). */
const PACE_MAX_MS = 20;
/**
 * Runs one of the writer's database commands, then pauses as long as it took (≤ PACE_MAX_MS): the writer
 * uses the database at most about half the time while it flushes, so the submits' writes, queued on the
 * same single SQLite writer, and their reads get in between its commands instead of behind a run of them.
 * A flush of a lag period's reports takes longer (well within the lag); the work is the same.
 */
async function paced<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  const ms = Math.min(PACE_MAX_MS, performance.now() - t0);
  if (ms >= 1) await new Promise((res) => setTimeout(res, ms));
  return r;
}

async function bulkIgnoringApplied(coll: Collection, ops: AnyBulkWriteOperation[]) {
  for (let i = 0; i < ops.length; i += 1000) {
    const chunk = ops.slice(i, i + 1000);
    try {
      await paced(() => coll.bulkWrite(chunk, { ordered: false }));
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
      for (const op of chunk) {
        await coll.bulkWrite([op], { ordered: true }).catch((e: unknown) => {
          if (!onlyDuplicateKeys(e)) throw e;
        });
      }
    }
  }
}

/** One document's write, either as an update of the stored document or as an insert of a new one. */
interface DocWrite {
  id: string;
  /** the update (or replacement) of the stored document; with `upsert`, the form that also creates it */
  update: (upsert: boolean) => AnyBulkWriteOperation;
  /** the whole document as `update(true)` would create it */
  insert: () => Record<string, unknown>;
}

/**
 * Writes a batch's documents of one collection in as few SQLite write transactions as the embedded
 * database allows. Why: each write transaction queues with every other write of the database on its
 * single SQLite writer (patch 0011), the submits' among them, and an upsert is never grouped (patch
 * 0005 leaves them out), so one upsert per bucket, fact and geo cell cost one transaction each. Now
 * one `_id $in` read (no write lock) splits the documents: the stored ones get one `update` command of
 * non-upsert statements, each pinning its `_id` (patch 0005: one transaction), the new ones one
 * `insert` (FerretDB inserts up to 100 documents per transaction); CHUNK statements per command at most.
 * The writer is the only one writing these collections, serially, so a document found missing is still
 * missing when it is inserted; should an insert collide all the same, its chunk is redone in the upsert
 * form, which is what the writer did before (each statement keeps its guard).
 */
async function writeDocs(coll: Collection, writes: DocWrite[], known: (id: string) => boolean | undefined = () => undefined) {
  if (!writes.length) return;
  // Whether each is stored: from `known` where the writer already knows (a bucket it wrote, a fact it has
  // just read), else one `_id $in` read.
  const stored = new Set<string>();
  const ask = writes.filter((w) => {
    const k = known(w.id);
    if (k) stored.add(w.id);
    return k === undefined;
  });
  for (const r of await findByIds<{ _id: string }>(coll, ask.map((w) => w.id), { _id: 1 })) stored.add(String(r._id));
  const updates = writes.filter((w) => stored.has(w.id));
  const inserts = writes.filter((w) => !stored.has(w.id));
  for (let i = 0; i < updates.length; i += CHUNK) {
    const chunk = updates.slice(i, i + CHUNK);
    const matched = await paced(() => coll.bulkWrite(chunk.map((w) => w.update(false)), { ordered: false })).then(
      (r) => r.matchedCount,
      (err: unknown) => {
        if (!onlyDuplicateKeys(err)) throw err;
        return -1;
      },
    );
    // Fewer matched than sent: a document thought stored is not (or a guard skipped one, e.g. a replay).
    // Redone in the upsert form, each statement under its guard, so nothing is applied twice.
    if (matched !== chunk.length) await bulkIgnoringApplied(coll, chunk.map((w) => w.update(true)));
  }
  for (let i = 0; i < inserts.length; i += CHUNK) {
    const chunk = inserts.slice(i, i + CHUNK);
    try {
      await paced(() => coll.insertMany(chunk.map((w) => w.insert()) as never[], { ordered: false }));
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
      await bulkIgnoringApplied(coll, chunk.map((w) => w.update(true)));
    }
  }
}

/**
 * The journal is stored as one JSON string (`{json}`): the embedded database converts a stored document
 * value by value, and a batch's journal of 200 facts of ~25 fields each was thousands of values, written
 * and read back in the transaction that opens every batch. Dates (`at`, of facts and points) are revived.
 * A journal stored as an object (by an earlier version) is read as it is.
 */
function journalOf(stored: Journal | { json: string }): Journal {
  if (!('json' in stored)) return stored;
  return JSON.parse(stored.json, (k, v) => (k === 'at' && typeof v === 'string' ? new Date(v) : v)) as Journal;
}

/**
 * `JSON.stringify(j)`, built a fact at a time with `slice()` between: a flush's journal holds thousands of
 * facts (hundreds of KB of JSON), one synchronous stringify of which held the in-process writer's event loop.
 * The same text as JSON.stringify gives, key order aside (journalOf reads either).
 */
async function journalJson(j: Journal, slice: () => Promise<void>): Promise<string> {
  const parts: string[] = [];
  for (const f of j.facts) {
    parts.push(JSON.stringify(f));
    await slice();
  }
  const { facts: _facts, ...rest } = j;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"facts":[${parts.join(',')}]}`;
}

interface TimedPoint {
  q: HotspotPoint;
  /** `q.at` in ms */
  t: number;
}

/** The sequences of a cell's later batches' documents (`b`), for the cells that exist (from `cells` where known). */
async function geoListings(ids: string[], cells: Map<string, CellDoc>): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const unread: string[] = [];
  for (const id of ids) {
    const c = cells.get(id);
    if (c) out.set(id, c.b);
    else unread.push(id);
  }
  for (const r of await findByIds<{ _id: string; b?: number[] }>(GeoCell.collection, unread, { b: 1 })) out.set(r._id, r.b ?? []);
  return out;
}
/** The first index of a latest-first list whose point is at or before `t` (the list's length if none). */
function firstAtOrBefore(list: TimedPoint[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].t <= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** How many values of an ascending list are below `x`. */
function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A cell's documents: its own and one per later batch that added points to it. */
const geoDocIds = (cell: string, batches: number[] = []) => [cell, ...batches.map((seq) => `${cell}#${seq}`)];

/** Batch documents of geo cells (`<cell>#<seq>`) kept in memory by the writer; past this many, all are dropped. */
const GEO_CACHE_MAX = 50_000;

/**
 * A geo cell's own document as the writer last knew it: its points (those of the batch that made it) and
 * the sequences of its later batches' documents (`b`).
 */
interface CellDoc {
  pts: HotspotPoint[];
  b: number[];
}

/**
 * The points of these cells (all their documents), by cell. Both kinds of document are kept in memory by
 * the writer once read or written (only it writes them, in its serial queue): a batch's document of a
 * cell (`<cell>#<seq>`, `cache`) is inserted once and changed only by a removal; a cell's own document
 * (`cells`) changes by a removal and by the listing of a later batch (`b`), which the writer applies to
 * its copy as it writes it (applyJournal). A removal drops the cell and its batch documents first, a
 * rebuild or a failed pass clears both. So a hot cell (thousands of points at one spot) is read once, not
 * once per batch; what is not in memory is read with `_id $in` (two reads at most). Points keep their
 * documents' order.
 */
async function geoPoints(ids: string[], cache: Map<string, HotspotPoint[]>, cells: Map<string, CellDoc>): Promise<Map<string, HotspotPoint[]>> {
  const out = new Map<string, HotspotPoint[]>();
  const unread = ids.filter((id) => !cells.has(id));
  for (const r of await findByIds<{ _id: string; pts?: HotspotPoint[]; b?: number[] }>(GeoCell.collection, unread)) cells.set(r._id, { pts: r.pts ?? [], b: [...(r.b ?? [])] });
  const missing: string[] = [];
  const docs = new Map<string, string[]>();
  for (const id of ids) {
    const c = cells.get(id);
    if (!c) continue;
    const later = geoDocIds(id, c.b).slice(1);
    docs.set(id, later);
    for (const d of later) if (!cache.has(d)) missing.push(d);
  }
  for (const r of await findByIds<{ _id: string; pts?: HotspotPoint[] }>(GeoCell.collection, missing)) cache.set(r._id, r.pts ?? []);
  for (const [cell, later] of docs) {
    const pts = [...cells.get(cell)!.pts];
    for (const id of later) pts.push(...(cache.get(id) ?? []));
    out.set(cell, pts);
  }
  // Old days' cells, mostly: read again if ever needed.
  if (cache.size > GEO_CACHE_MAX) cache.clear();
  if (cells.size > GEO_CACHE_MAX) cells.clear();
  return out;
}

/** 300 m cells for the hotspot search (a wider radius searches more rings). */
const GEO_CELL_M = 300;
const geoCell = (p: { lat: number; lng: number }) => [Math.floor(p.lat / 0.0027), Math.floor(p.lng / 0.00315)] as const;
const geoKey = (parent: string, cx: number, cy: number, day: string) => `${parent}|${cx}|${cy}|${day}`;
const pointOf = (f: Fact): HotspotPoint | null => (f.point && f.parent !== 'none' ? { id: f._id, lat: f.point.lat, lng: f.point.lng, at: f.at, district: f.district } : null);
const geoDocOf = (f: Fact) => {
  const [cx, cy] = geoCell(f.point!);
  return geoKey(f.parent, cx, cy, f.day);
};

/**
 * Whether two facts count the same (their `v` aside). Most writes to a report change nothing the rollups
 * count — a delivery outcome, an outbox entry done — and rewriting the fact for each doubled the writes
 * of the delivery path (docs/ARCHITECTURE.md, "Speed"). The stored fact keeps its older `v`: harmless, a
 * later snapshot is compared by content again.
 */
function sameFact(a: Fact, b: Fact): boolean {
  const norm = (x: unknown) => JSON.stringify(x instanceof Date ? x.getTime() : x);
  return (Object.keys(b) as (keyof Fact)[]).every((k) => k === 'v' || norm(a[k]) === norm(b[k]));
}

/** Sets a dotted path inside a plain object (building a bucket in memory during a rebuild). */
function setPath(obj: Record<string, any>, path: string, value: unknown, add: boolean) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  const last = parts.at(-1)!;
  o[last] = add ? (o[last] ?? 0) + (value as number) : value;
}

export async function hotspotSettings(): Promise<HotspotSettings> {
  const doc = await InsightSettings.findById('hotspot').lean<Partial<HotspotSettings>>();
  return { ...DEFAULT_HOTSPOT_SETTINGS, ...(doc ? { minReports: doc.minReports, radiusM: doc.radiusM, windowHours: doc.windowHours } : {}) } as HotspotSettings;
}

export function createRollupWriter(deps: {
  repo: ReportRepository;
  log: Logger;
  /** sends a new hotspot to the pipeline (webhook connector); null: nobody to tell */
  announce: ((payload: HotspotAnnouncement) => Promise<void>) | null;
  scanMs?: number;
  /** off: nothing is maintained (bench baseline, API-only instances) */
  enabled?: boolean;
  /** cursors the rebuild reads the reports with at once (INSIGHT_REBUILD_PARALLEL in the CLI) */
  rebuildParallel?: number;
  /** how long reports heard from the repository gather into one batch (INSIGHT_TICK_MS; 0: at once) */
  tickMs?: number;
  /**
   * How long the writer may put off what it heard while report writes go on (INSIGHT_MAX_LAG_MS). While
   * reports keep being written (a write heard within the last tick), it waits, gathering them; once none
   * came for a tick, or the oldest it holds is this old, it writes. 0: no waiting, a batch per tick.
   */
  maxLagMs?: number;
  /**
   * Where the scan's cursor comes from (INSIGHT_CURSOR). 'scan' (default): from the reports the scan read;
   * every report is read by the scan once, whoever wrote it. 'events': also from the events the writer
   * applied — only where this process writes every report (one instance doing everything), since the scan
   * then reads only what was written since the last event applied (less the margin); its periodic pass
   * does not scan, only its first pass and `drain()` do (what a crash lost between a write and its batch).
   */
  cursor?: 'scan' | 'events';
  /** reports per journal (FLUSH_MAX; smaller in tests, to see a flush split) */
  flushMax?: number;
}) {
  const { repo, log } = deps;
  const flushMax = deps.flushMax ?? FLUSH_MAX;
  const cursorFromEvents = deps.cursor === 'events';
  const rebuildParallel = deps.rebuildParallel ?? 3;
  /**
   * Reports heard, by id: the fact computed from the document the `stored` event carried (no read), or
   * null when only the id was heard (a `changed` event) and the report is read when the batch runs.
   */
  const queue = new Map<string, { fact: Fact | null; at: number }>();
  /** Geo cells' batch documents already read (geoPoints): only this writer writes them, in its serial queue. */
  const geoCache = new Map<string, HotspotPoint[]>();
  /** Geo cells' own documents already read or written (geoPoints). */
  const cellCache = new Map<string, CellDoc>();
  let chain: Promise<unknown> = Promise.resolve();
  let recovered = false;

  function exclusive<T>(fn: () => Promise<T>, opts: { rebuilding?: boolean } = {}): Promise<T> {
    const run = chain.then(async () => {
      if (!recovered) {
        recovered = true;
        await migrateHotspots();
        // A rebuild about to run makes the layout check's own rebuild pointless.
        await replayJournal(opts.rebuilding ?? false);
      }
      return fn();
    });
    // A failed pass may have written part of what the caches say (or not): they are dropped, and read again.
    chain = run.catch(() => {
      geoCache.clear();
      cellCache.clear();
      appliedV.clear();
    });
    return run;
  }

  async function state(): Promise<{ seq: number; cursor: number; journal: Journal | null; layout: number | null }> {
    const s = await InsightState.findById(STATE_ID).lean<{ seq?: number; cursor?: number; journal?: Journal | { json: string } | null; layout?: number }>();
    return { seq: s?.seq ?? 0, cursor: s?.cursor ?? 0, journal: s?.journal ? journalOf(s.journal) : null, layout: s?.layout ?? null };
  }
  const saveState = (set: Record<string, unknown>) => InsightState.collection.updateOne({ _id: STATE_ID } as never, { $set: set }, { upsert: true });

  /** Labels already written (path → JSON), so a batch sets only new or changed ones. */
  const knownLabels = new Map<string, string>();
  /** Bucket documents this writer knows are stored (it wrote them; a rebuild forgets them): no read to ask. */
  const knownBuckets = new Set<string>();
  /**
   * Report → the newest `updatedAt` (ms) this writer has applied (or found counted already): the stored fact
   * is at least that new. The scan re-reads SCAN_MARGIN_MS behind its cursor, i.e. each report about
   * (margin / scan period + 1) times; these it skips without reading their facts. Only facts' `v` grow
   * (the writer's serial queue writes them), a rebuild and a failed pass clear it.
   */
  const appliedV = new Map<string, number>();

  async function replayJournal(rebuilding: boolean) {
    const { journal, layout, seq } = await state();
    if (rebuilding) return;
    if (layout !== ROLLUP_LAYOUT) {
      // Rollups of an older layout: recompute them once. None yet (a first start): the scan from the
      // beginning builds them report by report, hotspot detection included.
      if (seq > 0) {
        log.info('insight: rollups of an older layout, rebuilding', { layout });
        await rebuildNow();
      } else await saveState({ layout: ROLLUP_LAYOUT });
      return;
    }
    if (journal) {
      log.info('insight: replaying an unfinished journal', { seq: journal.seq });
      await applyJournal(journal);
    }
  }

  /**
   * `factsStored`: which of the batch's facts are stored, when the caller has just read them (not on a
   * replay). `cursor`: the scan's cursor may rise to it once the batch is applied (drainQueue).
   */
  async function applyJournal(j: Journal, factsStored?: Set<string>, cursor?: number) {
    const replaying = !factsStored;
    const zip = (e: { paths: string[]; values: unknown[] }) => Object.fromEntries(e.paths.map((p, i) => [p, e.values[i]]));
    const incs = new Map(j.incs.map((e) => [e.doc, zip(e)]));
    const labels = zip(j.labels);
    if (j.labels.paths.length) incs.set(LABELS_ID, incs.get(LABELS_ID) ?? {});
    const touched = [...incs.keys()];
    // Buckets: `$inc` under the `{_id, j < seq}` guard for the ones that exist (one grouped update), the
    // others inserted with the batch's increments as their values and `j` = seq (one insert).
    await writeDocs(
      Bucket.collection as unknown as Collection,
      touched.map((doc) => {
        const inc = incs.get(doc)!;
        const set = { j: j.seq, ...(doc === LABELS_ID ? labels : {}) };
        return {
          id: doc,
          update: (upsert) => {
            const update: Record<string, Record<string, unknown>> = { $set: set };
            if (Object.keys(inc).length) update.$inc = inc;
            return { updateOne: { filter: { _id: doc, j: { $lt: j.seq } }, update, upsert } } as unknown as AnyBulkWriteOperation;
          },
          insert: () => {
            const d: Record<string, any> = { _id: doc, j: j.seq };
            for (const [p, v] of Object.entries(inc)) setPath(d, p, v, false);
            if (doc === LABELS_ID) for (const [p, v] of Object.entries(labels)) setPath(d, p, v, false);
            return d;
          },
        };
      }),
      (id) => (knownBuckets.has(id) ? true : undefined),
    );
    for (const id of touched) knownBuckets.add(id);
    // Facts: whole replacements (idempotent).
    await writeDocs(
      FactModel.collection as unknown as Collection,
      j.facts.map((f) => ({
        id: f._id,
        update: (upsert) => ({ replaceOne: { filter: { _id: f._id }, replacement: storedFact(f), upsert } }) as unknown as AnyBulkWriteOperation,
        insert: () => storedFact(f),
      })),
      (id) => factsStored?.has(id),
    );
    // Geo cells. A cell's document (`<category>|<cx>|<cy>|<day>`) holds the points of the batch that made
    // it; each later batch's points of that cell go in a document of their own (`<cell>#<seq>`, inserted,
    // its sequence listed in the cell's `b`). Why: a busy cell holds thousands of points (all of a day's
    // reports at one spot), and appending to one document rewrote all of them for every batch, in a
    // transaction every other write waited for. Each write keeps a guard: the listing is a `$push` under
    // `j ≠ seq` (set with it), a batch's own document is inserted once (a duplicate on a replay is ignored).
    const byDoc = (ops: { doc: string; p: HotspotPoint }[]) => {
      const m = new Map<string, HotspotPoint[]>();
      for (const { doc, p } of ops) m.set(doc, [...(m.get(doc) ?? []), p]);
      return [...m];
    };
    const geo = GeoCell.collection as unknown as Collection;
    const removes = byDoc(j.geoRemove);
    if (removes.length) {
      // Removals first (a point that moved within its cell); the point may be in any of the cell's documents.
      const listed = await geoListings(removes.map(([doc]) => doc), cellCache);
      for (const [doc] of removes) {
        for (const id of geoDocIds(doc, listed.get(doc))) geoCache.delete(id);
        cellCache.delete(doc);
      }
      const ops = removes.flatMap(([doc, pts]) => geoDocIds(doc, listed.get(doc)).map((id) => ({ updateOne: { filter: { _id: id }, update: { $pullAll: { pts } } } }) as unknown as AnyBulkWriteOperation));
      for (let i = 0; i < ops.length; i += CHUNK) await bulkIgnoringApplied(geo, ops.slice(i, i + CHUNK));
    }
    const adds = byDoc(j.geoAdd);
    const stored = await geoListings(adds.map(([doc]) => doc), cellCache);
    const fresh = adds.filter(([doc]) => !stored.has(doc));
    const more = adds.filter(([doc]) => stored.has(doc));
    // A new cell's own document holds no points, only the listing (`b`) of its batches' documents, its first
    // batch's among them. Why: every later batch `$push`es its sequence to the listing, and the embedded database
    // rewrites the whole document for it; when the first batch was large (a writer catching up on a busy spot's
    // hundreds or thousands of reports), each flush rewrote all those points in a transaction that held the
    // database's one writer for up to 190 ms (bench:insight BENCH_TRACE, load 12–17: 9 listing updates, 1.5 s). The
    // batch's document goes before the cell's, so a cell that exists lists only documents that exist; a crash
    // between the two leaves the cell missing, and the replay inserts both (the first a duplicate, ignored). Cells
    // written with their points (by the rebuild, or by earlier versions) are read as they are.
    const inserts = [
      ...fresh.flatMap(([doc, pts]) => [{ _id: `${doc}#${j.seq}`, pts }, { _id: doc, pts: [], b: [j.seq], j: j.seq }]),
      ...more.map(([doc, pts]) => ({ _id: `${doc}#${j.seq}`, pts })),
    ].map((d) => ({ insertOne: { document: d } }) as unknown as AnyBulkWriteOperation);
    for (let i = 0; i < inserts.length; i += CHUNK) await bulkIgnoringApplied(geo, inserts.slice(i, i + CHUNK));
    const listings = more.map(([doc]) => ({ updateOne: { filter: { _id: doc, j: { $ne: j.seq } }, update: { $push: { b: j.seq }, $set: { j: j.seq } } } }) as unknown as AnyBulkWriteOperation);
    for (let i = 0; i < listings.length; i += CHUNK) await bulkIgnoringApplied(geo, listings.slice(i, i + CHUNK));
    // What was written is what the writer now knows, so geoPoints reads neither again. Not on a replay: what
    // a crashed pass wrote before is not known (a guard may have skipped a write), so those are read.
    for (const [doc, pts] of fresh) {
      if (replaying) {
        cellCache.delete(doc);
        continue;
      }
      cellCache.set(doc, { pts: [], b: [j.seq] });
      geoCache.set(`${doc}#${j.seq}`, pts);
    }
    for (const [doc, pts] of more) {
      if (replaying) {
        cellCache.delete(doc);
        continue;
      }
      const c = cellCache.get(doc);
      if (c && !c.b.includes(j.seq)) c.b.push(j.seq);
      geoCache.set(`${doc}#${j.seq}`, pts);
    }
    await detectHotspots(
      [...j.geoAdd].sort((a, b) => new Date(a.p.at).getTime() - new Date(b.p.at).getTime()),
      new Map(j.facts.map((f) => [f._id, f])),
      await hotspotSettings(),
    );
    // Tell readers' caches which buckets changed, then that the batch is complete. Old log entries go
    // LOG_PRUNE at a time (one delete), not one per batch.
    await JournalLog.collection.replaceOne({ _id: String(j.seq) } as never, { docs: touched }, { upsert: true });
    if (j.seq % LOG_PRUNE === 0 && j.seq > LOG_KEEP) {
      const old = Array.from({ length: LOG_PRUNE }, (_, i) => String(j.seq - LOG_KEEP - i)).filter((id) => Number(id) > 0);
      await JournalLog.collection.deleteMany({ _id: { $in: old } } as never);
    }
    // With the events' cursor (cursor: 'events'), raised in the same write: no write of its own.
    if (cursor !== undefined) await InsightState.collection.updateOne({ _id: STATE_ID } as never, { $set: { journal: null, applied: j.seq }, $max: { cursor } }, { upsert: true });
    else await saveState({ journal: null, applied: j.seq });
  }

  /** Recomputes the facts of these reports and applies the differences (one journal). */
  async function processReports(all: Fact[], cursor?: number) {
    // One per report, the latest (a report on two of the scan's pages, or heard twice): counted once.
    const latest = new Map<string, Fact>();
    for (const f of all) {
      const had = latest.get(f._id);
      if (!had || had.v <= f.v) latest.set(f._id, f);
    }
    const reports = [...latest.values()];
    if (!reports.length) return;
    // The batch's stored facts in chunked `_id $in` reads (answered from the `_id` index), not one per report.
    const olds = new Map<string, Fact>();
    for (const f of await findByIds<{ _id: string; f: string }>(FactModel.collection, reports.map((r) => r._id), { f: 1 })) olds.set(String(f._id), factFromStored(f));
    const incs: Increments = new Map();
    const labels = new Map<string, unknown>();
    const facts: Fact[] = [];
    const geoAdd: Journal['geoAdd'] = [];
    const geoRemove: Journal['geoRemove'] = [];
    const slice = slicer();
    for (const after of reports) {
      // A flush holds thousands of reports: in-process, the API's requests get the event loop in between.
      await slice();
      const before = olds.get(after._id) ?? null;
      if (before && (before.v >= after.v || sameFact(before, after))) continue;
      for (const [doc, m] of diff(before, after)) {
        let into = incs.get(doc);
        if (!into) incs.set(doc, (into = new Map()));
        for (const [p, n] of m) into.set(p, (into.get(p) ?? 0) + n);
      }
      labelsOf(labels, after);
      facts.push(after);
      const pb = before && pointOf(before);
      const pa = pointOf(after);
      const sameGeo = pb && pa && geoDocOf(before!) === geoDocOf(after) && pb.lat === pa.lat && pb.lng === pa.lng;
      if (!sameGeo) {
        if (pb) geoRemove.push({ doc: geoDocOf(before!), p: pb });
        if (pa) geoAdd.push({ doc: geoDocOf(after), p: pa });
      }
    }
    const remember = () => {
      for (const f of reports) appliedV.set(f._id, Math.max(appliedV.get(f._id) ?? -1, f.v));
      if (appliedV.size > APPLIED_KEEP) appliedV.clear();
    };
    if (!facts.length) return remember();
    const { seq } = await state();
    const newLabels = [...labels].filter(([p, v]) => knownLabels.get(p) !== JSON.stringify(v));
    const journal: Journal = {
      seq: seq + 1,
      incs: [...incs].map(([doc, m]) => {
        const nonZero = [...m].filter(([, n]) => n !== 0);
        return { doc, paths: nonZero.map(([p]) => p), values: nonZero.map(([, n]) => n) };
      }),
      labels: { paths: [], values: [] },
      facts,
      geoAdd,
      geoRemove,
    };
    journal.labels = { paths: newLabels.map(([p]) => p), values: newLabels.map(([, v]) => v) };
    // The journal first, in one single-document write: from here on the batch is applied exactly once.
    const json = await journalJson(journal, slice);
    await paced(() => saveState({ seq: journal.seq, journal: { json } }));
    await applyJournal(journal, new Set(olds.keys()), cursor);
    for (const [p, v] of newLabels) knownLabels.set(p, JSON.stringify(v));
    remember();
  }

  // ---- hotspots ----

  /** A member document (`_id` = category|report: a report is in at most one hotspot of its category). */
  const memberOf = (parent: string, h: string, q: HotspotPoint): HotspotMemberDoc => ({ _id: `${parent}|${q.id}`, h, id: q.id, lat: q.lat, lng: q.lng, at: new Date(q.at), district: q.district });

  /**
   * A hotspot: ≥ minReports reports of one first-level category within
   * radiusM of the report that completes it, filed within windowHours before
   * it. A later report within radiusM of any of its reports, at most
   * windowHours after that one, joins it (the same hotspot grows).
   *
   * A batch's points (oldest first) are decided in memory, then written together. Reads: one `_id $in` of
   * the geo cells around all of them, one of the batch's own memberships (already a member: a replayed
   * journal), and the memberships of the points around, latest first, a chunk at a time until one is a
   * member (the hotspot of the latest member is the one joined): the same whether the hotspot has 6 members
   * or 6,000. Writes: the new hotspots (one insert), the existing hotspots joined (one grouped update, each
   * hotspot's joins of the batch folded into one `$inc`/`$min`/`$max`), the new members (inserts of ≤ CHUNK,
   * a new hotspot's members never split across two). A point decided earlier in the batch counts for the
   * later ones exactly as if written already (the in-memory memberships and the new hotspots' statistics).
   *
   * Concurrency: only the writer writes hotspots and members, and every write it makes runs in its one
   * serial queue (`exclusive`), so no two of its read-then-write steps interleave (each `$inc` is atomic
   * by itself, patch 0002 on the embedded FerretDB). Crash safety: a replayed journal runs this again for its points; a point whose member
   * document exists is done. A joined hotspot's update is guarded by `last ≠ the batch's last joiner` and
   * sets `last`; the members are written after it, oldest first, so after a crash the members missing are
   * the latest joiners of each hotspot, the replay folds the same last joiner, its update matches nothing
   * (not counted twice) and the members are inserted. A new hotspot is inserted whole (its statistics over
   * all its members, later joiners of the batch included), then its members in one insert (one
   * transaction on the embedded database); a replay finds none of them, founds it again, the insert fails
   * on the duplicate id, and the members are inserted.
   */
  async function detectHotspots(adds: Journal['geoAdd'], facts: Map<string, Fact>, s: HotspotSettings) {
    const points = adds.flatMap(({ p }) => {
      const f = facts.get(p.id);
      const q = f && pointOf(f);
      return f && q ? [{ f, p: q }] : [];
    });
    if (!points.length) return;
    const windowMs = s.windowHours * 3600_000;
    const rings = Math.ceil(s.radiusM / GEO_CELL_M);
    // (points read back or cached carry Dates; a replayed journal's, revived Dates too)
    const time = (q: HotspotPoint) => (q.at instanceof Date ? q.at.getTime() : new Date(q.at).getTime());
    // The 300 m cells around each point, on each day its window touches (in this order, as before).
    const cellIds = ({ f, p }: (typeof points)[number]) => {
      const [cx, cy] = geoCell(p);
      const days: string[] = [];
      for (let d = shanghaiDay(new Date(time(p) - windowMs)); d <= f.day; d = addDays(d, 1)) days.push(d);
      const ids: string[] = [];
      for (let x = cx - rings; x <= cx + rings; x++) for (let y = cy - rings; y <= cy + rings; y++) for (const d of days) ids.push(geoKey(f.parent, x, y, d));
      return ids;
    };
    // Raw driver queries: these collections have loose schemas, and mongoose's strictQuery would drop the filter.
    const cells = await geoPoints([...new Set(points.flatMap(cellIds))], geoCache, cellCache);
    // Each cell's points with their times as numbers, and the points of a set of cells latest first, sorted
    // once per batch (the reports of one spot share their cells).
    const timed = new Map([...cells].map(([id, pts]) => [id, pts.map((q) => ({ q, t: time(q) }))]));
    const merged = new Map<string, TimedPoint[]>();
    const latestFirst = (ids: string[]) => {
      const k = ids.join(',');
      let list = merged.get(k);
      if (!list) merged.set(k, (list = ids.flatMap((id) => timed.get(id) ?? []).sort((a, b) => b.t - a.t)));
      return list;
    };
    /** per merged list: the indices of its points not known to be non-members when the walk first used it */
    const maybeOf = new Map<TimedPoint[], number[]>();
    // Memberships known (`<category>|<report>` → hotspot id, null: none), the batch's own decisions included.
    const member = new Map<string, string | null>();
    const lookup = async (keys: string[]) => {
      const unknown = [...new Set(keys.filter((k) => !member.has(k)))];
      const rows = await findByIds<Pick<HotspotMemberDoc, '_id' | 'h'>>(HotspotMember.collection, unknown, { h: 1 });
      for (const k of unknown) member.set(k, null);
      for (const r of rows) member.set(r._id, r.h);
    };
    await lookup(points.map(({ f, p }) => `${f.parent}|${p.id}`));
    const founded = new Map<string, HotspotDoc>();
    /** joins of stored hotspots: the folded statistics and the last joiner */
    const joins = new Map<string, { inc: Record<string, number>; min: Record<string, number | Date>; max: Record<string, number | Date>; last: string }>();
    /** new members in groups (one per new hotspot, one per join), oldest decision first */
    const groups: HotspotMemberDoc[][] = [];
    const lower = <T extends number | Date>(a: T | undefined, b: T) => (a === undefined || b < a ? b : a);
    const upper = <T extends number | Date>(a: T | undefined, b: T) => (a === undefined || b > a ? b : a);
    // (in-process, the API's requests get the event loop between the points of a large flush)
    const slice = slicer();
    for (const { f, p } of points) {
      await slice();
      const key = (q: HotspotPoint) => `${f.parent}|${q.id}`;
      if (member.get(key(p))) continue;
      const at = time(p);
      const list = latestFirst(cellIds({ f, p }));
      const ok = (e: TimedPoint) => e.q.id !== p.id && at - e.t <= windowMs && distanceMeters(p, e.q) <= s.radiusM;
      // Joins the hotspot of the latest member around (several, hotspots that grew towards each other: then
      // the smallest id), as before. Walked latest first, memberships asked 50 at a time, stopping at the
      // first member: a hotspot's thousands of members are neither all read nor all measured.
      // The walk skips, without measuring them, the points later than this one that were known non-members
      // when the list was made: the flush's own later points, not decided yet (the points are decided oldest
      // first, so none of them becomes a member before this one is decided). Without this, a flush of n
      // reports at one spot walked past its own later points for each: n² distances (a second of the API's
      // event loop for a flush of 1,500, in-process). `idx(k)`: the k-th list index walked.
      // (Only the points later than the list's first user are ever walked this way: the ones at or before the
      // earliest point of the flush are walked in full. The first user is the earliest, points being oldest first.)
      const start = firstAtOrBefore(list, at);
      let maybe = maybeOf.get(list);
      if (!maybe) {
        const m: number[] = [];
        for (let i = 0; i < start; i++) if (member.get(key(list[i].q)) !== null) m.push(i);
        maybeOf.set(list, (maybe = m));
      }
      const head = lowerBound(maybe, start);
      const n = head + list.length - start;
      const idx = (k: number) => (k < head ? maybe[k] : start + k - head);
      let h: string | null = null;
      for (let from = 0; !h && from < n; ) {
        const unknown: string[] = [];
        let to = from;
        for (; to < n; to++) {
          const e = list[idx(to)];
          const m = member.get(key(e.q));
          if (m === null || !ok(e)) continue;
          if (m) break;
          if (unknown.push(key(e.q)) === 50) break;
        }
        await lookup(unknown);
        const end = Math.min(to, n - 1);
        let hit = -1;
        for (let x = from; x <= end && hit < 0; x++) {
          const i = idx(x);
          if (member.get(key(list[i].q)) && ok(list[i])) hit = i;
        }
        if (hit >= 0) {
          // Every point of that same instant (adjacent in the list), then the smallest hotspot id.
          let a = hit;
          let b = hit;
          while (a > 0 && list[a - 1].t === list[hit].t) a--;
          while (b + 1 < list.length && list[b + 1].t === list[hit].t) b++;
          const tied = list.slice(a, b + 1).filter(ok);
          await lookup(tied.map((e) => key(e.q)));
          h = tied.map((e) => member.get(key(e.q))).filter((x): x is string => Boolean(x)).sort()[0];
        }
        from = end + 1;
      }
      if (h) {
        const doc = founded.get(h);
        if (doc) {
          // Joins a hotspot this batch founded: its document is not written yet, so it takes the join.
          doc.count++;
          doc.sLat += p.lat;
          doc.sLng += p.lng;
          doc.dc[p.district] = (doc.dc[p.district] ?? 0) + 1;
          doc.minLat = Math.min(doc.minLat, p.lat);
          doc.maxLat = Math.max(doc.maxLat, p.lat);
          doc.minLng = Math.min(doc.minLng, p.lng);
          doc.maxLng = Math.max(doc.maxLng, p.lng);
          doc.firstAt = lower(doc.firstAt, new Date(p.at));
          doc.lastAt = upper(doc.lastAt, new Date(p.at));
          doc.last = p.id;
        } else {
          let j = joins.get(h);
          if (!j) joins.set(h, (j = { inc: {}, min: {}, max: {}, last: p.id }));
          for (const [k, n] of [['count', 1], ['sLat', p.lat], ['sLng', p.lng], [`dc.${p.district}`, 1]] as const) j.inc[k] = (j.inc[k] ?? 0) + n;
          j.min.minLat = lower(j.min.minLat as number | undefined, p.lat);
          j.min.minLng = lower(j.min.minLng as number | undefined, p.lng);
          j.min.firstAt = lower(j.min.firstAt as Date | undefined, new Date(p.at));
          j.max.maxLat = upper(j.max.maxLat as number | undefined, p.lat);
          j.max.maxLng = upper(j.max.maxLng as number | undefined, p.lng);
          j.max.lastAt = upper(j.max.lastAt as Date | undefined, new Date(p.at));
          j.last = p.id;
        }
        member.set(key(p), h);
        groups.push([memberOf(f.parent, h, p)]);
        continue;
      }
      const members = list.slice(start).filter(ok).map((e) => e.q);
      const unique = [...new Map(members.map((q) => [q.id, q])).values()];
      unique.push(p);
      if (unique.length < s.minReports) continue;
      const times = unique.map(time);
      const lats = unique.map((q) => q.lat);
      const lngs = unique.map((q) => q.lng);
      const dc: Record<string, number> = {};
      for (const q of unique) dc[q.district] = (dc[q.district] ?? 0) + 1;
      const doc: HotspotDoc = {
        _id: `hs_${f._id}`,
        parent: f.parent,
        parentName: f.parentName,
        count: unique.length,
        sLat: lats.reduce((a, b) => a + b, 0),
        sLng: lngs.reduce((a, b) => a + b, 0),
        minLat: Math.min(...lats),
        maxLat: Math.max(...lats),
        minLng: Math.min(...lngs),
        maxLng: Math.max(...lngs),
        dc,
        firstAt: new Date(Math.min(...times)),
        lastAt: new Date(Math.max(...times)),
        last: p.id,
        createdAt: new Date(),
        announce: deps.announce ? 'pending' : 'none',
      };
      founded.set(doc._id, doc);
      for (const q of unique) member.set(key(q), doc._id);
      groups.push(unique.map((q) => memberOf(f.parent, doc._id, q)));
    }
    if (founded.size) {
      await bulkIgnoringApplied(Hotspot.collection as unknown as Collection, [...founded.values()].map((d) => ({ insertOne: { document: d } }) as unknown as AnyBulkWriteOperation));
      for (const d of founded.values()) log.info('insight: new hotspot', { id: d._id, category: d.parent, count: d.count });
    }
    const updates = [...joins].map(
      ([h, j]) => ({ updateOne: { filter: { _id: h, last: { $ne: j.last } }, update: { $inc: j.inc, $min: j.min, $max: j.max, $set: { last: j.last } } } }) as unknown as AnyBulkWriteOperation,
    );
    for (let i = 0; i < updates.length; i += CHUNK) await bulkIgnoringApplied(Hotspot.collection as unknown as Collection, updates.slice(i, i + CHUNK));
    // Members oldest decision first, in inserts of at most CHUNK documents that never split a group
    // (unless one group alone is bigger).
    let chunk: HotspotMemberDoc[] = [];
    for (const g of groups) {
      if (chunk.length && chunk.length + g.length > CHUNK) {
        await insertMembers(chunk);
        chunk = [];
      }
      chunk.push(...g);
    }
    if (chunk.length) await insertMembers(chunk);
  }

  /** Inserts member documents, skipping any already there (a replay). */
  async function insertMembers(docs: HotspotMemberDoc[]) {
    await bulkIgnoringApplied(HotspotMember.collection as unknown as Collection, docs.map((d) => ({ insertOne: { document: d } }) as unknown as AnyBulkWriteOperation));
  }

  /**
   * Hotspots stored by an earlier version (members as arrays inside the document, `pts`): their members
   * move to `insight_hotspot_members` and the document keeps only its statistics. Once, when the writer
   * starts; idempotent (the members' inserts skip duplicates, the `$set`/`$unset` is last).
   */
  async function migrateHotspots() {
    const old = (await Hotspot.collection.find({ pts: { $exists: true } } as never).toArray()) as unknown as (HotspotDoc & { pts: HotspotPoint[] })[];
    for (const h of old) {
      const pts = [...new Map(h.pts.map((q) => [q.id, q])).values()];
      if (!pts.length) continue;
      await insertMembers(pts.map((q) => memberOf(h.parent, h._id, q)));
      const dc: Record<string, number> = {};
      for (const q of pts) dc[q.district] = (dc[q.district] ?? 0) + 1;
      const lats = pts.map((q) => q.lat);
      const lngs = pts.map((q) => q.lng);
      await Hotspot.collection.updateOne({ _id: h._id } as never, {
        $set: { count: pts.length, sLat: lats.reduce((a, b) => a + b, 0), sLng: lngs.reduce((a, b) => a + b, 0), minLat: Math.min(...lats), maxLat: Math.max(...lats), minLng: Math.min(...lngs), maxLng: Math.max(...lngs), dc },
        $unset: { pts: '', reportIds: '', center: '', radiusM: '', district: '' },
      } as never);
    }
    if (old.length) log.info('insight: hotspots moved to member documents', { hotspots: old.length });
  }

  /** Sends pending hotspot announcements (idempotencyKey `hotspot:<id>`, so a resend is harmless). */
  async function announcePending() {
    if (!deps.announce) return;
    const pending = (await Hotspot.collection.find({ announce: 'pending' } as never).limit(50).toArray()) as unknown as HotspotDoc[];
    const reportIds = await reportIdsOf(pending.map((h) => h._id));
    for (const h of pending) {
      try {
        await deps.announce({
          event: 'hotspot',
          idempotencyKey: `hotspot:${h._id}`,
          hotspotId: h._id,
          ...hotspotFields(h, reportIds.get(h._id) ?? []),
        });
        await Hotspot.collection.updateOne({ _id: h._id } as never, { $set: { announce: 'sent' } });
      } catch (err) {
        await Hotspot.collection.updateOne({ _id: h._id } as never, { $inc: { announceAttempts: 1 } });
        log.warn('insight: hotspot announcement failed, will retry', { id: h._id, error: (err as Error).message });
      }
    }
  }

  // ---- the passes ----

  /**
   * Applies what was heard, in batches of BATCH. `upTo`: only what was heard by then (a pass the lag forced
   * while writes go on: what is heard meanwhile waits for its own turn, so the writer does not keep the
   * database busy for as long as the traffic lasts); without it, until nothing is left.
   */
  async function drainQueue(upTo = Infinity) {
    while (queue.size) {
      const batch: [string, Fact | null][] = [];
      for (const [id, e] of queue) {
        if (batch.length === flushMax || e.at > upTo) break;
        batch.push([id, e.fact]);
      }
      if (!batch.length) break;
      for (const [id] of batch) queue.delete(id);
      // Every report write heard before this instant is in this batch or an earlier one (the queue is in
      // the order heard): with cursor 'events', the scan need not read them again once it is applied.
      const heardUpTo = queue.size ? queue.values().next().value!.at : Date.now();
      // Only the reports heard by id are read (BATCH at a time: the repository reads each by its `_id`, all
      // at once); the stored ones' facts came with the event. A fact older than the stored one (v =
      // updatedAt) is skipped by processReports, so a late event never regresses.
      const heard = batch.flatMap(([, f]) => (f ? [f] : []));
      const toRead = batch.flatMap(([id, f]) => (f ? [] : [id]));
      const read: Fact[] = [];
      for (let i = 0; i < toRead.length; i += BATCH) read.push(...(await repo.findByIds(toRead.slice(i, i + BATCH))).map(factOf));
      await processReports([...heard, ...read], cursorFromEvents ? heardUpTo : undefined);
    }
  }

  /**
   * Reports changed since the cursor (other processes, or lost to a crash), applied as one journal per
   * flushMax (one flush per pass, normally), oldest first. What this writer applied within the margin is
   * not looked at again (appliedV: no read of its fact).
   */
  async function scan() {
    const { cursor } = await state();
    let found: Fact[] = [];
    const processOldestFirst = async (newestFirst: ReportLike[]) => {
      for (const r of [...newestFirst].reverse()) {
        const f = factOf(r);
        if ((appliedV.get(f._id) ?? -1) < f.v) found.push(f);
      }
      if (found.length >= flushMax) {
        await processReports(found);
        found = [];
      }
    };
    let from = Math.max(0, cursor - SCAN_MARGIN_MS);
    const until = Date.now() + SCAN_MARGIN_MS; // later changes: the next scan (its cursor is `newest`)
    let newest = cursor;
    const at = (r: ReportLike) => new Date(r.updatedAt as Date).getTime();
    // Oldest first, as batches must come (detectHotspots decides a batch's points oldest first, and a hotspot is
    // completed by a later report): time windows [from, from + width), each read newest first and stopped after
    // BATCH + 1 reports (repo.changedSince: a descending sort, which the embedded database walks on the
    // `updatedAt` index and stops; it does not stream an ascending one, so "oldest first, limit 200" read and
    // sorted every report since `from` for each page, n²/400 decoded reports for a catch-up of n).
    // A window holding more than BATCH is not read again narrower: its page is the window's newest BATCH + 1, so
    // it holds EVERY report stamped after its oldest one (`edge`). Those are kept aside (`upper`) and the rest of
    // the window, [from, edge], is read next the same way; once a read holds a page or less, it is processed,
    // then the parts kept aside, oldest first. So each report is read once (those stamped at an edge twice). The
    // narrowing this replaces discarded each overflowing page and, from a cursor far behind the reports (a
    // writer's first scan, as in bench:pipeline's drain), stepped back up through the empty years before them
    // again after every narrowing: 2,000 reports cost 4,600–6,600 decoded reports (docs/ARCHITECTURE.md, "Speed of
    // the delivery path, sixth pass"). At most UPPER_MAX reports are kept aside (memory): past that the newest
    // parts are dropped, and read again as later windows.
    let width = 60_000;
    while (from <= until) {
      let to = Math.min(from + width, until + 1);
      let end = to;
      const upper: { reports: ReportLike[]; to: number }[] = []; // newest part first; `to`: its exclusive upper bound
      let held = 0;
      let taken = 0;
      let oldestTaken: number | null = null;
      const take = async (newestFirst: ReportLike[]) => {
        if (!newestFirst.length) return;
        oldestTaken ??= at(newestFirst.at(-1)!);
        taken += newestFirst.length;
        newest = Math.max(newest, at(newestFirst[0]));
        await processOldestFirst(newestFirst);
      };
      for (;;) {
        const page = await paced(() => repo.changedSince(new Date(from), BATCH + 1, new Date(to - 1)));
        if (page.length <= BATCH || to - from <= 1) {
          // The rest of the window (a window of one instant is taken whole, whatever it holds: limit 0).
          await take(page.length > BATCH ? await repo.changedSince(new Date(from), 0, new Date(from)) : page);
          break;
        }
        const edge = at(page.at(-1)!);
        let above = page.filter((r) => at(r) > edge);
        const partTo = to;
        if (above.length) to = edge + 1;
        else {
          // The whole page at one instant: that instant, whole, is the part kept aside.
          above = await repo.changedSince(new Date(edge), 0, new Date(edge));
          to = edge;
        }
        upper.push({ reports: above, to: partTo });
        held += above.length;
        while (held > UPPER_MAX) {
          held -= upper.shift()!.reports.length;
          end = upper[0]?.to ?? to;
        }
      }
      for (const part of upper.reverse()) await take(part.reports);
      // The next window: about a page, judged by this one's density (from its oldest report read, where parts were
      // dropped or the window began far before its reports); a sparse one doubles.
      const span = end - (oldestTaken ?? from);
      if (taken < BATCH / 2) width *= 2;
      else width = Math.max(1, Math.floor((Math.max(1, span) * BATCH) / taken));
      from = end;
    }
    // Reports stamped later than that (another instance's clock ahead): taken whole, as the unbounded scan did.
    const ahead = await repo.changedSince(new Date(until + 1), 0);
    await processOldestFirst(ahead);
    if (ahead.length) newest = Math.max(newest, new Date(ahead[0].updatedAt as Date).getTime());
    await processReports(found);
    await saveState({ cursor: newest });
  }

  async function rebuildNow(): Promise<{ reports: number; buckets: number; ms: number; phases: Record<string, number> }> {
    const started = Date.now();
    geoCache.clear();
    cellCache.clear();
    // read: wall time of the parallel read (the facts' inserts overlap with it); compute: this thread's
    // time turning reports into facts and bucket entries; factsWait: time workers waited for their facts'
    // inserts, summed over workers (so it can exceed `read`).
    const phases: Record<string, number> = { read: 0, compute: 0, factsWait: 0, buckets: 0, geo: 0 };
    // Dropped and made again, not emptied: FerretDB deletes a document at a time, decoding each first
    // (a million facts took longer than writing them).
    for (const model of [FactModel, Bucket, GeoCell]) await recreateCollection(model);
    knownLabels.clear();
    knownBuckets.clear();
    appliedV.clear();
    const { seq } = await state();
    // Built in memory as nested objects (one per bucket), then inserted whole.
    const buckets = new Map<string, Record<string, any>>();
    const emit = (doc: string, path: string, n: number) => {
      let b = buckets.get(doc);
      if (!b) buckets.set(doc, (b = { _id: doc, j: seq }));
      setPath(b, path, n, true);
    };
    const labels: Record<string, any> = { _id: LABELS_ID, j: seq };
    const labelPaths = new Map<string, unknown>();
    const geo = new Map<string, HotspotPoint[]>();
    let count = 0;
    let mark = Date.now();
    await repo.forEachPage(
      async (page) => {
        const t0 = Date.now();
        const facts = page.map(factOf);
        for (const f of facts) {
          emitContribution(emit, f, 1);
          labelsOf(labelPaths, f);
          const p = pointOf(f);
          if (p) {
            const k = geoDocOf(f);
            const list = geo.get(k);
            if (list) list.push(p);
            else geo.set(k, [p]);
          }
        }
        const t1 = Date.now();
        phases.compute += t1 - t0;
        // One bulk insert per page; the other workers read on meanwhile.
        await FactModel.collection.insertMany(facts.map(storedFact) as never[], { ordered: false });
        phases.factsWait += Date.now() - t1;
        count += page.length;
      },
      { parallel: rebuildParallel, batchSize: 5000 },
    );
    const lap = (phase: string) => {
      const now = Date.now();
      phases[phase] += now - mark;
      mark = now;
    };
    lap('read');
    for (const [p, v] of labelPaths) setPath(labels, p, v, false);
    const docs = [...buckets.values(), labels];
    for (let i = 0; i < docs.length; i += 500) await Bucket.collection.insertMany(docs.slice(i, i + 500) as never[], { ordered: false });
    lap('buckets');
    const geoDocs = [...geo].map(([_id, pts]) => ({ _id, pts }));
    for (let i = 0; i < geoDocs.length; i += 2000) await GeoCell.collection.insertMany(geoDocs.slice(i, i + 2000) as never[], { ordered: false });
    lap('geo');
    // Changes made while we read are found again by the scan (their updatedAt is after this). A new
    // epoch tells readers' caches to drop everything.
    await saveState({ cursor: started, journal: null, layout: ROLLUP_LAYOUT, epoch: `rebuild-${Date.now()}` });
    return { reports: count, buckets: docs.length, ms: Date.now() - started, phases };
  }

  const enabled = deps.enabled ?? true;
  const tickMs = deps.tickMs ?? 250;
  const maxLagMs = deps.maxLagMs ?? DEFAULT_MAX_LAG_MS;
  /** when the latest report write was heard (an event) or seen (the scan's probe) */
  let lastHeardAt = 0;
  /** whether this writer hears the repository's events (in-process) */
  let heardAny = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
  /**
   * Whether reports are being written now: one heard within the last tick, or else (the writer's own
   * instance hears nothing) one changed within it, asked of the `updatedAt` index (one entry read).
   */
  async function busy(): Promise<boolean> {
    if (Date.now() - lastHeardAt < tickMs) return true;
    const recent = await repo.changedSince(new Date(Date.now() - tickMs), 1);
    if (recent.length) lastHeardAt = Math.max(lastHeardAt, new Date(recent[0].updatedAt).getTime());
    return recent.length > 0;
  }
  /**
   * The scan waits while reports are being written: for maxLagMs at most where the scan is how the writer
   * learns of them (its own instance), for a scan period where it hears them (in-process, where the scan is
   * the safety net: the reports it heard are written by `check`, on their own lag).
   */
  async function yieldToWrites() {
    const until = Date.now() + (heardAny ? Math.max(maxLagMs, deps.scanMs ?? 30_000) : maxLagMs);
    while (maxLagMs > 0 && Date.now() < until && (await busy())) await sleep(tickMs);
  }
  /** figures for the bench: how much the writer holds, and since when */
  let passes = 0;
  let scanned = false;
  let forced = 0;

  const scanner = periodic('insight scan', async () => {
    await yieldToWrites();
    await exclusive(async () => {
      await InsightState.collection.updateOne({ _id: STATE_ID } as never, { $set: { heartbeatAt: new Date() } }, { upsert: true });
      const s = await InsightState.findById(STATE_ID).lean<{ rebuildRequestedAt?: Date | null }>();
      if (s?.rebuildRequestedAt) {
        const r = await rebuildNow();
        await saveState({ rebuildRequestedAt: null, rebuildDone: { at: new Date(), ...r } });
      }
      // What was heard is left to `check` (on its own lag); the scan skips what is counted already.
      // With the events' cursor, the first pass only: a crash's loss is found then; later ones find nothing.
      if (!cursorFromEvents || !scanned) await scan();
      scanned = true;
      await announcePending();
    });
  }, { everyMs: deps.scanMs ?? 30_000, log, firstAfterMs: 1000 });

  let kick: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  function arm(ms: number) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, ms));
    timer.unref();
  }
  /**
   * Writes what was heard, or waits. Without maxLagMs: a batch a tick after the first report heard (or at
   * BATCH reports). With it, the writer yields to the writes it hears (the submits' own writes wait for
   * every write transaction of the embedded database, the writer's included): it writes once no report
   * was heard for a tick, or when the oldest report it holds was heard maxLagMs ago — then only what was
   * heard until then, in batches of BATCH, each write command at most CHUNK statements — or past
   * MAX_QUEUE reports held.
   */
  function check() {
    timer = null;
    if (!queue.size || kick) return;
    if (maxLagMs <= 0) return kickNow();
    const now = Date.now();
    const oldest = queue.values().next().value!.at;
    const quietFor = now - lastHeardAt;
    if (quietFor >= tickMs) return kickNow(now);
    if (now - oldest >= maxLagMs || queue.size >= MAX_QUEUE) {
      forced++;
      return kickNow(now);
    }
    arm(Math.min(tickMs - quietFor, oldest + maxLagMs - now));
  }
  function kickNow(upTo = Infinity) {
    if (timer) clearTimeout(timer);
    timer = null;
    kick ??= exclusive(async () => {
      passes++;
      await drainQueue(upTo);
      await announcePending();
    })
      .catch((err) => log.warn('insight: batch failed (the scan retries)', { error: err }))
      .finally(() => {
        kick = null;
        // Heard meanwhile: its own turn (check: quiet, or its own lag).
        if (!stopped && queue.size && !timer) arm(0);
      });
  }
  /**
   * A report was stored or changed. With its fact (from the `stored` event's document, as inserted): nothing
   * to read later. Without (a `changed` event): read when the batch runs, and an earlier event's fact no longer
   * counts. A report already held keeps its place and the time it was first heard (its lag counts from then).
   */
  function heard(id: string, fact: Fact | null) {
    const now = Date.now();
    lastHeardAt = now;
    heardAny = true;
    const held = queue.get(id);
    const f = fact && held?.fact !== null ? fact : null;
    if (held) held.fact = f;
    else queue.set(id, { fact: f, at: now });
    if (maxLagMs <= 0 && (queue.size >= BATCH || tickMs <= 0)) kickNow();
    else if (maxLagMs > 0 && queue.size >= MAX_QUEUE) check();
    else if (!timer && !kick) arm(tickMs);
  }
  return {
    /**
     * A report was stored or changed: its contribution is brought up to date within a tick, or, while
     * report writes go on, within maxLagMs (check). The reports heard during one wait are written
     * together: one journal per BATCH, and the few write transactions of applyJournal, whatever their
     * number.
     */
    enqueue(id: string, report?: ReportLike) {
      if (!enabled) return;
      heard(id, report ? factOf(report) : null);
    },
    /**
     * `enqueue` with the fact already computed (`factOf` of the stored event's document; null: only the id
     * was heard): the writer's thread (writerThread.ts) is told facts, computed on the API's thread.
     */
    heard(id: string, fact: Fact | null) {
      if (!enabled) return;
      heard(id, fact);
    },
    /** What the writer holds now: reports heard and not yet written, and how long ago the oldest came (the bench). */
    lag: () => ({ held: queue.size, oldestMs: queue.size ? Date.now() - queue.values().next().value!.at : 0, passes, forced }),
    /** Everything heard so far applied, and a scan made (tests, the CLI). */
    drain: () =>
      exclusive(async () => {
        await drainQueue();
        await scan();
        scanned = true;
        await announcePending();
      }),
    /** Everything heard so far applied, without a scan (the bench). */
    settle: () => exclusive(() => drainQueue()),
    /** Recomputes facts, buckets and the geo grid from the reports (hotspots and alerts are kept). */
    rebuild: () => exclusive(rebuildNow, { rebuilding: true }),
    start: () => {
      stopped = false;
      return enabled && scanner.start();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await scanner.stop();
      await kick;
      // What was heard is written now, not left to the next start's scan.
      if (queue.size) await exclusive(() => drainQueue()).catch((err) => log.warn('insight: batch failed (the scan retries)', { error: err }));
      await chain;
    },
  };
}

export type RollupWriter = ReturnType<typeof createRollupWriter>;

/** Whether a writer process is alive (heartbeat within `withinMs`): the CLI then asks it to rebuild. */
export async function writerAlive(withinMs: number): Promise<boolean> {
  const s = await InsightState.findById(STATE_ID).lean<{ heartbeatAt?: Date }>();
  return Boolean(s?.heartbeatAt && Date.now() - new Date(s.heartbeatAt).getTime() < withinMs);
}

export async function requestRebuild(): Promise<Date> {
  const at = new Date();
  await InsightState.collection.updateOne({ _id: STATE_ID } as never, { $set: { rebuildRequestedAt: at } }, { upsert: true });
  return at;
}

export async function rebuildDoneSince(at: Date): Promise<{ reports: number; buckets: number; ms: number } | null> {
  const s = await InsightState.findById(STATE_ID).lean<{ rebuildDone?: { at: Date; reports: number; buckets: number; ms: number } }>();
  return s?.rebuildDone && new Date(s.rebuildDone.at) >= at ? s.rebuildDone : null;
}


/** The pipeline message's fields: the console's view of the hotspot, its creation time as `at`. */
function hotspotFields(h: HotspotDoc, reportIds: string[]) {
  const { id: _id, createdAt, ...rest } = presentHotspot(h, reportIds);
  return { ...rest, at: createdAt };
}
