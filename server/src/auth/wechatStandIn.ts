import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for WeChat's server API, speaking its wire format over real
 * HTTP, for development and tests where WeChat cannot be reached.
 * `jscode2session` derives a stable openid from the code, so one device code
 * always maps to one resident. Codes starting with `invalid` get errcode 40029.
 * `stable_token` issues tokens that expire after `tokenTtlSeconds`;
 * `subscribeMessage.send` delivers only against a subscription granted with
 * `grant()` (what the resident's tap on "允许" does in the real client) and
 * answers 43101 otherwise, as WeChat does.
 * It refuses to start in production.
 */
export interface WechatStandIn {
  baseUrl: string;
  appid: string;
  secret: string;
  /** every request received, for tests */
  requests: { path: string; query: Record<string, string>; body?: any }[];
  /** subscribe messages delivered, in order */
  sent: { touser: string; template_id: string; page: string; data: Record<string, { value: string }> }[];
  /** the resident `openid` accepted one message of `templateId` */
  grant(openid: string, templateId: string, count?: number): void;
  /** make every valid token invalid now (WeChat rotated it) */
  revokeTokens(): void;
  close(): Promise<void>;
}

export function openidFor(appid: string, code: string): string {
  return 'o' + createHash('sha256').update(`${appid}:${code}`).digest('base64url').slice(0, 27);
}

export async function startWechatStandIn(opts: { env?: string; tokenTtlSeconds?: number } = {}): Promise<WechatStandIn> {
  // Fails closed: only an explicit development or test environment may turn every code into a resident.
  const env = opts.env ?? process.env.NODE_ENV;
  if (env !== 'development' && env !== 'test') {
    throw new Error(`The local WeChat stand-in runs only with NODE_ENV=development or test (now: ${env ?? 'unset'}): set WECHAT_APPID and WECHAT_SECRET`);
  }
  const appid = 'wx-standin';
  const secret = randomBytes(16).toString('hex');
  const requests: WechatStandIn['requests'] = [];
  const sent: WechatStandIn['sent'] = [];
  const grants = new Map<string, number>();
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let stableToken: string | null = null;

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    let body: any;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
    }
    requests.push({ path: url.pathname, query, body });
    const send = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/sns/jscode2session') {
      if (query.appid !== appid || query.secret !== secret) return send({ errcode: 40013, errmsg: 'invalid appid' });
      const code = query.js_code ?? '';
      if (!code || code.startsWith('invalid')) return send({ errcode: 40029, errmsg: 'invalid code' });
      return send({ openid: openidFor(appid, code), session_key: randomBytes(16).toString('base64') });
    }
    if (url.pathname === '/cgi-bin/stable_token') {
      if (body?.grant_type !== 'client_credential' || body.appid !== appid || body.secret !== secret) return send({ errcode: 40013, errmsg: 'invalid appid' });
      const ttl = opts.tokenTtlSeconds ?? 7200;
      const live = stableToken && (tokens.get(stableToken) ?? 0) > Date.now();
      if (!live || body.force_refresh) {
        stableToken = randomBytes(24).toString('base64url');
        tokens.set(stableToken, Date.now() + ttl * 1000);
      }
      return send({ access_token: stableToken, expires_in: Math.max(1, Math.round(((tokens.get(stableToken!) ?? 0) - Date.now()) / 1000)) });
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send') {
      if ((tokens.get(query.access_token ?? '') ?? 0) <= Date.now()) return send({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      if (!body?.touser || !body.template_id || !body.data) return send({ errcode: 47003, errmsg: 'argument invalid!' });
      const key = `${body.touser}|${body.template_id}`;
      const left = grants.get(key) ?? 0;
      if (left <= 0) return send({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
      grants.set(key, left - 1);
      sent.push({ touser: body.touser, template_id: body.template_id, page: body.page, data: body.data });
      return send({ errcode: 0, errmsg: 'ok', msgid: randomBytes(8).toString('hex') });
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errcode: 404, errmsg: 'not found' }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    appid,
    secret,
    requests,
    sent,
    grant(openid, templateId, count = 1) {
      const key = `${openid}|${templateId}`;
      grants.set(key, (grants.get(key) ?? 0) + count);
    },
    revokeTokens() {
      tokens.clear();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
