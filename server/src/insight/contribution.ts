/**
 * What one report contributes to the rollups, as plain data (no database).
 *
 * A report becomes a `Fact` (its compact, analysis-relevant projection); a
 * fact becomes increments of bucket documents (see bucketId: per Asia/Shanghai
 * day and month, per district and 专区, split by what a page reads). A change of a report is the difference of its old and new
 * contributions, so applying "new − old" keeps every counter exact, and
 * rebuilding from scratch is "sum of all new contributions".
 */

/** China has no daylight saving time: Asia/Shanghai is always UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export const shanghaiDay = (at: Date): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
/** Midnight of a `YYYY-MM-DD` Asia/Shanghai day, as an instant. */
export const dayStart = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

/** The part of a report the rollups need (see factOf). */
export interface Fact {
  _id: string;
  at: Date;
  day: string;
  district: string;
  districtName: string;
  cat: string;
  catName: string;
  parent: string;
  parentName: string;
  kind: 'complaint' | 'snap';
  urgent: boolean;
  /** now 办结 (status resolved or closed) */
  resolved: boolean;
  /** reached 办结 at least once (the denominator of the reopen rate and of the share rated) */
  everResolved: boolean;
  overdue: boolean;
  reopened: boolean;
  rating: Rating | null;
  /** hours from filing to the first 受理 / 派单 / 办结, in tenths of an hour (null: not reached) */
  acceptT: number | null;
  dispatchT: number | null;
  resolveT: number | null;
  point: { lat: number; lng: number } | null;
  /** the 专区 it was filed through (id and title), null when none */
  zone: string | null;
  zoneTitle: string | null;
  /** ~500 m cell for concentration, null without a point */
  cell: string | null;
  /** report's updatedAt (ms): a fact older than its report is recomputed */
  v: number;
}

export interface ReportLike {
  _id: string;
  createdAt: Date;
  updatedAt?: Date;
  kind: string;
  status: string;
  urgent?: boolean | null;
  category?: { code?: string | null; name?: string | null; parentCode?: string | null; parentName?: string | null } | null;
  district?: { code?: string | null; name?: string | null } | null;
  point?: { lat?: number | null; lng?: number | null } | null;
  timeline?: { at: Date; status: string }[];
  overdueAt?: Date | null;
  rating?: { value?: string | null } | null;
  zone?: { id?: string | null; title?: string | null } | null;
}

export const NONE = 'none';

/** ~500 m cells: 0.0045° of latitude; 0.00525° of longitude at Shanghai's 31°N. */
export const cellOf = (p: { lat: number; lng: number }): string => `${Math.floor(p.lat / 0.0045)}:${Math.floor(p.lng / 0.00525)}`;

export function factOf(r: ReportLike): Fact {
  const created = new Date(r.createdAt);
  const firstAt = (status: string) => r.timeline?.find((e) => e.status === status)?.at;
  const tenths = (status: string) => {
    const at = firstAt(status);
    return at ? Math.max(0, Math.round((new Date(at).getTime() - created.getTime()) / 360_000)) : null;
  };
  const cat = r.category?.code ?? NONE;
  const point = r.point?.lat != null && r.point?.lng != null ? { lat: r.point.lat, lng: r.point.lng } : null;
  const rating = (['satisfied', 'basically_satisfied', 'unsatisfied'] as const).find((v) => v === r.rating?.value) ?? null;
  return {
    _id: r._id,
    at: created,
    day: shanghaiDay(created),
    district: r.district?.code ?? NONE,
    districtName: r.district?.name ?? '未定位',
    cat,
    catName: r.category?.name ?? '未分类',
    parent: r.category?.parentCode ?? (cat === NONE ? NONE : cat),
    parentName: r.category?.parentName ?? r.category?.name ?? '未分类',
    kind: r.kind === 'snap' ? 'snap' : 'complaint',
    urgent: Boolean(r.urgent),
    resolved: r.status === 'resolved' || r.status === 'closed',
    everResolved: Boolean(firstAt('resolved')),
    overdue: Boolean(r.overdueAt),
    reopened: Boolean(firstAt('reopened')),
    rating,
    acceptT: tenths('accepted'),
    dispatchT: tenths('dispatched'),
    resolveT: tenths('resolved'),
    point,
    zone: r.zone?.id ?? null,
    zoneTitle: r.zone?.id ? (r.zone.title ?? null) : null,
    cell: point ? cellOf(point) : null,
    v: new Date(r.updatedAt ?? r.createdAt).getTime(),
  };
}

/** A fact in its stored form (insightModel's StoredFact): the queried fields, and the whole fact as JSON. */
export function storedFact(f: Fact) {
  return { _id: f._id, district: f.district, cat: f.cat, day: f.day, zone: f.zone, at: f.at, f: JSON.stringify(f) };
}

/** The fact back from its stored form (`at`, the one date, revived). */
export function factFromStored(s: { f: string }): Fact {
  const f = JSON.parse(s.f) as Fact;
  f.at = new Date(f.at);
  return f;
}

/**
 * The counters every bucket entry keeps: the ONE list of them. The writer
 * increments exactly these (`countersOf`), the reader sums exactly these.
 */
