import { OPEN_STATUSES, REPORT_STATUSES, SHANGHAI_DISTRICTS, URGENCY_LEVELS, type ReportStatus, type Urgency } from '@ssp/shared';

/**
 * 诉求检索's filters as page URL parameters, both ways: 工作台's figures link into the list they count
 * (`/admin/search/index?status=…&overdue=1`), and the search page opens with those filters set. Kept apart from
 * the page so the parsing (a URL anyone can type or edit) is unit-tested: an unknown or malformed value is
 * dropped, never an error, so a stale or hand-edited link still opens the page.
 */
export interface SearchLink {
  q?: string;
  status?: ReportStatus[];
  urgency?: Urgency[];
  overdue?: boolean;
  unsatisfied?: boolean;
  kind?: 'complaint' | 'snap';
  district?: string;
  category?: string;
}

export const SEARCH_PAGE = '/admin/search/index';

/** Taro hands the parameters over as written in the hash; a link made elsewhere may have percent-encoded them. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The known values of a comma-separated list, each once, in the list's own order (one URL per choice). */
function listOf<T extends string>(raw: string | undefined, known: readonly T[]): T[] | undefined {
  if (raw === undefined) return undefined;
  const given = decode(raw).split(',').map((s) => s.trim());
  const kept = known.filter((k) => given.includes(k));
  return kept.length ? kept : undefined;
}

const TRUE = ['1', 'true'];

/** The filters a search page URL asks for; anything unknown or malformed is left out. */
export function parseSearchLink(params: Partial<Record<string, string | undefined>>): SearchLink {
  const out: SearchLink = {};
  const q = params.q === undefined ? '' : decode(params.q).trim().slice(0, 100);
  if (q) out.q = q;
  const status = listOf(params.status, REPORT_STATUSES);
  if (status) out.status = status;
  const urgency = listOf(params.urgency, URGENCY_LEVELS);
  if (urgency) out.urgency = urgency;
  if (params.overdue !== undefined && TRUE.includes(params.overdue)) out.overdue = true;
  if (params.rating === 'unsatisfied') out.unsatisfied = true;
  if (params.kind === 'complaint' || params.kind === 'snap') out.kind = params.kind;
  // The page's 区 picker holds one district: the first known code of the list.
  const district = listOf(params.district, SHANGHAI_DISTRICTS.map((d) => d.code));
  if (district) out.district = district[0];
  // A category code is checked against the tree once it has loaded (the page does that); here only its shape.
  const category = params.category === undefined ? '' : decode(params.category).trim();
  if (/^[a-z0-9_]{1,48}$/i.test(category)) out.category = category;
  return out;
}

/** The search page's URL for these filters (commas left bare: Taro's H5 router keeps them as written). */
export function searchLink(link: SearchLink): string {
  const parts: string[] = [];
  if (link.q) parts.push(`q=${encodeURIComponent(link.q)}`);
  if (link.status?.length) parts.push(`status=${link.status.join(',')}`);
  if (link.urgency?.length) parts.push(`urgency=${URGENCY_LEVELS.filter((l) => link.urgency!.includes(l)).join(',')}`);
  if (link.overdue) parts.push('overdue=1');
  if (link.unsatisfied) parts.push('rating=unsatisfied');
  if (link.kind) parts.push(`kind=${link.kind}`);
  if (link.district) parts.push(`district=${link.district}`);
  if (link.category) parts.push(`category=${encodeURIComponent(link.category)}`);
  return parts.length ? `${SEARCH_PAGE}?${parts.join('&')}` : SEARCH_PAGE;
}

/** The server's query string for the same filters (what 工作台 counts with, so a figure equals the list it opens). */
export function searchQuery(link: SearchLink): string {
  const url = searchLink(link);
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/** Every status still needing work from the city: 工作台's 办理中的诉求. */
export const OPEN: ReportStatus[] = [...OPEN_STATUSES];

/** Whether two status lists hold the same statuses. */
export function sameStatuses(a: readonly ReportStatus[], b: readonly ReportStatus[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}
