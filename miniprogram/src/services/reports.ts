import type { CreateReportInput, Page, ReportView } from '@ssp/shared';
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
