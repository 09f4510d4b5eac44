import mongoose, { Schema } from 'mongoose';
import { OPEN_STATUSES, type ReportStatus } from '@ssp/shared';
import { gcj02ToWgs84 } from '../geo/coords';
import type { Logger } from '../log';
import type { ReportRepository } from '../reports/reportRepository';
import type { TicketService } from '../reports/ticketService';
import { DeliveryError, type Connector, type PipelinePayload } from './connectors';
import { periodic } from '../periodic';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the subset we
 * call. `POST /requests.json` (form-encoded) creates a service request;
 * `GET /requests.json?updated_after=` is polled for changes, since Open311
 * has no callbacks. Its status is only `open`/`closed`; `agency_responsible`
 * tells us it has been dispatched.
 */
export interface Open311Options {
  baseUrl: string;
  apiKey: string;
  jurisdictionId?: string;
  /** our category code (leaf or first level) → their service_code; unmapped codes are sent as they are */
  serviceCodes: Record<string, string>;
  timeoutMs: number;
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes?: string | null;
  agency_responsible?: string | null;
  updated_datetime?: string | null;
  media_url?: string | null;
}

function endpoint(opts: Open311Options, pathname: string): URL {
  const url = new URL(opts.baseUrl.replace(/\/?$/, '/') + pathname);
  if (opts.jurisdictionId) url.searchParams.set('jurisdiction_id', opts.jurisdictionId);
  return url;
}

async function readError(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const errs = JSON.parse(text) as { code?: number; description?: string }[];
    return errs.map((e) => `${e.code}: ${e.description}`).join('; ');
  } catch {
    return text.slice(0, 200);
  }
}

export function serviceCodeFor(payload: PipelinePayload, codes: Record<string, string>): string {
  const c = payload.category;
  if (!c) return codes.unclassified ?? 'unclassified';
  return codes[c.code] ?? (c.parentCode ? codes[c.parentCode] : undefined) ?? c.code;
}

/**
 * No `forward`: GeoReport v2 has no call that changes or annotates a request already posted (`POST
 * requests.json` creates one; everything else reads), so follow-ups (催办, 补充, 撤回, 重新办理, 评价) and
 * staff's category changes after delivery (`recategorized`: triage, a category merge) stay in our timeline,
 * and the effects worker drops them for this connector. Sending a second request for the same ticket would be
 * a duplicate ticket in the city's system, not an update. A category decided before delivery is carried: the
 * request is built from the report as it is when delivered.
 */
