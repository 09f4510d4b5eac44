/**
 * WeChat server API client: `GET /sns/jscode2session` (code → openid).
 * Failures come back as HTTP 200 with `errcode`; we turn them into a typed error.
 */
export class WechatError extends Error {
  constructor(message: string, readonly errcode: number | null) {
    super(message);
    this.name = 'WechatError';
  }
  /** The code itself was bad (40029 invalid, 40163 already used): the client must log in again. */
  get isBadCode(): boolean {
    return this.errcode === 40029 || this.errcode === 40163;
  }
}

export interface WechatClientOptions {
  baseUrl: string;
  appid: string;
  secret: string;
  timeoutMs?: number;
}

export interface WechatSession {
  openid: string;
  unionid?: string;
}

export function createWechatClient(options: WechatClientOptions) {
  const timeout = options.timeoutMs ?? 5000;
  async function getJson(pathname: string, params: Record<string, string>) {
    const url = new URL(pathname, options.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeout) });
    } catch (err) {
      throw new WechatError(`wechat unreachable: ${(err as Error).name}`, null);
    }
    if (!res.ok) throw new WechatError(`wechat HTTP ${res.status}`, null);
    return (await res.json()) as Record<string, unknown>;
  }

  return {
    async code2Session(code: string): Promise<WechatSession> {
      const body = await getJson('/sns/jscode2session', {
        appid: options.appid,
        secret: options.secret,
        js_code: code,
        grant_type: 'authorization_code',
      });
      const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
      if (errcode !== 0 || typeof body.openid !== 'string') {
        throw new WechatError(`jscode2session errcode ${errcode}: ${String(body.errmsg ?? '')}`, errcode || null);
      }
      return { openid: body.openid, unionid: typeof body.unionid === 'string' ? body.unionid : undefined };
    },
  };
}

export type WechatClient = ReturnType<typeof createWechatClient>;
