import type { Urgency } from '@ssp/shared';
import http from 'node:http';
import https from 'node:https';
import { signedHeaders } from './signature';

/** What we send to the city's ticket system for one report (see README for the wire format). */
export interface PipelinePayload {
  /** `created` for a new ticket; follow-ups use FollowUpPayload */
  event: 'created';
  idempotencyKey: string;
  ticketNo: string;
  reportId: string;
  kind: 'complaint' | 'snap';
  category: { code: string; name: string; parentCode: string | null; parentName: string | null } | null;
  urgent: boolean;
  /** 紧急 / 次紧急 / 普通; `urgent` is `urgency === 'urgent'` */
  urgency: Urgency;
  department: string | null;
  district: { code: string; name: string } | null;
  location: Record<string, unknown>;
  description: string;
  contactPhone?: string;
  /** answers to the category's and the 专区's questions, `{ <questionCode>: value }` (only when there are any) */
  answers?: Record<string, string | number | boolean | string[]>;
  /** the 专区 it was filed through */
  zone?: { id: string; title: string };
  mediaUrls: string[];
  createdAt: string;
  dueAt: string | null;
}

/** A follow-up on a ticket the pipeline already has: a resident's (催办, 补充, 撤回, 重新办理, 评价), a merge, or staff's category decision. */
export interface FollowUpPayload {
  event: 'urge' | 'supplement' | 'withdrawn' | 'reopened' | 'rated' | 'merged' | 'recategorized';
  idempotencyKey: string;
  ticketNo: string;
  reportId: string;
  /** the pipeline's own id for the ticket, from the delivery answer */
  externalId: string | null;
  message: string;
  mediaUrls: string[];
  rating?: string;
  /** `recategorized`: the category staff chose (in triage, or by merging categories) */
  category?: PipelinePayload['category'];
  /** `recategorized`: the deadline that follows from the new category; `reopened`: the new round's. Replaces the `dueAt` delivered. */
  dueAt?: string;
  at: string;
}

export class DeliveryError extends Error {}

export interface Connector {
  name: 'local' | 'webhook' | 'open311';
  deliver(payload: PipelinePayload): Promise<{ externalId: string | null }>;
  /** absent when the pipeline has no way to take follow-ups (local: staff see them in the console timeline) */
  forward?(payload: FollowUpPayload): Promise<void>;
  /** the 数据看板's new-hotspot message (`event: "hotspot"`); absent when the pipeline takes none */
  announce?(payload: { event: 'hotspot'; idempotencyKey: string }): Promise<void>;
}

/**
 * Kept-alive connections to the pipeline, shared by every delivery. Through `node:http` rather than
 * `fetch`: at hundreds of deliveries a second, fetch's WHATWG streams and per-request objects were the
 * largest share of the server's CPU per delivery (a profile of bench:pipeline's drain; docs/ARCHITECTURE.md).
 */
const agents: Record<string, http.Agent> = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/** One POST; answers the status and body, or fails (a `TimeoutError` when no whole answer came within `timeoutMs`). */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: agents[target.protocol] },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('connection closed before the answer ended'));
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** Signed JSON POST; throws DeliveryError unless the answer is 2xx within the timeout. */
async function postSigned(url: string, secret: string, timeoutMs: number, payload: { idempotencyKey: string }): Promise<string> {
  const body = JSON.stringify(payload);
  let res: { status: number; text: string };
  try {
    res = await post(url, { 'Content-Type': 'application/json', 'Idempotency-Key': payload.idempotencyKey, ...signedHeaders(secret, body) }, body, timeoutMs);
  } catch (err) {
    throw new DeliveryError(`webhook unreachable: ${(err as Error).name}: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status >= 300) throw new DeliveryError(`webhook HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  return res.text;
}

/**
 * `local`: our own admin console is the pipeline, so handing over is just
 * recording it. Staff then accept, dispatch and resolve in the console.
 */
export function localConnector(): Connector {
  return { name: 'local', deliver: async (p) => ({ externalId: p.ticketNo }) };
}

/** `webhook`: signed JSON POST; any 2xx within the timeout is delivered, anything else is retried. */
export function webhookConnector(opts: { url: string; secret: string; timeoutMs: number }): Connector {
  return {
    name: 'webhook',
    async deliver(payload) {
      const text = await postSigned(opts.url, opts.secret, opts.timeoutMs, payload);
      let externalId: string | null = null;
      try {
        externalId = (JSON.parse(text) as { ticketId?: string; id?: string }).ticketId ?? null;
      } catch {
        // a 2xx without a JSON body is still a delivery
      }
      return { externalId };
    },
    async forward(payload) {
      await postSigned(opts.url, opts.secret, opts.timeoutMs, payload);
    },
    async announce(payload) {
      await postSigned(opts.url, opts.secret, opts.timeoutMs, payload);
    },
  };
}
