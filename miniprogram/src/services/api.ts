import Taro from '@tarojs/taro';
import type { ApiErrorBody, ErrorCode, FieldIssue, LoginResponse, UserView } from '@ssp/shared';
import { load, remove, save } from './storage';
import { currentLanguage, t } from '../i18n';

/**
 * The single request module: base URL, token, silent re-login and error
 * mapping. Pages never call Taro.request themselves; they call the typed
 * endpoint functions in this folder, which reject with ApiError.
 */
export const API_BASE: string =
  process.env.TARO_ENV === 'h5' ? '/api/v1' : `${process.env.TARO_APP_API_BASE ?? 'http://127.0.0.1:3000'}/api/v1`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'NEED_LOGIN',
    message: string,
    readonly details: FieldIssue[] = [],
    /** with IDEMPOTENCY_KEY_REUSED: the resident's report already filed from this draft */
    readonly existing?: { id: string; ticketNo: string },
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** Field path → first message, for showing errors at the field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) if (!out[d.path]) out[d.path] = d.message;
    return out;
  }
  get isNetwork(): boolean {
    return this.code === 'NETWORK' || this.status >= 500;
  }
}

interface Session {
  token: string;
  expiresAt: number;
  user: UserView;
}

const SESSION_KEY = 'session';
/** H5 only: the code for 本地体验登录, kept so the same browser stays the same resident. */
const H5_DEVICE_KEY = 'h5DeviceCode';

export function currentSession(): Session | null {
  const s = load<Session>(SESSION_KEY);
  return s && s.expiresAt - 60_000 > Date.now() ? s : null;
}

function storeSession(res: LoginResponse): Session {
  const session = { token: res.token, expiresAt: Date.now() + res.expiresIn * 1000, user: res.user };
  save(SESSION_KEY, session);
  return session;
}

export function logout(): void {
  remove(SESSION_KEY);
  remove(H5_DEVICE_KEY);
}

async function raw<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Taro.request.SuccessCallbackResult<Record<string, unknown>>;
  try {
    res = await Taro.request({ url: API_BASE + path, method, data: data as never, header: { 'Content-Type': 'application/json', 'Accept-Language': currentLanguage(), ...headers }, timeout: 15_000 });
  } catch {
    throw new ApiError(0, 'NETWORK', t('common.networkFailed'));
  }
  if (res.statusCode >= 200 && res.statusCode < 300) return res.data as T;
  const body = res.data as Partial<ApiErrorBody> | undefined;
  if (body?.error) throw new ApiError(res.statusCode, body.error.code, body.error.message, body.error.details, body.error.existing);
  throw new ApiError(res.statusCode, 'INTERNAL', t('common.serviceDown'));
}

let loginInFlight: Promise<Session> | null = null;

async function login(): Promise<Session> {
  if (process.env.TARO_ENV === 'weapp') {
    const { code } = await Taro.login();
    return storeSession(await raw<LoginResponse>('POST', '/auth/wechat-login', { code }));
  }
  const deviceCode = load<string>(H5_DEVICE_KEY);
  if (!deviceCode) throw new ApiError(401, 'NEED_LOGIN', t('common.needLogin'));
  return storeSession(await raw<LoginResponse>('POST', '/auth/wechat-login', { code: deviceCode }));
}

/** Silent login: WeChat in the mini-program, the remembered local-experience code on H5. Concurrent callers share one login. */
export function ensureSession(): Promise<Session> {
  const existing = currentSession();
  if (existing) return Promise.resolve(existing);
  if (!loginInFlight) {
    const attempt = login();
    loginInFlight = attempt;
    const clear = () => {
      if (loginInFlight === attempt) loginInFlight = null;
    };
    attempt.then(clear, clear);
  }
  return loginInFlight;
}

/** 本地体验登录 (H5, development): a stable per-browser code for the server's WeChat stand-in. */
export async function localExperienceLogin(deviceCode: string): Promise<Session> {
  save(H5_DEVICE_KEY, deviceCode);
  remove(SESSION_KEY);
  return ensureSession();
}

export async function adminLogin(username: string, password: string): Promise<Session> {
  return storeSession(await raw<LoginResponse>('POST', '/auth/admin-login', { username, password }));
}

/** Authenticated call; on an expired or rejected token, logs in again once and retries. */
export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const session = await ensureSession();
  try {
    return await raw<T>(method, path, data, { ...headers, Authorization: `Bearer ${session.token}` });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && session.user.role === 'citizen') {
      remove(SESSION_KEY);
      const fresh = await ensureSession();
      return raw<T>(method, path, data, { ...headers, Authorization: `Bearer ${fresh.token}` });
    }
    throw err;
  }
}

export function authHeader(): Record<string, string> {
  const s = currentSession();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}
