import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../src/pipeline/signature';
import { startTestServer, TEST_PIPELINE_SECRET, type TestServer } from './harness';

/**
 * A stand-in for the city's ticket system, speaking our webhook wire format
 * over real HTTP. It checks signatures, keeps one ticket per idempotency key
 * (a retry is answered with the same ticket, never a second one), and has
 * switches for the ways a real one fails.
 */
export type FailureMode = 'none' | 'http500' | 'timeout' | 'slow' | 'drop';

export interface ReceivedDelivery {
  idempotencyKey: string;
  signature: 'ok' | 'missing' | 'stale' | 'bad_signature';
  body: Record<string, any>;
  at: number;
}

/** A service request as the fake Open311 server keeps it (GeoReport v2 field names). */
export interface FakeServiceRequest {
  service_request_id: string;
  service_code: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  agency_responsible: string | null;
  description: string;
  lat: string | null;
  long: string | null;
  address_string: string | null;
  media_url: string | null;
  phone: string | null;
  requested_datetime: string;
  updated_datetime: string;
}

export const FAKE_OPEN311_KEY = 'open311-test-key';

export type FakePipeline = Awaited<ReturnType<typeof startFakePipeline>>;

/** A test server whose pipeline is the fake, through the signed webhook, with retries tuned for tests. */
export async function startServerWithFakePipeline(): Promise<{ server: TestServer; fake: FakePipeline }> {
  const fake = await startFakePipeline(TEST_PIPELINE_SECRET);
  const server = await startTestServer({
    pipeline: { connector: 'webhook', webhookUrl: fake.url, secret: TEST_PIPELINE_SECRET, publicBaseUrl: 'http://127.0.0.1:9', maxAttempts: 3, baseBackoffMs: 20, timeoutMs: 300, leaseMs: 3000 },
  });
  return { server, fake };
}

export async function startFakePipeline(secret: string) {
  let mode: FailureMode = 'none';
  let failuresLeft = Infinity;
  let slowMs = 300;
  const received: ReceivedDelivery[] = [];
  const tickets = new Map<string, string>();
  /** follow-ups (催办, 补充, …) by idempotency key, in the order first received */
  const followUps = new Map<string, Record<string, any>>();
  /** Open311: service requests by id, and which idempotency key made which */
  const serviceRequests = new Map<string, FakeServiceRequest>();
  const open311Keys = new Map<string, string>();
  const open311Posts: URLSearchParams[] = [];
  const json = (res: http.ServerResponse, status: number, body: unknown) => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

  function open311(req: http.IncomingMessage, res: http.ServerResponse, raw: string, url: URL, failing: boolean) {
    if (req.method === 'GET' && url.pathname === '/open311/requests.json') {
      if (url.searchParams.get('api_key') !== FAKE_OPEN311_KEY) return json(res, 403, [{ code: 403, description: 'Invalid api_key' }]);
      const after = Date.parse(url.searchParams.get('updated_after') ?? '') || 0;
      return json(res, 200, [...serviceRequests.values()].filter((r) => Date.parse(r.updated_datetime) > after));
    }
    if (req.method !== 'POST' || url.pathname !== '/open311/requests.json') return json(res, 404, [{ code: 404, description: 'not found' }]);
    const form = new URLSearchParams(raw);
    open311Posts.push(form);
    if (failing && mode === 'http500') return json(res, 500, [{ code: 500, description: 'internal error' }]);
    if (form.get('api_key') !== FAKE_OPEN311_KEY) return json(res, 403, [{ code: 403, description: 'Invalid api_key' }]);
    if (!form.get('service_code')) return json(res, 400, [{ code: 400, description: 'service_code is required' }]);
    const key = req.headers['idempotency-key'] as string | undefined;
    let id = key ? open311Keys.get(key) : undefined;
    if (!id) {
      id = String(638000 + serviceRequests.size + 1);
      const now = new Date().toISOString();
      serviceRequests.set(id, {
        service_request_id: id,
        service_code: form.get('service_code')!,
        status: 'open',
        status_notes: null,
        agency_responsible: null,
        description: form.get('description') ?? '',
        lat: form.get('lat'),
        long: form.get('long'),
        address_string: form.get('address_string'),
        media_url: form.get('media_url'),
        phone: form.get('phone'),
        requested_datetime: now,
        updated_datetime: now,
      });
      if (key) open311Keys.set(key, id);
    }
    return json(res, 201, [{ service_request_id: id, service_notice: '', account_id: null }]);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname.startsWith('/open311/')) {
        const failing = mode !== 'none' && failuresLeft > 0 && req.method === 'POST';
        if (failing) failuresLeft--;
        if (failing && mode === 'timeout') return;
        if (failing && mode === 'drop') return void req.socket.destroy();
        return open311(req, res, raw, url, failing);
      }
      const signature = verify(secret, req.headers['x-pipeline-timestamp'] as string, req.headers['x-pipeline-signature'] as string, raw);
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // recorded as received anyway
      }
      received.push({ idempotencyKey: body.idempotencyKey, signature, body, at: Date.now() });
      const failing = mode !== 'none' && failuresLeft > 0;
      if (failing) failuresLeft--;
      if (failing && mode === 'timeout') return; // never answers
      if (failing && mode === 'drop') return void req.socket.destroy();
      if (failing && mode === 'http500') return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
      if (signature !== 'ok') return void res.writeHead(401).end('bad signature');
      const answer = () => {
        if (body.event && body.event !== 'created') {
          if (!followUps.has(body.idempotencyKey)) followUps.set(body.idempotencyKey, body);
          return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
        }
        let ticketId = tickets.get(body.idempotencyKey);
        if (!ticketId) tickets.set(body.idempotencyKey, (ticketId = `CITY-${tickets.size + 1}`));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ticketId }));
      };
      if (failing && mode === 'slow') setTimeout(answer, slowMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/webhook`,
    open311: {
      baseUrl: `${origin}/open311/`,
      requests: serviceRequests,
      posts: open311Posts,
      /** the city changes a request (as its staff would); updated_datetime moves on */
      update(id: string, change: Partial<Pick<FakeServiceRequest, 'status' | 'status_notes' | 'agency_responsible' | 'media_url'>>) {
        const r = serviceRequests.get(id)!;
        const last = Date.parse(r.updated_datetime);
        Object.assign(r, change, { updated_datetime: new Date(Math.max(Date.now(), last + 1)).toISOString() });
      },
    },
    received,
    /** tickets created: one per idempotency key, however many retries arrived */
    tickets,
    followUps,
    fail(next: FailureMode, times = Infinity, ms = 300) {
      mode = next;
      failuresLeft = times;
      slowMs = ms;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