export function open311Connector(opts: Open311Options): Connector {
  return {
    name: 'open311',
    async deliver(payload) {
      const form = new URLSearchParams();
      form.set('api_key', opts.apiKey);
      if (opts.jurisdictionId) form.set('jurisdiction_id', opts.jurisdictionId);
      form.set('service_code', serviceCodeFor(payload, opts.serviceCodes));
      const loc = payload.location as { lat?: number; lng?: number; address?: string; gcj02?: { lat: number; lng: number } };
      // Open311 coordinates are WGS-84; ours are GCJ-02 (China's map datum).
      if (loc.gcj02) {
        const wgs = gcj02ToWgs84(loc.gcj02);
        form.set('lat', wgs.lat.toFixed(6));
        form.set('long', wgs.lng.toFixed(6));
      }
      if (loc.address) form.set('address_string', loc.address);
      const urgent = payload.urgent ? '【紧急】' : payload.urgency === 'semi_urgent' ? '【次紧急】' : '';
      form.set('description', `${urgent}${payload.description || '（市民随手拍，无文字说明）'}\n受理编号：${payload.ticketNo}`.slice(0, 4000));
      if (payload.mediaUrls[0]) form.set('media_url', payload.mediaUrls[0]); // v2 takes one
      if (payload.contactPhone) form.set('phone', payload.contactPhone);
      // GeoReport v2 service-definition attributes: attribute[code]=value, attribute[code][]=value per choice of a multi-value list.
      for (const [code, value] of Object.entries(payload.answers ?? {})) {
        if (Array.isArray(value)) for (const v of value) form.append(`attribute[${code}][]`, v);
        else form.set(`attribute[${code}]`, String(value));
      }
      let res: Response;
      try {
        res = await fetch(endpoint(opts, 'requests.json'), {
          method: 'POST',
          // Open311 itself has no idempotency; servers that honour this header will not create a second request on retry.
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': payload.idempotencyKey },
          body: form,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        throw new DeliveryError(`open311 unreachable: ${(err as Error).name}: ${(err as Error).message}`);
      }
      if (res.status < 200 || res.status >= 300) throw new DeliveryError(`open311 HTTP ${res.status}: ${await readError(res)}`);
      const body = (await res.json().catch(() => null)) as { service_request_id?: string; token?: string }[] | null;
      const first = Array.isArray(body) ? body[0] : null;
      if (!first?.service_request_id && !first?.token) throw new DeliveryError('open311: answer without service_request_id or token');
      // A token means the id comes later; we keep the token so staff can trace it.
      return { externalId: first.service_request_id ?? `token:${first.token}` };
    },
  };
}

/** Where the poller got to: one shared document, so every instance continues from the same place. */
const cursorSchema = new Schema({ _id: String, updatedAfter: Date }, { versionKey: false });
export const PollCursor = mongoose.model('PollCursor', cursorSchema);

/** The steps our state machine takes to reach what an Open311 status says. */
function stepsTo(current: ReportStatus, r: Open311Request): ReportStatus[] {
  const path: ReportStatus[] = [];
  let at = current;
  const go = (to: ReportStatus) => {
    path.push(to);
    at = to;
  };
  if (!OPEN_STATUSES.includes(at)) return [];
  const wantDispatched = r.status === 'closed' || Boolean(r.agency_responsible);
  if (at === 'submitted') go('accepted');
  if (wantDispatched && (at === 'accepted' || at === 'returned' || at === 'reopened')) go('dispatched');
  if (r.status === 'closed' && (at === 'dispatched' || at === 'in_progress')) go('resolved');
  return path;
}

export function createOpen311Poller(opts: Open311Options & { repo: ReportRepository; tickets: TicketService; log: Logger; pollMs: number }) {
  async function apply(r: Open311Request): Promise<boolean> {
    const doc = await opts.repo.findByExternalId(r.service_request_id);
    if (!doc) return false;
    const seq = r.updated_datetime ? Date.parse(r.updated_datetime) : 0;
    if (!seq || seq <= (doc.pipelineSeq ?? 0)) return false; // seen already, or older than what we have
    const steps = stepsTo(doc.status as ReportStatus, r);
    for (const [i, to] of steps.entries()) {
      const last = i === steps.length - 1;
      await opts.tickets.applyPipelineEvent(
        String(doc._id),
        { eventId: `open311:${r.service_request_id}:${seq}:${to}`, ticketNo: doc.ticketNo, seq, type: to as never, at: r.updated_datetime!, department: r.agency_responsible ?? undefined, message: last && r.status_notes ? r.status_notes : undefined },
        last && r.media_url ? `（附图：${r.media_url}）` : '',
      );
    }
    // Nothing to move: remember we saw this update (unless the ticket moved on meanwhile; then the next poll decides).
    if (!steps.length) await opts.repo.update(doc._id, { status: doc.status, pipelineSeq: doc.pipelineSeq ?? null }, { set: { pipelineSeq: seq } });
    return steps.length > 0;
  }

  async function poll(): Promise<number> {
    const cursor = await PollCursor.findById('open311').lean();
    // A minute of overlap: a request updated while we read the last page is not skipped; repeats are ignored by updated_datetime.
    const since = new Date((cursor?.updatedAfter?.getTime() ?? Date.now() - 24 * 3600_000) - 60_000);
    const url = endpoint(opts, 'requests.json');
    url.searchParams.set('api_key', opts.apiKey);
    url.searchParams.set('updated_after', since.toISOString());
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs) });
    if (!res.ok) throw new Error(`open311 poll HTTP ${res.status}: ${await readError(res)}`);
    const requests = (await res.json()) as Open311Request[];
    let applied = 0;
    let newest = cursor?.updatedAfter?.getTime() ?? 0;
    for (const r of requests) {
      try {
        if (await apply(r)) applied++;
      } catch (err) {
        opts.log.warn('open311 update not applied', { serviceRequestId: r.service_request_id, error: (err as Error).message });
      }
      if (r.updated_datetime) newest = Math.max(newest, Date.parse(r.updated_datetime));
    }
    // `$max`: another instance may have moved the cursor further while this one polled; the cursor only goes forward.
    if (newest) await PollCursor.updateOne({ _id: 'open311' }, { $max: { updatedAfter: new Date(newest) } }, { upsert: true });
    return applied;
  }

  const poller = periodic('open311 poll', poll, { everyMs: opts.pollMs, log: opts.log });
  return { poll, start: () => poller.start(), stop: () => poller.stop() };
}

export type Open311Poller = ReturnType<typeof createOpen311Poller>;
