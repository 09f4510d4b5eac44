import { SHANGHAI_DISTRICTS, type HotspotSettings, type ListedReport } from '@ssp/shared';
import type { ReportRepository } from '../reports/reportRepository';
import { createBucketCache, type BucketDoc } from './bucketCache';
import { addDays, bucketId, CITY, COUNTERS, daysBetween, factFromStored, shanghaiDay, dayStart, LABELS_ID, NONE, zoneScope, type Counters, type Part, type Timing } from './contribution';
import { AlertSeen, Fact as FactModel, Hotspot, InsightSettings, reportIdsOf, type HotspotDoc, type StoredFact } from './insightModel';
import { hotspotSettings } from './rollupWriter';
import { hotspotDistrictCode, presentHotspot } from './hotspotPresenter';

/**
 * Reads the rollups to answer the 数据看板's questions. A page reads bucket
 * documents by `_id` (one `_id $in` query: whole months from month buckets,
 * the rest from day buckets; only the parts it shows; only the districts or
 * the 专区 asked for) through an in-process cache kept exact by the writer's
 * journal (bucketCache.ts), and never the reports: cost grows with the length
 * of the period and the number of district × category pairs, not with the
 * number of reports.
 */

export interface Query {
  from: string;
  to: string;
  /** districts asked for (null: all) — already narrowed to the account's scope */
  districts: string[] | null;
  /** a first- or second-level category code */
  category: string | null;
  /** a 专区 id: only reports filed through it */
  zone?: string | null;
}

/** One district × category × kind's counters in one bucket (the counters are contribution.ts' COUNTERS). */
interface Entry extends Counters {
  district: string;
  districtName: string;
  cat: string;
  catName: string;
  parent: string;
  parentName: string;
  kind: 'complaint' | 'snap';
}

interface Slice {
  entries: Entry[];
  /** date → count */
  byDay: Map<string, number>;
  /** category → date → count (parts `c` + `s`) */
  catDays: Map<string, Map<string, number>>;
  /** timing → tenths-of-an-hour bin → count (part `h`) */
  hours: Record<Timing, Map<number, number>>;
  /** district|cat → cell → count (part `g`) */
  cells: Map<string, Map<string, number>>;
}

const districtName = (code: string) => SHANGHAI_DISTRICTS.find((d) => d.code === code)?.name ?? (code === NONE ? '未定位' : code);

/** Whole months inside [from, to] as `m:` periods, every other day as `d:` periods. */
export function bucketIds(from: string, to: string): string[] {
  const ids: string[] = [];
  let d = from;
  while (d <= to) {
    const month = d.slice(0, 7);
    const monthEnd = addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
    if (d.endsWith('-01') && monthEnd <= to) {
      ids.push(`m:${month}`);
      d = addDays(monthEnd, 1);
    } else {
      ids.push(`d:${d}`);
      d = addDays(d, 1);
    }
  }
  return ids;
}

interface Label {
  n: string;
  p: string;
  pn: string;
}

const sum = (entries: Entry[], f: (e: Entry) => number) => entries.reduce((s, e) => s + f(e), 0);
const rate = (num: number, den: number) => (den ? Math.round((num / den) * 10000) / 10000 : null);

/** Nearest-rank percentile of hour values kept in tenths of an hour. */
function percentile(hist: Map<number, number>, p: number): number | null {
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const t of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(t)!;
    if (seen >= rank) return t / 10;
  }
  return null;
}
function hours(hist: Map<number, number>) {
  return { p50: percentile(hist, 0.5), p90: percentile(hist, 0.9) };
}

function series(from: string, to: string, byDay: Map<string, number>) {
  const out: { date: string; count: number }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push({ date: d, count: byDay.get(d) ?? 0 });
  return out;
}

