import mongoose from 'mongoose';
import { canTransition, RATING_LABELS, STATUS_LABELS, type PipelineEvent, type ReportStatus, type ReportView, type TransitionActor } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import type { AuthUser } from '../http/context';
import { AppError, notFound, validationFailed } from '../http/errors';
import type { MediaService } from '../media/mediaService';
import type { MediaSigner } from '../media/mediaSigner';
import { allowedActions } from './followUp';
import { forwardEffect, notifyEffect, type FollowUpEvent, type ReportEffect } from './effects';
import { Report, type ReportDoc } from './reportModel';
import { presentReport } from './reportPresenter';
import { updateReport, updateReportIf } from './reportLock';

export interface TransitionInput {
  to: ReportStatus;
  message?: string;
  department?: string;
  mediaIds?: string[];
}

const DEFAULT_MESSAGES: Partial<Record<ReportStatus, string>> = {
  accepted: '12345 热线已受理您的诉求',
  dispatched: '已派发至承办部门',
  in_progress: '承办部门正在办理',
  returned: '承办部门退回，等待重新派单',
  closed: '诉求已关闭',
  withdrawn: '您已撤回诉求',
  reopened: '您申请了重新办理',
};

/**
 * Every change of a ticket's status goes through here: the shared state
 * machine decides who may make which move; the write is conditional on the
 * status it was read in (a compare-and-set on MongoDB), so two staff members
 * clicking at once cannot both succeed; each move adds a timeline entry.
 */
