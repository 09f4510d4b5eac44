import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for WeChat's server API, speaking its wire format over real
 * HTTP, for development and tests where WeChat cannot be reached.
 * `jscode2session` derives a stable openid from the code, so one device code
 * always maps to one resident. Codes starting with `invalid` get errcode 40029.
 * It refuses to start in production.
 */
export interface WechatStandIn {
  baseUrl: string;
  appid: string;
  secret: string;
  /** every request received, for tests */
  requests: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

export function openidFor(appid: string, code: string): string {
  return 'o' + createHash('sha256').update(`${appid}:${code}`).digest('base64url').slice(0, 27);
}

export async function startWechatStandIn(opts: { env?: string } = {}): Promise<WechatStandIn> {
  if ((opts.env ?? process.env.NODE_ENV) === 'production') {
    throw new Error('The local WeChat stand-in must not run in production: set WECHAT_APPID and WECHAT_SECRET');
  }
  const appid = 'wx-standin';
  const secret = randomBytes(16).toString('hex');
  const requests: WechatStandIn['requests'] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
