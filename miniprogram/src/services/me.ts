import { DELETE_ME_CONFIRM, type MyDataSummary } from '@ssp/shared';
import { call } from './api';

/** What `GET /me/data` returns (see server privacy/privacyService.ts). */
export interface MyData {
  exportedAt: string;
  phoneNumbers: string[];
  reports: unknown[];
  photos: unknown[];
  subscriptions: unknown[];
  following: unknown[];
  messages: number;
}

// What `GET /me/data/summary` returns (counts for the 个人信息 page; opening it is not an export) is shared's MyDataSummary.
export type { MyDataSummary };

export function myDataSummary(): Promise<MyDataSummary> {
  return call<MyDataSummary>('GET', '/me/data/summary');
}

/** The full data: only for the resident's 下载, which the server records as an export. */
export function myData(): Promise<MyData> {
  return call<MyData>('GET', '/me/data');
}

export function deleteMe(): Promise<{ deleted: boolean }> {
  return call<{ deleted: boolean }>('DELETE', '/me', { confirm: DELETE_ME_CONFIRM });
}
