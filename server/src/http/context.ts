import type { Role, StaffRole } from '@ssp/shared';
import type { RouterContext } from '@koa/router';

export interface AuthUser {
  id: string;
  role: Role;
  /** staff only, read from the account (not the token) at most 5 s ago */
  roles?: StaffRole[];
  /** staff only: district codes the account is limited to; empty = the whole city */
  districts?: string[];
  /** staff only: display name, for the audit trail and timelines */
  name?: string;
  mustChangePassword?: boolean;
}

/** What our middleware puts on `ctx.state`, typed once. */
export interface AppState {
  requestId: string;
  user?: AuthUser;
}

export type AppContext = RouterContext<AppState>;
