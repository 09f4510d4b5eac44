import type { Urgency } from '@ssp/shared';
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

/** A resident's follow-up on a ticket the pipeline already has (催办, 补充, 撤回, 重新办理, 评价). */
export interface FollowUpPayload {
  event: 'urge' | 'supplement' | 'withdrawn' | 'reopened' | 'rated' | 'merged';
  idempotencyKey: string;
  ticketNo: string;
  reportId: string;
  /** the pipeline's own id for the ticket, from the delivery answer */
  externalId: string | null;
  message: string;
  mediaUrls: string[];
  rating?: string;
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

/** Signed JSON POST; throws DeliveryError unless the answer is 2xx within the timeout. */
async function postSigned(url: string, secret: string, timeoutMs: number, payload: { idempotencyKey: string }): Promise<string> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': payload.idempotencyKey, ...signedHeaders(secret, body) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`webhook unreachable: ${(err as Error).name}: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300) throw new DeliveryError(`webhook HTTP ${res.status}: ${text.slice(0, 200)}`);
  return text;
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
