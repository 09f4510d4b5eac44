import Taro from '@tarojs/taro';
import type { AuditEntryView, CategoryTreeView, CreateZoneInput, LoginResponse, ReportRowView, ReportView, StaffAccountCreated, StaffAccountView, StaffRole, ZoneAdminView } from '@ssp/shared';
import { API_BASE, ApiError, authHeader, call, logout } from './api';
import { save } from './storage';
import { saveBlob } from './download';

/** The staff console's endpoints (search, detail, accounts, audit, password, sign-out). */
export const consoleApi = {
  search: (query: string) => call<{ items: ReportRowView[]; nextCursor: string | null; scanLimited?: { examined: number; until: string } }>('GET', `/admin/reports?${query}`),
  report: (id: string) => call<{ report: ReportView; followers: { via: string; at: string }[]; audit: AuditEntryView[] }>('GET', `/admin/reports/${encodeURIComponent(id)}`),
  categories: () => call<CategoryTreeView>('GET', '/admin/categories'),
  staff: () => call<{ items: StaffAccountView[] }>('GET', '/admin/staff'),
  createStaff: (input: { username: string; displayName: string; roles: StaffRole[]; districts: string[] }) => call<StaffAccountCreated>('POST', '/admin/staff', input),
  updateStaff: (id: string, patch: { roles?: StaffRole[]; districts?: string[]; disabled?: boolean; resetPassword?: true }) =>
    call<StaffAccountView & { initialPassword?: string }>('PATCH', `/admin/staff/${id}`, patch),
  zones: () => call<{ items: ZoneAdminView[] }>('GET', '/admin/zones'),
  createZone: (input: CreateZoneInput) => call<ZoneAdminView>('POST', '/admin/zones', input),
  updateZone: (id: string, patch: Partial<CreateZoneInput>) => call<ZoneAdminView>('PATCH', `/admin/zones/${encodeURIComponent(id)}`, patch),
  audit: (query: string) => call<{ items: AuditEntryView[]; nextCursor: string | null }>('GET', `/admin/audit?${query}`),
  async changePassword(current: string, next: string): Promise<LoginResponse> {
    const res = await call<LoginResponse>('POST', '/auth/password', { current, next });
    save('session', { token: res.token, expiresAt: Date.now() + res.expiresIn * 1000, user: res.user });
    return res;
  },
  /** Ends the session on the server (every device), then forgets it here. */
  async signOut(): Promise<void> {
    await call('POST', '/auth/logout').catch(() => {});
    logout();
  },
};

/**
 * Downloads an export (H5: fetch with the token, then save the file through a
 * link; the mini-program has no file downloads of this kind).
 */
export async function download(path: string, filename: string): Promise<void> {
  if (process.env.TARO_ENV !== 'h5') {
    void Taro.showToast({ title: '请在电脑浏览器中导出', icon: 'none' });
    return;
  }
  const res = await fetch(API_BASE + path, { headers: authHeader() });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, (body?.error?.code ?? 'INTERNAL') as never, body?.error?.message ?? '导出失败');
  }
  saveBlob(filename, await res.blob());
}
