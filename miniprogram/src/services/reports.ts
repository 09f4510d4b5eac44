import type { CreateReportInput, Page, ReportRowView, ReportView, SimilarTicket } from '@ssp/shared';
import { call } from './api';

export function createReport(input: CreateReportInput, idempotencyKey: string): Promise<ReportView> {
  return call<ReportView>('POST', '/reports', input, { 'Idempotency-Key': idempotencyKey });
}

export function listMyReports(cursor?: string | null): Promise<Page<ReportView>> {
  return call<Page<ReportView>>('GET', `/me/reports${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
}

export function getReport(id: string): Promise<ReportView> {
  return call<ReportView>('GET', `/reports/${encodeURIComponent(id)}`);
}

export const followUp = {
  withdraw: (id: string, reason: string) => call<ReportView>('POST', `/reports/${id}/withdraw`, { reason }),
  urge: (id: string) => call<ReportView>('POST', `/reports/${id}/urge`, {}),
  supplement: (id: string, text: string, mediaIds: string[] = []) => call<ReportView>('POST', `/reports/${id}/supplement`, { text, mediaIds }),
  rate: (id: string, rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied', comment?: string) => call<ReportView>('POST', `/reports/${id}/rate`, { rating, comment }),
  reopen: (id: string, reason: string) => call<ReportView>('POST', `/reports/${id}/reopen`, { reason }),
};

export const staff = {
  queue: (status?: string) => call<{ items: ReportRowView[]; nextCursor: string | null }>('GET', `/admin/reports?limit=100${status ? `&status=${status}` : ''}`),
  move: (id: string, to: string, message?: string, mediaIds?: string[]) => call<ReportView>('POST', `/admin/reports/${id}/transitions`, { to, message, mediaIds }),
  /** fold a duplicate into another open ticket, given by ticket number */
  merge: (id: string, into: string) => call<{ duplicate: ReportView; target: ReportView }>('POST', `/admin/reports/${id}/merge`, { into }),
};

/** 附近已有人反映: open tickets like the one about to be filed (empty when nothing is close enough). */
export function similarTickets(input: { description: string; categoryCode?: string; location: { lat: number; lng: number; coordSystem: 'gcj02' | 'wgs84' } }) {
  return call<{ items: SimilarTicket[] }>('POST', '/reports/similar', input);
}

/** +1: follow someone else's open ticket instead of filing a duplicate. */
/** `offer` is the one /reports/similar gave with this ticket (valid 30 minutes, for this resident only). */
export function joinTicket(id: string, offer: string): Promise<ReportView> {
  return call<ReportView>('POST', `/reports/${encodeURIComponent(id)}/join`, { offer });
}

export function listFollowing(): Promise<{ items: ReportView[] }> {
  return call<{ items: ReportView[] }>('GET', '/me/following');
}
