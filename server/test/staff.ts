import type { StaffRole } from '@ssp/shared';
import type { TestServer } from './harness';

let counter = 0;

/**
 * A staff account made the way an admin makes one (POST /admin/staff), signed
 * in, with its initial password changed: ready to use.
 */
export async function createStaff(s: TestServer, adminToken: string, opts: { roles: StaffRole[]; districts?: string[]; username?: string }): Promise<{ id: string; username: string; password: string; token: string }> {
  const username = opts.username ?? `staff${Date.now().toString(36)}${counter++}`;
  const created = await s.request('POST', '/api/v1/admin/staff', { token: adminToken, json: { username, displayName: `测试${username}`, roles: opts.roles, districts: opts.districts ?? [] } });
  if (created.status !== 201) throw new Error(`create staff failed: ${JSON.stringify(created.body)}`);
  const login = await s.request('POST', '/api/v1/auth/admin-login', { json: { username, password: created.body.initialPassword } });
  const password = `Quiet-harbour-${counter}-lantern`;
  const changed = await s.request('POST', '/api/v1/auth/password', { token: login.body.token, json: { current: created.body.initialPassword, next: password } });
  if (changed.status !== 200) throw new Error(`password change failed: ${JSON.stringify(changed.body)}`);
  return { id: created.body.id, username, password, token: changed.body.token };
}
