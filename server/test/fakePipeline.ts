import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../src/pipeline/signature';

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

export async function startFakePipeline(secret: string) {
  let mode: FailureMode = 'none';
  let failuresLeft = Infinity;
  let slowMs = 300;
  const received: ReceivedDelivery[] = [];
  const tickets = new Map<string, string>();
  /** follow-ups (催办, 补充, …) by idempotency key, in the order first received */
  const followUps = new Map<string, Record<string, any>>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
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
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return {
    url,
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
