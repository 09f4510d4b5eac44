/**
 * WeChat subscribe messages (`subscribeMessage.send`) with the access token
 * from `POST /cgi-bin/stable_token`. The stable token is shared by every
 * instance of ours (WeChat hands out the same token until it expires), so
 * each instance caches it until shortly before `expires_in` and refreshes
 * only when it lapses or WeChat says it is no longer valid.
 */
export interface WechatMessengerOptions {
  baseUrl: string;
  appid: string;
  secret: string;
  timeoutMs?: number;
  now?: () => number;
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
}

/** `refused`: the resident did not subscribe or the subscription is used up (43101) — never retried. */
export type SendOutcome = { state: 'sent'; msgid: string } | { state: 'refused'; errcode: number } | { state: 'failed'; errcode: number | null; error: string };

/** errcodes meaning "this resident cannot get this template now": retrying will not help. */
const REFUSED = new Set([43101, 43107, 43108]);
/** the token we used has expired or been replaced: fetch a fresh one and try once more */
const TOKEN_INVALID = new Set([40001, 42001, 40014]);
/** refresh this long before WeChat's stated expiry, so a token never expires in flight */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export function createWechatMessenger(opts: WechatMessengerOptions) {
  const now = opts.now ?? Date.now;
  const timeout = opts.timeoutMs ?? 5000;
  let cached: { token: string; expiresAt: number } | null = null;
  let inflight: Promise<string> | null = null;

  async function postJson(pathname: string, body: unknown, query: Record<string, string> = {}) {
    const url = new URL(pathname, opts.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
    if (!res.ok) throw new Error(`wechat HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async function fetchToken(forceRefresh: boolean): Promise<string> {
    const body = await postJson('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: opts.appid, secret: opts.secret, force_refresh: forceRefresh });
    if (typeof body.access_token !== 'string') throw new Error(`stable_token errcode ${String(body.errcode)}: ${String(body.errmsg ?? '')}`);
    const ttlMs = (typeof body.expires_in === 'number' ? body.expires_in : 7200) * 1000;
    cached = { token: body.access_token, expiresAt: now() + Math.max(ttlMs - EXPIRY_MARGIN_MS, ttlMs / 2) };
    return cached.token;
  }

  /** One token request at a time: a burst of sends after expiry shares the refresh. */
  function token(forceRefresh = false): Promise<string> {
    if (!forceRefresh && cached && now() < cached.expiresAt) return Promise.resolve(cached.token);
    inflight ??= fetchToken(forceRefresh).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function sendOnce(msg: SubscribeMessage, accessToken: string) {
    return postJson(
      '/cgi-bin/message/subscribe/send',
      { touser: msg.touser, template_id: msg.templateId, page: msg.page, data: msg.data, miniprogram_state: msg.miniprogramState, lang: 'zh_CN' },
      { access_token: accessToken },
    );
  }

  return {
    async send(msg: SubscribeMessage): Promise<SendOutcome> {
      try {
        let body = await sendOnce(msg, await token());
        let errcode = typeof body.errcode === 'number' ? body.errcode : 0;
        if (TOKEN_INVALID.has(errcode)) {
          cached = null;
          body = await sendOnce(msg, await token(true));
          errcode = typeof body.errcode === 'number' ? body.errcode : 0;
        }
        if (errcode === 0) return { state: 'sent', msgid: String(body.msgid ?? '') };
        if (REFUSED.has(errcode)) return { state: 'refused', errcode };
        return { state: 'failed', errcode, error: String(body.errmsg ?? '') };
      } catch (err) {
        return { state: 'failed', errcode: null, error: (err as Error).message };
      }
    },
    /** for tests and diagnostics */
    tokenExpiresAt: () => cached?.expiresAt ?? null,
  };
}

export type WechatMessenger = ReturnType<typeof createWechatMessenger>;
