import type { Role } from '@ssp/shared';
import type { RouterContext } from '@koa/router';

export interface AuthUser {
  id: string;
  role: Role;
}

/** What our middleware puts on `ctx.state`, typed once. */
export interface AppState {
  requestId: string;
  user?: AuthUser;
}

export type AppContext = RouterContext<AppState>;
