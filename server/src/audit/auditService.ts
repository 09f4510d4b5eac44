import type { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { residentActorName, shanghaiDateTime, type AuditAction, type AuditEntryView } from '@ssp/shared';
import type { AppContext } from '../http/context';
import { csvLine, writeLine } from '../http/csv';
import { Audit, type AuditDoc } from './auditModel';

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** The actor's name as staff read it: a resident's entries are stored with no name (see privacy/residentAudit.ts). */
function actorName(actor: AuditDoc['actor'] | undefined): string {
  if (actor?.name) return actor.name;
  return actor?.roles?.includes('citizen') && actor.id ? residentActorName(actor.id) : '';
}

export function presentAudit(doc: AuditDoc): AuditEntryView {
  return {
    id: doc._id,
    at: doc.at.toISOString(),
    actor: { id: doc.actor?.id ?? '', name: actorName(doc.actor), roles: doc.actor?.roles ?? [] },
    action: doc.action,
    target: { type: doc.target?.type ?? '', id: doc.target?.id ?? '', ...(doc.target?.label ? { label: doc.target.label } : {}) },
    summary: (doc.summary ?? {}) as AuditEntryView['summary'],
    ip: doc.ip ?? '',
    requestId: doc.requestId ?? '',
  };
}

function filterOf(q: Omit<AuditQuery, 'limit'>): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  // `actor` matches the account id or the display name, as an admin would type either.
  if (q.actor) filter.$or = mongoose.isValidObjectId(q.actor) ? [{ 'actor.id': q.actor }, { 'actor.name': q.actor }] : [{ 'actor.name': q.actor }];
  // `category.update` matches exactly; `category` every category action.
  if (q.action) filter.action = q.action.includes('.') ? q.action : { $regex: `^${q.action.replace(/[^a-z_]/g, '')}\\.` };
  if (q.target) filter.$and = [{ $or: [{ 'target.id': q.target }, { 'target.label': q.target }] }];
  const idRange: Record<string, string> = {};
  if (q.cursor) idRange.$lt = q.cursor;
  if (Object.keys(idRange).length) filter._id = idRange;
  if (q.from || q.to) filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  return filter;
}

/**
 * Every staff write ends with `record`, after the write itself succeeded, so a
 * rejected request (400/403/404/409) leaves no entry. Entries are inserted
 * with `w: majority` before the response goes out.
 */
export function createAuditService() {
  return {
    async record(ctx: AppContext, action: AuditAction, target: { type: string; id: string; label?: string | null }, summary: Record<string, unknown>): Promise<void> {
      const user = ctx.state.user;
      await Audit.create({
        at: new Date(),
        actor: { id: user?.id ?? '', name: user?.name ?? '', roles: user?.roles ?? [] },
        action,
        target: { type: target.type, id: target.id, ...(target.label ? { label: target.label } : {}) },
        summary,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      });
    },

    async list(q: AuditQuery): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
      const docs = await Audit.find(filterOf(q)).sort({ _id: -1 }).limit(q.limit + 1).lean<AuditDoc[]>();
      const page = docs.slice(0, q.limit);
      return { items: page.map(presentAudit), nextCursor: docs.length > q.limit ? page[page.length - 1]._id : null };
    },

    /** Entries touching one target (a report's detail view shows them). */
    async forTarget(id: string, limit = 100): Promise<AuditEntryView[]> {
      const docs = await Audit.find({ 'target.id': id }).sort({ _id: -1 }).limit(limit).lean<AuditDoc[]>();
      return docs.map(presentAudit);
    },

    /** CSV of the filtered entries, streamed; returns the row count. */
    async exportCsv(q: Omit<AuditQuery, 'limit' | 'cursor'>, out: Writable, maxRows = 100_000): Promise<number> {
      await writeLine(out, '\uFEFF' + csvLine(['时间（北京时间）', '操作人', '操作人ID', '角色', '操作', '对象类型', '对象', '对象名称', '内容', 'IP', '请求ID']));
      let n = 0;
      for await (const doc of Audit.find(filterOf(q)).sort({ _id: -1 }).limit(maxRows).lean<AuditDoc[]>().cursor()) {
        const d = doc as unknown as AuditDoc;
        await writeLine(out, csvLine([shanghaiDateTime(d.at), actorName(d.actor), d.actor?.id, (d.actor?.roles ?? []).join('|'), d.action, d.target?.type, d.target?.id, d.target?.label ?? '', JSON.stringify(d.summary ?? {}), d.ip, d.requestId]));
        n++;
      }
      out.end();
      return n;
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
