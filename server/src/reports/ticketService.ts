import mongoose from 'mongoose';
import { canTransition, RATING_LABELS, STATUS_LABELS, type PipelineEvent, type ReportStatus, type ReportView, type TransitionActor } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import type { AuthUser } from '../http/context';
import { AppError, notFound, validationFailed } from '../http/errors';
import type { MediaService } from '../media/mediaService';
import type { MediaSigner } from '../media/mediaSigner';
import { allowedActions } from './followUp';
import { deadlineFor } from './deadline';
import { forwardEffect, notifyEffect, type FollowUpEvent, type ReportEffect } from './effects';
import type { Expected, ReportChange, ReportDoc, ReportRepository } from './reportRepository';
import { presentReport } from './reportPresenter';

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

/** A resident's follow-up that lost a race is decided again on the fresh state, this many times at most. */
const NOTE_ATTEMPTS = 5;

/**
 * Every change of a ticket's status goes through here: the shared state
 * machine decides who may make which move; the write is a compare-and-set on
 * the status it was read in, so two staff members clicking at once cannot
 * both succeed; each move adds a timeline entry and its effects in the same
 * write.
 */
export function createTicketService(deps: {
  repo: ReportRepository;
  categories: CategoryService;
  signer: MediaSigner;
  media: MediaService;
  now?: () => number;
}) {
  const now = () => new Date(deps.now ? deps.now() : Date.now());

  async function load(id: string, citizenId?: string): Promise<ReportDoc> {
    if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
    // By _id alone (an index lookup everywhere), then the owner check: anyone else's report is "not found".
    const doc = await deps.repo.findById(id);
    if (!doc || (citizenId && String(doc.citizenId) !== citizenId)) throw notFound('REPORT_NOT_FOUND');
    return doc;
  }

  /** `guard`: what else must still hold for the move, besides the status it was read in (the compare-and-set). */
  async function apply(doc: ReportDoc, to: ReportStatus, actorKind: TransitionActor, actorName: string, input: Omit<TransitionInput, 'to'>, extra: Record<string, unknown> = {}, guard: Expected = {}): Promise<ReportDoc> {
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
      set.dueAt = deadlineFor(doc, info?.deadlineHours ?? null);
    }
    if (to === 'reopened') {
      // A reopen starts a new round of handling, and the deadline counts from it (reports/deadline.ts). Stored
      // with the reopen, not only at the next dispatch: the deadline monitor watches reopened tickets, and held
      // to the finished round's date (often past by now) one would be escalated the moment it was reopened.
      // The pipeline is told the same date with the reopen (below).
      const info = doc.category?.code ? await deps.categories.info(doc.category.code) : null;
      set.dueAt = deadlineFor({ ...doc, timeline: [...(doc.timeline ?? []), { at, status: to }] }, info?.deadlineHours ?? null);
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
    if (actorKind === 'citizen') effects.push(forwardEffect(to === 'closed' ? 'rated' : (to as FollowUpEvent), entry.message, at, { rating: (extra.rating as { value?: string } | undefined)?.value, dueAt: to === 'reopened' ? (set.dueAt as Date) : undefined }));
    const updated = await deps.repo.updateAndGet(doc._id, { ...guard, status: from }, { set, timeline: entry, effects });
    if (!updated) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求状态已被其他操作更新，请刷新后重试');
    return updated;
  }

  /**
   * A resident's timeline entry without a status change (催办, 补充, a 不满意
   * rating), forwarded to the pipeline. `decide` checks the rule on the
   * current state and says what to write and in which state it holds; a
   * write that lost a race (a withdrawal, another urge) is decided again.
   */
  async function note(id: string, citizenId: string, decide: (doc: ReportDoc, at: Date) => { expected?: Expected; message: string; forward: ReportEffect; change?: ReportChange }): Promise<ReportDoc> {
    for (let attempt = 1; ; attempt++) {
      const doc = await load(id, citizenId);
      const at = now();
      const d = decide(doc, at);
      const updated = await deps.repo.updateAndGet(doc._id, { status: doc.status, ...d.expected }, {
        ...d.change,
        timeline: { at, status: doc.status as ReportStatus, actor: 'citizen', message: d.message },
        effects: [d.forward],
      });
      if (updated) return updated;
      if (attempt >= NOTE_ATTEMPTS) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求状态已被其他操作更新，请刷新后重试');
    }
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
      const text = `您催办了此诉求${message ? `：${message}` : ''}`;
      const updated = await note(id, user.id, (doc, at) => {
        if (!allowedActions(doc, at.getTime()).urge) throw new AppError(429, 'URGE_TOO_EARLY');
        // Expected: nobody urged since we read it (two urges at once: one wins, the other is too early).
        return { expected: { lastUrgedAt: doc.lastUrgedAt ?? null }, message: text, forward: forwardEffect('urge', message || '市民催办', at), change: { set: { lastUrgedAt: at } } };
      });
      return present(updated, false);
    },

    async supplement(user: AuthUser, id: string, text: string, mediaIds: string[]): Promise<ReportView> {
      const first = await load(id, user.id);
      if (!allowedActions(first, now().getTime()).supplement) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求已结束，不能再补充');
      const notOwned = await deps.media.notOwned(user.id, mediaIds);
      if (notOwned.length) throw validationFailed(notOwned.map((i) => ({ path: `mediaIds.${i}`, code: 'media_not_owned', message: '图片不存在或不属于您' })));
      const updated = await note(id, user.id, (doc, at) => {
        if (!allowedActions(doc, at.getTime()).supplement) throw new AppError(409, 'ILLEGAL_TRANSITION', '诉求已结束，不能再补充');
        return { message: `您补充了信息：${text || '（照片）'}`, forward: forwardEffect('supplement', text, at, { mediaIds }), change: { addMedia: mediaIds } };
      });
      return present(updated, false);
    },

    /** 满意/基本满意 close the ticket; 不满意 is recorded and leaves 重新办理 open for 7 days. */
    async rate(user: AuthUser, id: string, rating: keyof typeof RATING_LABELS, comment?: string): Promise<ReportView> {
      const message = `您的评价：${RATING_LABELS[rating]}${comment ? `。${comment}` : ''}`;
      if (rating === 'unsatisfied') {
        const updated = await note(id, user.id, (doc, at) => {
          if (!allowedActions(doc, at.getTime()).rate) throw new AppError(409, 'RATING_NOT_ALLOWED');
          // Expected: not rated meanwhile (a rating is given once).
          return { expected: { 'rating.value': null }, message, forward: forwardEffect('rated', message, at, { rating }), change: { set: { rating: { value: rating, comment: comment ?? '', at } } } };
        });
        return present(updated, false);
      }
      const doc = await load(id, user.id);
      if (!allowedActions(doc, now().getTime()).rate) throw new AppError(409, 'RATING_NOT_ALLOWED');
      // Expected also: not rated meanwhile. A 不满意 leaves the status as it is, so the status alone would let this
      // overwrite a 不满意 given at the same moment; a rating is given once.
      return present(await apply(doc, 'closed', 'citizen', 'citizen', { message }, { rating: { value: rating, comment: comment ?? '', at: now() } }, { 'rating.value': null }), false);
    },

    async reopen(user: AuthUser, id: string, reason: string): Promise<ReportView> {
      const doc = await load(id, user.id);
      if (doc.status === 'resolved' && !allowedActions(doc, now().getTime()).reopen) throw new AppError(409, 'REOPEN_WINDOW_CLOSED');
      return present(await apply(doc, 'reopened', 'citizen', 'citizen', { message: `您申请重新办理：${reason}` }, { rating: null }), false);
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
