import { DELETE_ME_CONFIRM } from '@ssp/shared';
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

export function myData(): Promise<MyData> {
  return call<MyData>('GET', '/me/data');
}

export function deleteMe(): Promise<{ deleted: boolean }> {
  return call<{ deleted: boolean }>('DELETE', '/me', { confirm: DELETE_ME_CONFIRM });
}