export function createTicketService(deps: {
  categories: CategoryService;
  signer: MediaSigner;
  media: MediaService;
  now?: () => number;
  /** a report has new entries in its effects outbox: work them now rather than at the next scan */
  onEffects?: (reportId: string) => void;
}) {
  const now = () => new Date(deps.now ? deps.now() : Date.now());

  async function load(id: string, citizenId?: string): Promise<ReportDoc> {
    if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
    // By _id alone (an index lookup everywhere), then the owner check: anyone else's report is "not found".
    const doc = await Report.findById(id).lean<ReportDoc>();
    if (!doc || (citizenId && String(doc.citizenId) !== citizenId)) throw notFound('REPORT_NOT_FOUND');
    return doc;
  }

  async function apply(doc: ReportDoc, to: ReportStatus, actorKind: TransitionActor, actorName: string, input: Omit<TransitionInput, 'to'>, extra: Record<string, unknown> = {}): Promise<ReportDoc> {
    const from = doc.status as ReportStatus;
    if (!canTransition(from, to, actorKind)) {
      throw new AppError(409, 'ILLEGAL_TRANSITION', `「${STATUS_LABELS[from]}」状态下不能变为「${STATUS_LABELS[to]}」`);
    }
    if (to === 'rejected' && !input.message) throw new AppError(400, 'REASON_REQUIRED', '不予受理时请填写原因');
    if (to === 'resolved' && !input.message) throw new AppError(400, 'REPLY_REQUIRED');
    const at = now();
    const set: Record<string, unknown> = { status: to, updatedAt: at, ...extra };
    if (to === 'dispatched') {
      const info = doc.category?.code ? await deps.categories.info(doc.category.code) : null;
      set.department = input.department || info?.department || doc.department || null;
      const hours = info ? (doc.urgent ? info.deadlineHours.urgent : info.deadlineHours.normal) : 120;
      set.dueAt = new Date(at.getTime() + hours * 3600_000);
    }
    if (to === 'resolved') set.resolvedAt = at;
    const department = (set.department as string | undefined) ?? input.department;
    const entry = {
      at,
      status: to,
      actor: actorName,
      message: input.message || (to === 'dispatched' && department ? `已派发至${department}` : DEFAULT_MESSAGES[to] ?? STATUS_LABELS[to]),
      ...(input.mediaIds?.length ? { mediaIds: input.mediaIds } : {}),
    };
    // The resident hears of every move they did not make themselves (and of their reopen request);
    // the pipeline hears of every move the resident made.
    const effects: ReportEffect[] = [];
    if (actorKind !== 'citizen' || to === 'reopened') effects.push(notifyEffect(to, entry.message, at));
    if (actorKind === 'citizen') effects.push(forwardEffect(to === 'closed' ? 'rated' : (to as FollowUpEvent), entry.message, at, { rating: (extra.rating as { value?: string } | undefined)?.value }));
    const changed = await updateReportIf(doc._id, { status: from }, { $set: { ...set, ...(effects.length ? { effectsPending: true } : {}) }, $push: { timeline: entry, effects: { $each: effects } } });
    if (!changed) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求状态已被其他操作更新，请刷新后重试');
    deps.onEffects?.(doc._id);
    return (await Report.findById(doc._id).lean<ReportDoc>())!;
  }

  /** A timeline entry without a status change (催办, 补充, a 不满意 rating), forwarded to the pipeline. */
  async function note(doc: ReportDoc, actor: string, message: string, forward: ReportEffect, set: Record<string, unknown> = {}, pushMedia: string[] = []): Promise<ReportDoc> {
    const at = now();
    const push: Record<string, unknown> = { timeline: { at, status: doc.status, actor, message }, effects: forward };
    if (pushMedia.length) push.mediaIds = { $each: pushMedia.map((m) => new mongoose.Types.ObjectId(m)) };
    await updateReport(doc._id, { $set: { ...set, updatedAt: at, effectsPending: true }, $push: push });
    deps.onEffects?.(doc._id);
    return (await Report.findById(doc._id).lean<ReportDoc>())!;
  }

  const present = (doc: ReportDoc, forStaff: boolean) => presentReport(doc, deps.signer, { forStaff, now: now().getTime() });

  return {
    /** Staff in the console (the `local` connector), or the pipeline's events. */
    async staffTransition(user: AuthUser | { pipeline: true }, id: string, input: TransitionInput): Promise<ReportView> {
      const doc = await load(id);
      const isPipeline = 'pipeline' in user;
      if (input.mediaIds?.length && !isPipeline) {
        const notOwned = await deps.media.notOwned(user.id, input.mediaIds);
        if (notOwned.length) throw validationFailed(notOwned.map((i) => ({ path: `mediaIds.${i}`, code: 'media_not_owned', message: '图片不存在或不是您上传的' })));
      }
      const updated = await apply(doc, input.to, isPipeline ? 'pipeline' : 'admin', isPipeline ? 'pipeline' : 'admin', input);
      return present(updated, true);
    },

    /** An event from the city's pipeline: a status move by its sequence number. */
    async applyPipelineEvent(id: string, event: PipelineEvent, mediaNote: string): Promise<void> {
      const doc = await load(id);
      const message = [event.message, mediaNote].filter(Boolean).join(' ') || undefined;
      await apply(doc, event.type, 'pipeline', event.department ?? 'pipeline', { message, department: event.department }, { pipelineSeq: event.seq });
    },

    /** 7 days after resolution without a rating or reopen request. */
    async systemClose(id: string): Promise<void> {
      const doc = await load(id);
      await apply(doc, 'closed', 'system', 'system', { message: '办结 7 天内未申请重新办理，诉求自动关闭' });
    },

    async withdraw(user: AuthUser, id: string, reason: string): Promise<ReportView> {
      const doc = await load(id, user.id);
      return present(await apply(doc, 'withdrawn', 'citizen', 'citizen', { message: `您已撤回诉求：${reason}` }), false);
    },

    async urge(user: AuthUser, id: string, message?: string): Promise<ReportView> {
      const doc = await load(id, user.id);
      if (!allowedActions(doc, now().getTime()).urge) throw new AppError(429, 'URGE_TOO_EARLY');
      const text = `您催办了此诉求${message ? `：${message}` : ''}`;
      return present(await note(doc, 'citizen', text, forwardEffect('urge', message || '市民催办', now()), { lastUrgedAt: now() }), false);
    },

    async supplement(user: AuthUser, id: string, text: string, mediaIds: string[]): Promise<ReportView> {
      const doc = await load(id, user.id);
      if (!allowedActions(doc, now().getTime()).supplement) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求已结束，不能再补充');
      const notOwned = await deps.media.notOwned(user.id, mediaIds);
      if (notOwned.length) throw validationFailed(notOwned.map((i) => ({ path: `mediaIds.${i}`, code: 'media_not_owned', message: '图片不存在或不属于您' })));
      const effect = forwardEffect('supplement', text, now(), { mediaIds });
      return present(await note(doc, 'citizen', `您补充了信息：${text || '（照片）'}`, effect, {}, mediaIds), false);
    },

    /** 满意/基本满意 close the ticket; 不满意 is recorded and leaves 重新办理 open for 7 days. */
    async rate(user: AuthUser, id: string, rating: keyof typeof RATING_LABELS, comment?: string): Promise<ReportView> {
      const doc = await load(id, user.id);
      if (!allowedActions(doc, now().getTime()).rate) throw new AppError(409, 'RATING_NOT_ALLOWED');
      const value = { value: rating, comment: comment ?? '', at: now() };
      const message = `您的评价：${RATING_LABELS[rating]}${comment ? `。${comment}` : ''}`;
      if (rating === 'unsatisfied') return present(await note(doc, 'citizen', message, forwardEffect('rated', message, now(), { rating }), { rating: value }), false);
      return present(await apply(doc, 'closed', 'citizen', 'citizen', { message }, { rating: value }), false);
    },

    async reopen(user: AuthUser, id: string, reason: string): Promise<ReportView> {
      const doc = await load(id, user.id);
      if (doc.status === 'resolved' && !allowedActions(doc, now().getTime()).reopen) throw new AppError(409, 'REOPEN_WINDOW_CLOSED');
      return present(await apply(doc, 'reopened', 'citizen', 'citizen', { message: `您申请重新办理：${reason}` }, { rating: null }), false);
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
