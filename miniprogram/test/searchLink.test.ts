import { describe, expect, it } from 'vitest';
import { OPEN_STATUSES, reportSearchSchema } from '@ssp/shared';
import { OPEN, parseSearchLink, searchLink, searchQuery } from '../src/admin/search/searchLink';

// 诉求检索's filters in its page URL: what 工作台's figures link to, read back by the search page.
describe('search page links', () => {
  it('reads lists, flags and single values from the URL', () => {
    expect(parseSearchLink({ status: 'submitted,accepted', urgency: 'semi_urgent,urgent', overdue: '1', rating: 'unsatisfied', kind: 'snap', district: '310101', category: 'street_lights', q: '%E5%81%9C%E6%B0%B4' })).toEqual({
      status: ['submitted', 'accepted'],
      urgency: ['urgent', 'semi_urgent'],
      overdue: true,
      unsatisfied: true,
      kind: 'snap',
      district: '310101',
      category: 'street_lights',
      q: '停水',
    });
  });

  it('drops unknown and malformed values instead of failing', () => {
    expect(parseSearchLink({ status: 'submitted,bogus', urgency: 'very', overdue: 'yes', rating: 'meh', kind: 'x', district: '999999', category: '<script>', q: '   ' })).toEqual({ status: ['submitted'] });
    expect(parseSearchLink({ status: '', urgency: ',,', q: '%E5%' })).toEqual({ q: '%E5%' });
    expect(parseSearchLink({})).toEqual({});
  });

  it('round-trips: the link parses back to the same filters, and its query is one the server accepts', () => {
    const link = { status: OPEN, overdue: true, urgency: ['semi_urgent' as const] };
    const url = searchLink(link);
    expect(url).toBe(`/admin/search/index?status=${OPEN_STATUSES.join(',')}&urgency=semi_urgent&overdue=1`);
    const params = Object.fromEntries(new URLSearchParams(url.split('?')[1]));
    expect(parseSearchLink(params)).toEqual(link);
    const parsed = reportSearchSchema.safeParse(Object.fromEntries(new URLSearchParams(searchQuery(link))));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.status).toEqual([...OPEN_STATUSES]);
    expect(searchLink({})).toBe('/admin/search/index');
  });
});