export const COUNTERS = ['n', 'urgent', 'resolved', 'everResolved', 'overdue', 'reopened', 'rated', 'sat', 'basic', 'unsat'] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export function countersOf(f: Fact): Counters {
  const b = (on: boolean) => (on ? 1 : 0);
  return {
    n: 1,
    urgent: b(f.urgent),
    resolved: b(f.resolved),
    everResolved: b(f.everResolved),
    overdue: b(f.overdue),
    reopened: b(f.reopened),
    rated: b(Boolean(f.rating)),
    sat: b(f.rating === 'satisfied'),
    basic: b(f.rating === 'basically_satisfied'),
    unsat: b(f.rating === 'unsatisfied'),
  };
}

/** The three timings, as histogram name → fact field. */
export const TIMINGS = { a: 'acceptT', d: 'dispatchT', r: 'resolveT' } as const satisfies Record<string, keyof Fact>;
export type Timing = keyof typeof TIMINGS;

/**
 * Histogram bin of a duration in tenths of an hour: exact to 0.1 h below 10 h,
 * to 1 h below 100 h, to 10 h above (like HdrHistogram's buckets). This bounds
 * a histogram to ~280 keys however many reports a month holds; percentiles
 * report the bin's lower edge.
 */
export const hourBin = (t: number): number => (t < 100 ? t : t < 1000 ? Math.floor(t / 10) * 10 : Math.floor(t / 100) * 100);

/**
 * Bucket documents, each keyed by `_id` = `<part>|<period>|<scope>`:
 * - part: `c` counters (`e.<district>|<cat>|<kind>.<counter>`), `s` daily counts of a month
 *   (`e.<district>|<cat>.<DD>`), `h` timing histograms (`e.<district>|<cat>.<a|d|r>.<bin>`),
 *   `g` ~500 m cells (`e.<district>|<cat>.<cell>`): a page reads only the parts it shows;
 * - period: `d:YYYY-MM-DD` or `m:YYYY-MM` (Asia/Shanghai), so a long period is mostly whole months;
 * - scope: `all` (the whole city), the district code (or `none`), and for a report filed through a
 *   专区 also `z:<zoneId>`: a page reads one scope per period unfiltered, its districts' when filtered
 *   or scoped, its 专区's when filtered by one.
 * Codes never contain `|` or `.`.
 */
export type Part = 'c' | 's' | 'h' | 'g';
export const bucketId = (part: Part, period: string, scope: string) => `${part}|${period}|${scope}`;
export const zoneScope = (zoneId: string) => `z:${zoneId}`;
/** The whole city, pre-merged: an unfiltered page reads one document per period instead of one per district. */
export const CITY = 'all';
export const scopesOf = (f: Pick<Fact, 'district' | 'zone'>) => (f.zone ? [CITY, f.district, zoneScope(f.zone)] : [CITY, f.district]);
export const pairKey = (f: Pick<Fact, 'district' | 'cat'>) => `${f.district}|${f.cat}`;
export const entryKey = (f: Pick<Fact, 'district' | 'cat' | 'kind'>) => `${f.district}|${f.cat}|${f.kind}`;
/** The labels document (category names and parents, zone titles), kept with the buckets. */
export const LABELS_ID = 'labels';

/** Receives (bucket `_id`, dotted path, increment). */
export type Emit = (doc: string, path: string, n: number) => void;

/**
 * Emits `sign` × the contribution of `f`: to its day and its month, in each
 * of its scopes.
 */
export function emitContribution(emit: Emit, f: Fact, sign: 1 | -1): void {
  const counters = countersOf(f);
  for (const period of [`d:${f.day}`, `m:${f.day.slice(0, 7)}`]) {
    for (const scope of scopesOf(f)) {
      const e = `e.${entryKey(f)}.`;
      const p = `e.${pairKey(f)}.`;
      const c = bucketId('c', period, scope);
      for (const k of COUNTERS) if (counters[k]) emit(c, e + k, sign * counters[k]);
      if (period.startsWith('m:')) emit(bucketId('s', period, scope), p + f.day.slice(8), sign);
      for (const [h, field] of Object.entries(TIMINGS) as [Timing, (typeof TIMINGS)[Timing]][]) {
        const t = f[field];
        if (t != null) emit(bucketId('h', period, scope), `${p}${h}.${hourBin(t)}`, sign);
      }
      if (f.cell) emit(bucketId('g', period, scope), p + f.cell, sign);
    }
  }
}

/** bucket `_id` → dotted path → increment */
export type Increments = Map<string, Map<string, number>>;

export function addContribution(into: Increments, f: Fact, sign: 1 | -1): void {
  emitContribution((doc, path, n) => {
    let m = into.get(doc);
    if (!m) into.set(doc, (m = new Map()));
    const v = (m.get(path) ?? 0) + n;
    if (v) m.set(path, v);
    else m.delete(path);
  }, f, sign);
}

/** The labels a fact carries, as paths of the labels document. */
export function labelsOf(into: Map<string, unknown>, f: Fact): void {
  into.set(`c.${f.cat}`, { n: f.catName, p: f.parent, pn: f.parentName });
  if (f.parent !== f.cat) into.set(`c.${f.parent}`, { n: f.parentName, p: f.parent, pn: f.parentName });
  if (f.zone) into.set(`z.${f.zone}`, f.zoneTitle ?? f.zone);
}

/** The increments that turn `before`'s contribution into `after`'s (either may be null). */
export function diff(before: Fact | null, after: Fact | null): Increments {
  const out: Increments = new Map();
  if (before) addContribution(out, before, -1);
  if (after) addContribution(out, after, 1);
  for (const [doc, m] of out) if (!m.size) out.delete(doc);
  return out;
}