function group<K extends string>(entries: Entry[], key: (e: Entry) => K, name: (e: Entry) => string) {
  const m = new Map<K, { code: K; name: string; count: number }>();
  for (const e of entries) {
    const k = key(e);
    const row = m.get(k) ?? { code: k, name: name(e), count: 0 };
    row.count += e.n;
    m.set(k, row);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** The period of the same length just before [from, to]. */
export function previousPeriod(from: string, to: string) {
  const len = daysBetween(from, to) + 1;
  return { from: addDays(from, -len), to: addDays(from, -1) };
}
/** The same dates a year earlier. */
const yearEarlier = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4) === '-02-29' ? '-02-28' : d.slice(4)}`;

/** A report as a 数据看板 list shows it (a 堵点's or a hotspot's reports), linking to its console page by `id`. */
/** The most reports one 堵点 or hotspot list returns (its `total` says how many there are). */
export const LIST_LIMIT = 200;

export function createInsightService(deps: { repo?: Pick<ReportRepository, 'findByIds'> } = {}) {
  const cache = createBucketCache();

  /** The reports' ticket numbers, categories and statuses, in the order asked (a report since deleted keeps its id only). */
  async function listed(rows: { id: string; at: Date | string }[]): Promise<ListedReport[]> {
    const docs = deps.repo ? await deps.repo.findByIds(rows.map((r) => r.id)) : [];
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    return rows.map((r) => {
      const d = byId.get(r.id);
      return {
        id: r.id,
        ticketNo: d?.ticketNo ?? null,
        category: d?.category?.code ? { code: d.category.code, name: d.category.name ?? d.category.code } : null,
        district: d?.district?.code ? { code: d.district.code, name: d.district.name ?? d.district.code } : null,
        createdAt: new Date(d?.createdAt ?? r.at).toISOString(),
        status: d?.status ?? null,
      };
    });
  }

  async function labels(): Promise<{ c: Record<string, Label>; z: Record<string, string> }> {
    const doc = (await cache.getMany([LABELS_ID])).get(LABELS_ID) as { c?: Record<string, Label>; z?: Record<string, string> } | null;
    return { c: doc?.c ?? {}, z: doc?.z ?? {} };
  }

  /** The parts of the buckets covering [from, to] that `q` selects, summed. */
  async function loadSlice(from: string, to: string, q: Pick<Query, 'districts' | 'category' | 'zone'>, parts: Part[]): Promise<Slice> {
    const scopes = q.zone ? [zoneScope(q.zone)] : (q.districts ?? [CITY]);
    const periods = bucketIds(from, to);
    const ids: string[] = [];
    for (const part of parts) for (const period of periods) if (part !== 's' || period.startsWith('m:')) for (const scope of scopes) ids.push(bucketId(part, period, scope));
    const [docs, names] = await Promise.all([cache.getMany(ids), labels()]);
    const label = (cat: string): Label => names.c[cat] ?? { n: cat === NONE ? '未分类' : cat, p: cat, pn: cat === NONE ? '未分类' : cat };
    // A zone's (and the city's) buckets hold every district: the district filter is applied to their entries.
    const wanted = (district: string, cat: string) =>
      (!q.districts || q.districts.includes(district)) && (!q.category || q.category === cat || q.category === label(cat).p);
    const slice: Slice = { entries: [], byDay: new Map(), catDays: new Map(), hours: { a: new Map(), d: new Map(), r: new Map() }, cells: new Map() };
    const addDay = (cat: string, day: string, n: number) => {
      slice.byDay.set(day, (slice.byDay.get(day) ?? 0) + n);
      const m = slice.catDays.get(cat) ?? new Map<string, number>();
      slice.catDays.set(cat, m);
      m.set(day, (m.get(day) ?? 0) + n);
    };
    for (const id of ids) {
      const doc = docs.get(id) as BucketDoc | null;
      if (!doc?.e) continue;
      const [part, period] = id.split('|');
      for (const [key, v] of Object.entries(doc.e)) {
        const [district, cat, kind] = key.split('|');
        if (!wanted(district, cat)) continue;
        if (part === 'c') {
          if (!v.n) continue;
          const l = label(cat);
          const e = { district, districtName: districtName(district), cat, catName: l.n, parent: l.p, parentName: l.pn, kind: kind as Entry['kind'] } as Entry;
          for (const c of COUNTERS) e[c] = v[c] ?? 0;
          slice.entries.push(e);
          if (period.startsWith('d:')) addDay(cat, period.slice(2), e.n);
        } else if (part === 's') {
          for (const [dd, n] of Object.entries(v as Record<string, number>)) if (n) addDay(cat, `${period.slice(2)}-${dd}`, n);
        } else if (part === 'h') {
          for (const t of ['a', 'd', 'r'] as const) {
            const hist = slice.hours[t];
            for (const [bin, n] of Object.entries((v[t] ?? {}) as Record<string, number>)) if (n) hist.set(Number(bin), (hist.get(Number(bin)) ?? 0) + n);
          }
        } else if (part === 'g') {
          const pair = `${district}|${cat}`;
          const m = slice.cells.get(pair) ?? new Map<string, number>();
          slice.cells.set(pair, m);
          for (const [cell, n] of Object.entries(v as Record<string, number>)) if (n) m.set(cell, (m.get(cell) ?? 0) + n);
        }
      }
    }
    return slice;
  }

  async function overview(q: Query) {
    const prev = previousPeriod(q.from, q.to);
    const [cur, before] = await Promise.all([loadSlice(q.from, q.to, q, ['c', 's', 'h']), loadSlice(prev.from, prev.to, q, ['c', 's'])]);
    const e = cur.entries;
    const total = sum(e, (x) => x.n);
    const everResolved = sum(e, (x) => x.everResolved);
    const rated = sum(e, (x) => x.rated);
    return {
      from: q.from,
      to: q.to,
      total,
      byDay: series(q.from, q.to, cur.byDay),
      previous: { from: prev.from, to: prev.to, total: sum(before.entries, (x) => x.n), byDay: series(prev.from, prev.to, before.byDay) },
      byCategory: group(e, (x) => x.cat, (x) => x.catName),
      byFirstLevel: group(e, (x) => x.parent, (x) => x.parentName),
      byDistrict: group(e, (x) => x.district, (x) => x.districtName),
      byKind: { complaint: sum(e, (x) => (x.kind === 'complaint' ? x.n : 0)), snap: sum(e, (x) => (x.kind === 'snap' ? x.n : 0)) },
      urgent: sum(e, (x) => x.urgent),
      resolutionRate: rate(sum(e, (x) => x.resolved), total),
      overdueRate: rate(sum(e, (x) => x.overdue), total),
      reopenRate: rate(sum(e, (x) => x.reopened), everResolved),
      satisfaction: { rated, satisfied: sum(e, (x) => x.sat), basic: sum(e, (x) => x.basic), unsatisfied: sum(e, (x) => x.unsat), ratedShare: rate(rated, everResolved) },
      hours: { accept: hours(cur.hours.a), dispatch: hours(cur.hours.d), resolve: hours(cur.hours.r) },
    };
  }

  /**
   * 堵点: every district × second-level category pair with reports in the
   * period, scored (0–1, higher is worse):
   *   0.3 × count / the largest count among the pairs
   * + 0.1 × growth (change vs the previous period, clamped to 0–1)
   * + 0.2 × concentration
   * + 0.2 × (1 − resolution rate)
   * + 0.2 × (1 − satisfaction rate)
   * A rate without data counts as 0.5 (neither good nor bad).
   */
  async function blockers(q: Query) {
    const prev = previousPeriod(q.from, q.to);
    const [cur, before] = await Promise.all([loadSlice(q.from, q.to, q, ['c', 'g']), loadSlice(prev.from, prev.to, q, ['c'])]);
    const pairs = new Map<string, { e: Entry; count: number; resolved: number; rated: number; good: number }>();
    for (const e of cur.entries) {
      const k = `${e.district}|${e.cat}`;
      const p = pairs.get(k) ?? { e, count: 0, resolved: 0, rated: 0, good: 0 };
      p.count += e.n;
      p.resolved += e.resolved;
      p.rated += e.rated;
      p.good += e.sat + e.basic;
      pairs.set(k, p);
    }
    const prevCount = new Map<string, number>();
    for (const e of before.entries) prevCount.set(`${e.district}|${e.cat}`, (prevCount.get(`${e.district}|${e.cat}`) ?? 0) + e.n);
    const max = Math.max(1, ...[...pairs.values()].map((p) => p.count));
    const items = [...pairs].map(([k, p]) => {
      const previous = prevCount.get(k) ?? 0;
      const change = previous ? Math.round(((p.count - previous) / previous) * 10000) / 10000 : null;
      const cells = cur.cells.get(k);
      const densest = cells ? Math.max(0, ...cells.values()) : 0;
      const concentration = rate(densest, p.count);
      const resolutionRate = rate(p.resolved, p.count);
      const satisfactionRate = rate(p.good, p.rated);
      const growth = change == null ? (previous === 0 && p.count > 0 ? 1 : 0) : Math.min(1, Math.max(0, change));
      const score =
        0.3 * (p.count / max) + 0.1 * growth + 0.2 * (concentration ?? 0) + 0.2 * (1 - (resolutionRate ?? 0.5)) + 0.2 * (1 - (satisfactionRate ?? 0.5));
      return {
        category: { code: p.e.cat, name: p.e.catName, parentCode: p.e.parent, parentName: p.e.parentName },
        district: { code: p.e.district, name: p.e.districtName },
        count: p.count,
        previous,
        change,
        concentration,
        resolutionRate,
        satisfactionRate,
        score: Math.round(score * 1000) / 1000,
      };
    });
    items.sort((a, b) => b.score - a.score || b.count - a.count || a.category.code.localeCompare(b.category.code));
    return { items };
  }

  /**
   * The reports of one pair in the period (opening a 堵点), newest first: the first `limit`, and `total`, how
   * many the pair has (the 堵点's count).
   */
  async function pairReports(q: Query & { district: string; cat: string }, limit = LIST_LIMIT) {
    const filter = { district: q.district, cat: q.cat, ...(q.zone ? { zone: q.zone } : {}), day: { $gte: q.from, $lte: q.to } };
    // Raw driver: the loose schema would make mongoose's strictQuery drop these filters.
    const [rows, total] = await Promise.all([
      FactModel.collection.find(filter as never).sort({ at: -1 }).limit(limit).toArray() as unknown as Promise<StoredFact[]>,
      FactModel.collection.countDocuments(filter as never),
    ]);
    const facts = rows.map(factFromStored);
    const reports = new Map((await listed(facts.map((f) => ({ id: f._id, at: f.at })))).map((r) => [r.id, r]));
    return { total, limit, items: facts.map((f) => ({ ...reports.get(f._id)!, at: f.at, resolved: f.resolved, rating: f.rating })) };
  }

  /**
   * The first-level category a `category` filter means for hotspots (they are per first-level category):
   * a second-level code maps to its parent.
   */
  async function firstLevelOf(category: string | null): Promise<string | null> {
    if (!category) return null;
    const { c } = await labels();
    return c[category]?.p ?? category;
  }

  async function hotspots(q: Query) {
    const start = dayStart(q.from);
    const end = dayStart(addDays(q.to, 1));
    const docs = (await Hotspot.collection.find({ lastAt: { $gte: start }, firstAt: { $lt: end } } as never).sort({ lastAt: -1 }).limit(500).toArray()) as unknown as HotspotDoc[];
    const parent = await firstLevelOf(q.category);
    const shown = docs.filter((h) => !q.districts || q.districts.includes(hotspotDistrictCode(h))).filter((h) => !parent || parent === h.parent);
    const reportIds = await reportIdsOf(shown.map((h) => h._id));
    // `firstLevel`: the first-level category the filter was applied as (a second-level filter means its parent).
    return { firstLevel: parent, items: shown.map((h) => presentHotspot(h, reportIds.get(h._id) ?? [])) };
  }

  /**
   * The reports of one hotspot (newest first, the first `limit`; `total` all of them), for an account that
   * sees its district (`districts` null: all); null when it does not exist or is outside them.
   */
  async function hotspotReports(id: string, districts: string[] | null, limit = LIST_LIMIT) {
    const h = (await Hotspot.collection.findOne({ _id: id } as never)) as unknown as HotspotDoc | null;
    if (!h || (districts && !districts.includes(hotspotDistrictCode(h)))) return null;
    const ids = (await reportIdsOf([id])).get(id) ?? [];
    const newest = ids.slice(-limit).reverse();
    const items = await listed(newest.map((r) => ({ id: r, at: h.lastAt })));
    return { hotspot: presentHotspot(h, ids), total: ids.length, limit, items };
  }

  /**
   * Trends: per second-level category, the period's count against the
   * previous period and against the same dates a year earlier, with the
   * daily series for a sparkline. Ranked by the absolute change.
   */
  async function trends(q: Query) {
    const prev = previousPeriod(q.from, q.to);
    const [cur, before, lastYear] = await Promise.all([
      loadSlice(q.from, q.to, q, ['c', 's']),
      loadSlice(prev.from, prev.to, q, ['c']),
      loadSlice(yearEarlier(q.from), yearEarlier(q.to), q, ['c']),
    ]);
    const counts = (s: Slice) => {
      const m = new Map<string, number>();
      for (const e of s.entries) m.set(e.cat, (m.get(e.cat) ?? 0) + e.n);
      return m;
    };
    const now = counts(cur);
    const p = counts(before);
    const y = counts(lastYear);
    const names = new Map<string, Entry>();
    for (const e of [...cur.entries, ...before.entries, ...lastYear.entries]) names.set(e.cat, e);
    const spark = categorySeries(q, cur);
    const change = (a: number, b: number) => (b ? Math.round(((a - b) / b) * 10000) / 10000 : null);
    const items = [...names.values()].map((e) => {
      const count = now.get(e.cat) ?? 0;
      const previous = p.get(e.cat) ?? 0;
      const yearAgo = y.get(e.cat) ?? 0;
      return {
        category: { code: e.cat, name: e.catName, parentCode: e.parent, parentName: e.parentName },
        count,
        previous,
        yearAgo,
        delta: count - previous,
        yearDelta: count - yearAgo,
        change: change(count, previous),
        yearChange: change(count, yearAgo),
        spark: spark.get(e.cat) ?? [],
      };
    });
    const rising = [...items].filter((i) => i.delta > 0).sort((a, b) => b.delta - a.delta).slice(0, 20);
    const falling = [...items].filter((i) => i.delta < 0).sort((a, b) => a.delta - b.delta).slice(0, 20);
    // The same ranking against the same dates a year earlier (`yearDelta`).
    const risingYear = [...items].filter((i) => i.yearDelta > 0).sort((a, b) => b.yearDelta - a.yearDelta).slice(0, 20);
    const fallingYear = [...items].filter((i) => i.yearDelta < 0).sort((a, b) => a.yearDelta - b.yearDelta).slice(0, 20);
    return { items: items.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)), rising, falling, risingYear, fallingYear };
  }

  /** Per category, counts per week (periods over 60 days) or per day. */
  function categorySeries(q: Query, cur: Slice): Map<string, number[]> {
    const days = daysBetween(q.from, q.to) + 1;
    const step = days > 60 ? 7 : 1;
    const slots = Math.ceil(days / step);
    const out = new Map<string, number[]>();
    for (const [cat, byDay] of cur.catDays) {
      const arr = new Array<number>(slots).fill(0);
      for (const [day, n] of byDay) if (day >= q.from && day <= q.to) arr[Math.floor(daysBetween(q.from, day) / step)] += n;
      out.set(cat, arr);
    }
    return out;
  }

  /** New hotspots this account has not marked seen (the 数据看板 badge and alert list). */
  async function alerts(userId: string, districts: string[] | null, since = new Date(Date.now() - 30 * 86_400_000)) {
    const docs = (await Hotspot.collection.find({ createdAt: { $gte: since } } as never).sort({ createdAt: -1 }).limit(200).toArray()) as unknown as HotspotDoc[];
    const visible = docs.filter((h) => !districts || districts.includes(hotspotDistrictCode(h)));
    const seen = await Promise.all(visible.map((h) => AlertSeen.findById(`${userId}|${h._id}`).lean()));
    const notSeen = visible.filter((_, i) => !seen[i]);
    const reportIds = await reportIdsOf(notSeen.map((h) => h._id));
    const unseen = notSeen.map((h) => presentHotspot(h, reportIds.get(h._id) ?? []));
    return { unseen: unseen.length, items: unseen };
  }

  async function markSeen(userId: string, ids: string[]) {
    for (const id of ids) {
      await AlertSeen.collection.updateOne({ _id: `${userId}|${id}` } as never, { $setOnInsert: { at: new Date() } }, { upsert: true });
    }
  }

  async function settings(): Promise<HotspotSettings> {
    return hotspotSettings();
  }
  async function updateSettings(s: HotspotSettings): Promise<HotspotSettings> {
    await InsightSettings.collection.updateOne({ _id: 'hotspot' } as never, { $set: s }, { upsert: true });
    return hotspotSettings();
  }

  /** The 专区 that reports were filed through (for the page's selector): id and title. */
  async function zones() {
    const { z } = await labels();
    return { items: Object.entries(z).map(([id, title]) => ({ id, title })).sort((a, b) => a.title.localeCompare(b.title, 'zh')) };
  }

  return { zones, overview, blockers, pairReports, hotspots, hotspotReports, trends, alerts, markSeen, settings, updateSettings, today: () => shanghaiDay(new Date()) };
}


export type InsightService = ReturnType<typeof createInsightService>;
