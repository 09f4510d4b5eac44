import mongoose from 'mongoose';
import { STATUS_LABELS, type ReportRowView, type ReportSearch, type ReportStatus, type Urgency } from '@ssp/shared';
import type { AuthUser } from '../http/context';
import type { ReportDoc, ReportRepository } from './reportRepository';
import { urgencyOf } from './reportPresenter';

/**
 * Staff reads of reports: 诉求检索, its export, and the district scope every
 * staff route applies. The filter is built here; the repository runs it.
 */

/** A staff account limited to some districts sees only their reports; empty = the whole city. */
export function districtScope(user: AuthUser): string[] | null {
  return user.role === 'admin' && user.districts?.length ? user.districts : null;
}

export function inScope(user: AuthUser, doc: { district?: { code?: string | null } | null }): boolean {
  const scope = districtScope(user);
  return !scope || scope.includes(doc.district?.code ?? '');
}

/** True when the report exists and the account may see it; the routes answer 404 otherwise, as for residents. */
export async function reportVisibleTo(repo: ReportRepository, user: AuthUser, id: string): Promise<boolean> {
  if (!mongoose.isValidObjectId(id)) return false;
  const doc = await repo.findById(id);
  return Boolean(doc && inScope(user, doc));
}

export async function ticketVisibleTo(repo: ReportRepository, user: AuthUser, ticketNo: string): Promise<boolean> {
  const doc = await repo.findByTicketNo(ticketNo);
  return !doc || inScope(user, doc); // an unknown ticket is the merge's own 404/409 to give
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TICKET_NO = /^SH\d{8}-\d{6}$/i;

/**
 * 紧急程度 as the database filter: the stored level, or, for a report stored before the levels existed (no
 * `urgency`; `null` matches a missing field), its `urgent` flag read as urgencyOf reads it (true → 紧急, false or
 * missing → 普通). 次紧急 has no old form. Plain equality, `$in` and `$or` only: FerretDB evaluates them as
 * MongoDB does (a missing field included, checked on the embedded database by adminSearch.test.ts).
 */
function urgencyFilter(levels: Urgency[]): Record<string, unknown> {
  const or: Record<string, unknown>[] = [{ urgency: { $in: levels } }];
  const legacy = [...(levels.includes('urgent') ? [true] : []), ...(levels.includes('normal') ? [false, null] : [])];
  if (legacy.length) or.push({ urgency: null, urgent: { $in: legacy } });
  return { $or: or };
}

/** The query for a search: filters, the account's district scope, and the cursor. */
export function searchFilter(user: AuthUser, q: Omit<ReportSearch, 'limit' | 'sort'> & { sort?: 'asc' | 'desc' }): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (q.q) {
    if (TICKET_NO.test(q.q)) and.push({ ticketNo: q.q.toUpperCase() });
    else {
      const re = { $regex: escapeRegex(q.q), $options: 'i' };
      and.push({ $or: [{ description: re }, { 'location.address': re }, { ticketNo: { $regex: `^${escapeRegex(q.q.toUpperCase())}` } }] });
    }
  }
  if (q.status?.length) and.push({ status: { $in: q.status } });
  if (q.category) and.push({ $or: [{ 'category.code': q.category }, { 'category.parentCode': q.category }] });
  const scope = districtScope(user);
  let districts = q.district?.length ? q.district : null;
  if (scope) districts = districts ? districts.filter((d) => scope.includes(d)) : scope;
  if (districts) and.push({ 'district.code': { $in: districts } });
  if (q.kind) and.push({ kind: q.kind });
  if (q.from || q.to) and.push({ createdAt: { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) } });
  if (q.urgent !== undefined) and.push({ urgent: q.urgent });
  if (q.urgency?.length) and.push(urgencyFilter(q.urgency));
  // overdueAt is a date or null; "any date" (a range) is filtered inside the embedded database, `$ne` is not.
  if (q.overdue !== undefined) and.push(q.overdue ? { overdueAt: { $gte: new Date(-8.64e15) } } : { overdueAt: null });
  if (q.rating) and.push({ 'rating.value': q.rating });
  if (q.zone) and.push({ 'zone.id': q.zone }); // reports filed through a 专区
  // Rows sort by (createdAt, _id); report ids are random, so the cursor is the last row's time and id.
  if (q.cursor) {
    const [ms, id] = q.cursor.split('_');
    const at = new Date(Number(ms));
    const op = q.sort === 'asc' ? '$gt' : '$lt';
    and.push({ $or: [{ createdAt: { [op]: at } }, { createdAt: at, _id: { [op]: id } }] });
  }
  return and.length ? { $and: and } : {};
}

/** Only what a row shows is read from the database. */
export const ROW_FIELDS: Record<string, 1> = {
  ticketNo: 1, kind: 1, status: 1, description: 1, category: 1, district: 1, 'location.address': 1, urgent: 1, urgency: 1, overdueAt: 1,
  'rating.value': 1, department: 1, supporters: 1, dueAt: 1, createdAt: 1, contactPhone: 1, zone: 1,
};

