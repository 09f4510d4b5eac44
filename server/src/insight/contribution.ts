/**
 * What one report contributes to the rollups, as plain data (no database).
 *
 * A report becomes a `Fact` (its compact, analysis-relevant projection); a
 * fact becomes increments of bucket documents (one per Asia/Shanghai day and
 * one per month). A change of a report is the difference of its old and new
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
    cell: point ? cellOf(point) : null,
    v: new Date(r.updatedAt ?? r.createdAt).getTime(),
  };
}

/** Entry key inside a bucket: district|category|kind (codes never contain `|` or `.`). */
export const entryKey = (f: Pick<Fact, 'district' | 'cat' | 'kind'>) => `${f.district}|${f.cat}|${f.kind}`;
export const pairKey = (f: Pick<Fact, 'district' | 'cat'>) => `${f.district}|${f.cat}`;

/** bucket `_id` → dotted path → increment */
export type Increments = Map<string, Map<string, number>>;
/** bucket `_id` → dotted path → value (labels: names and parent code of an entry) */
export type Labels = Map<string, Map<string, unknown>>;

function add(into: Increments, doc: string, path: string, n: number) {
  if (!n) return;
  let m = into.get(doc);
  if (!m) into.set(doc, (m = new Map()));
  const v = (m.get(path) ?? 0) + n;
  if (v) m.set(path, v);
  else m.delete(path);
}

/**
 * Adds `sign` × the contribution of `f` to `into`: to its day bucket
 * (`d:YYYY-MM-DD`) and its month bucket (`m:YYYY-MM`, which also keeps the
 * per-day count of each entry under `dd.<DD>` for the daily series).
 */
export function addContribution(into: Increments, f: Fact, sign: 1 | -1): void {
  const key = entryKey(f);
  for (const doc of [`d:${f.day}`, `m:${f.day.slice(0, 7)}`]) {
    const e = `c.${key}.`;
    const inc = (field: string, on: boolean | number = true) => on && add(into, doc, e + field, sign);
    inc('n');
    inc('urgent', f.urgent);
    inc('resolved', f.resolved);
    inc('everResolved', f.everResolved);
    inc('overdue', f.overdue);
    inc('reopened', f.reopened);
    if (f.rating) {
      inc('rated');
      inc(f.rating === 'satisfied' ? 'sat' : f.rating === 'basically_satisfied' ? 'basic' : 'unsat');
    }
    if (f.acceptT != null) inc(`ha.${f.acceptT}`);
    if (f.dispatchT != null) inc(`hd.${f.dispatchT}`);
    if (f.resolveT != null) inc(`hr.${f.resolveT}`);
    if (doc.startsWith('m:')) inc(`dd.${f.day.slice(8)}`);
    if (f.cell) add(into, doc, `g.${pairKey(f)}.${f.cell}`, sign);
  }
}

export function labelsOf(into: Labels, f: Fact): void {
  for (const doc of [`d:${f.day}`, `m:${f.day.slice(0, 7)}`]) {
    let m = into.get(doc);
    if (!m) into.set(doc, (m = new Map()));
    const e = `c.${entryKey(f)}.`;
    m.set(e + 'cn', f.catName);
    m.set(e + 'p', f.parent);
    m.set(e + 'pn', f.parentName);
    m.set(e + 'dn', f.districtName);
  }
}

/** The increments that turn `before`'s contribution into `after`'s (either may be null). */
export function diff(before: Fact | null, after: Fact | null): Increments {
  const out: Increments = new Map();
  if (before) addContribution(out, before, -1);
  if (after) addContribution(out, after, 1);
  for (const [doc, m] of out) if (!m.size) out.delete(doc);
  return out;
}