export function presentRow(doc: ReportDoc): ReportRowView {
  return {
    id: String(doc._id),
    ticketNo: doc.ticketNo,
    kind: doc.kind,
    status: doc.status,
    statusLabel: STATUS_LABELS[doc.status as ReportStatus] ?? doc.status,
    description: (doc.description ?? '').slice(0, 140),
    category: doc.category?.code ? { code: doc.category.code, name: doc.category.name ?? '', parentCode: doc.category.parentCode ?? null, parentName: doc.category.parentName ?? null } : null,
    district: doc.district?.code ? { code: doc.district.code, name: doc.district.name ?? '' } : null,
    address: doc.location?.address ?? '',
    urgent: Boolean(doc.urgent),
    urgency: urgencyOf(doc),
    overdue: Boolean(doc.overdueAt),
    rating: doc.rating?.value ?? null,
    department: doc.department ?? null,
    dueAt: doc.dueAt ? doc.dueAt.toISOString() : null,
    supporters: doc.supporters ?? 0,
    createdAt: doc.createdAt.toISOString(),
    zone: doc.zone?.id ? { id: doc.zone.id, title: doc.zone.title ?? '' } : null,
  };
}

/**
 * Time windows a newest-first page is read in: the last 7 days before the page's upper end (the cursor,
 * `to`, or now), then up to 30, then 365 days, then the rest. A page of a common filter fills from the
 * first window; a rare one reads on. Why: with a date bound the database walks the `createdAt` index newest
 * first and stops after the page (on the embedded database the bound is what lets SQLite use that index in
 * order, FerretDB patch 0007); without one it may read every match of its most selective index and sort
 * them before the first row (one status: 20,000 of 200,000 reports). The same on MongoDB, no dialect branch.
 */
const WINDOW_DAYS = [7, 30, 365, Infinity];
const DAY_MS = 86_400_000;
/**
 * Free text cannot be indexed on the embedded database (a regex runs on every candidate in FerretDB's Go
 * code), so a text search examines at most this many of the newest candidates (the other filters still
 * apply in the database) per request; when it stops there, the page says so and its cursor continues
 * where it stopped.
 */
export const TEXT_SCAN_BUDGET = 1_000;
/** Candidates per batch: a common text fills its page from the first batch, without decoding 1,000 documents first. */
const TEXT_BATCH = 200;

export interface SearchPage {
  items: ReportRowView[];
  nextCursor: string | null;
  /** set when a text search stopped at TEXT_SCAN_BUDGET candidates: more may exist before `until` */
  scanLimited?: { examined: number; until: string };
}

const cursorOf = (doc: ReportDoc) => `${doc.createdAt.getTime()}_${String(doc._id)}`;
const and = (filter: Record<string, unknown>, ...more: Record<string, unknown>[]) => ({ $and: [...((filter.$and as unknown[]) ?? []), ...more] });

export async function searchReports(repo: ReportRepository, user: AuthUser, q: ReportSearch, opts: { textScanBudget?: number } = {}): Promise<SearchPage> {
  const budget = opts.textScanBudget ?? TEXT_SCAN_BUDGET;
  const text = q.q && !TICKET_NO.test(q.q) ? q.q : null;
  if (q.sort === 'asc' || (q.q && !text)) {
    // Oldest first (no index order to stop early in) and ticket numbers (one unique-index lookup): one query.
    const docs = await repo.searchPage(searchFilter(user, q), ROW_FIELDS, q.sort === 'asc' ? 1 : -1, q.limit + 1);
    const page = docs.slice(0, q.limit);
    return { items: page.map(presentRow), nextCursor: docs.length > q.limit ? cursorOf(page[page.length - 1]) : null };
  }
  const base = searchFilter(user, { ...q, q: undefined });
  const upper = q.cursor ? Number(q.cursor.split('_')[0]) : (q.to ?? new Date()).getTime();
  const from = q.from ? q.from.getTime() : -Infinity;
  const re = text ? new RegExp(escapeRegex(text), 'i') : null;
  const ticketPrefix = text?.toUpperCase() ?? '';
  const matches: ReportDoc[] = [];
  let examined = 0;
  let last: ReportDoc | null = null;
  let hi: number | null = null;
  for (const days of WINDOW_DAYS) {
    const lo = Math.max(upper - days * DAY_MS, from);
    const bounds: Record<string, unknown>[] = [];
    if (lo > -Infinity) bounds.push({ createdAt: { $gte: new Date(lo) } });
    if (hi !== null) bounds.push({ createdAt: { $lt: new Date(hi) } });
    const filter = and(base, ...bounds);
    if (!re) {
      matches.push(...(await repo.searchPage(filter, ROW_FIELDS, -1, q.limit + 1 - matches.length)));
    } else {
      for await (const doc of repo.searchStream(filter, ROW_FIELDS, -1, budget - examined, TEXT_BATCH)) {
        examined++;
        last = doc;
        if (re.test(doc.description ?? '') || re.test(doc.location?.address ?? '') || doc.ticketNo?.startsWith(ticketPrefix)) matches.push(doc);
        if (matches.length > q.limit) break;
      }
    }
    if (matches.length > q.limit) break;
    if (re && examined >= budget) {
      const page = matches.slice(0, q.limit);
      return { items: page.map(presentRow), nextCursor: cursorOf(last!), scanLimited: { examined, until: last!.createdAt.toISOString() } };
    }
    if (lo <= from) break;
    hi = lo;
  }
  const page = matches.slice(0, q.limit);
  return { items: page.map(presentRow), nextCursor: matches.length > q.limit ? cursorOf(page[page.length - 1]) : null };
}

/** The search result as a stream of documents, for the export (never all in memory). */
export function streamSearch(repo: ReportRepository, user: AuthUser, q: Omit<ReportSearch, 'limit' | 'cursor'>, maxRows: number): AsyncIterable<ReportDoc> {
  return repo.searchStream(searchFilter(user, { ...q, cursor: undefined }), ROW_FIELDS, q.sort === 'asc' ? 1 : -1, maxRows);
}
