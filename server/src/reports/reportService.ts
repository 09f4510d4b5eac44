import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { checkAnswers, hasCoordinates, isOpen, LIMITS, type Language, type Question, type ClassificationView, type CreateReport, type Page, type ReportView } from '@ssp/shared';
import type { CategoryInfo, CategoryService } from '../categories/categoryService';
import type { ClassificationService } from '../classification/classificationService';
import { distanceMeters } from '../geo/coords';
import type { AuthUser } from '../http/context';
import { AppError, notFound, validationFailed } from '../http/errors';
import type { GeoService } from '../geo/geoService';
import type { Logger } from '../log';
import type { MediaService } from '../media/mediaService';
import type { MediaSigner } from '../media/mediaSigner';
import { toGcj02 } from '../geo/coords';
import { isDuplicateKey } from '../db/errors';
import { newReportId, type ReportDoc, type ReportRepository } from './reportRepository';
import { deadlineFor } from './deadline';
import { forwardEffect, type CategoryRef } from './effects';
import { Follower } from './followerModel';
import { presentReport } from './reportPresenter';
import { inScope } from './reportSearch';
import { createTicketNumberAllocator } from './ticketNumbers';
import type { ZoneService } from '../zones/zoneService';

export interface CreateResult {
  report: ReportView;
  /** true when this was a retry of a request already stored */
  replayed: boolean;
}

function hashRequest(input: CreateReport): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

type Triage = { state: 'auto' | 'pending'; reason: string | null };

/**
 * Where a new report is filed. The classifier's answer is used when it is
 * confident and the resident did not pick something else; otherwise a person
 * decides (the resident's own choice is kept either way, never overwritten).
 */
function decideCategory(classification: ClassificationView | null, citizen: CategoryInfo | null, threshold: number): { category: CategoryRef | null; triage: Triage } {
  const top = classification?.top3[0];
  const proposed = top ? { code: top.code, name: top.name, parentCode: top.parentCode, parentName: top.parentName } : null;
  if (!classification || !proposed) {
    if (citizen) return { category: refOf(citizen), triage: { state: 'auto', reason: 'citizen_choice' } };
    return { category: null, triage: { state: 'pending', reason: 'no_text' } };
  }
  if (citizen && citizen.code !== proposed.code && citizen.code !== proposed.parentCode) {
    return { category: refOf(citizen), triage: { state: 'pending', reason: 'citizen_disagrees' } };
  }
  if (classification.confidence < threshold) return { category: proposed, triage: { state: 'pending', reason: 'low_confidence' } };
  return { category: proposed, triage: { state: 'auto', reason: null } };
}

const refOf = (c: CategoryInfo): CategoryRef => ({ code: c.code, name: c.name, parentCode: c.parentCode, parentName: c.parentName });

export function createReportService(deps: {
  repo: ReportRepository;
  geo: GeoService;
  media: MediaService;
  signer: MediaSigner;
  log: Logger;
  categories: CategoryService;
  classification: ClassificationService;
  zones: ZoneService;
}) {
  const present = (doc: ReportDoc, forStaff = false, lang?: Language) => presentReport(doc, deps.signer, { forStaff, lang });
  const ticketNumbers = createTicketNumberAllocator(deps.repo);
  /** Number conflicts come only from numbers issued outside the counter (see ticketNumbers); a handful of retries is plenty. */
  const MAX_NUMBER_ATTEMPTS = 10;

  /**
   * A key already stored with a report: the same draft is a retry (answered with that report); a changed draft
   * means the resident edited it after a response was lost. The earlier one went through, so the refusal says
   * which report it is (only its owner ever gets here: the key is looked up per resident), and the app can open
   * it and offer the edit as 补充信息 instead of leaving the draft stuck.
   */
  function replay(existing: ReportDoc, requestHash: string, lang?: Language): CreateResult {
    if (existing.requestHash !== requestHash) {
      const ticketNo = existing.ticketNo;
      throw Object.assign(
        new AppError(
          409,
          'IDEMPOTENCY_KEY_REUSED',
          `这份诉求之前已经提交成功，工单号 ${ticketNo}。修改后的内容还没有发送，可以作为补充信息发送`,
          undefined,
          `This report was already filed (ticket ${ticketNo}). Your changes were not sent; you can add them as more information`,
        ),
        { existing: { id: String(existing._id), ticketNo } },
      );
    }
    return { report: present(existing, false, lang), replayed: true };
  }

  return {
    /**
     * `admitted`: the submit's quota answer, still being asked (reportRoutes.ts); the report is stored only
     * once it has said yes, and a refusal fails the submit with it, having stored nothing.
     */
    async create(user: AuthUser, idempotencyKey: string, input: CreateReport, lang: Language = 'zh-CN', admitted?: Promise<unknown>): Promise<CreateResult> {
      const requestHash = hashRequest(input);
      const notOwned = await deps.media.notOwned(user.id, input.mediaIds);
      if (notOwned.length) {
        throw validationFailed(notOwned.map((i) => ({ path: `mediaIds.${i}`, code: 'media_not_owned', message: '图片不存在或不属于您，请重新上传' })));
      }
      // A 专区 must be open now; with one fixed category it chooses the category, otherwise it limits the choice.
      const zone = input.zoneId ? await deps.zones.forSubmit(input.zoneId) : null;
      const categoryCode = input.categoryCode ?? (zone?.categoryCodes.length === 1 ? zone.categoryCodes[0] : undefined);
      if (zone && categoryCode && !zone.categoryCodes.includes(categoryCode)) {
        throw validationFailed([{ path: 'categoryCode', code: 'not_in_zone', message: '该分类不属于此专区' }]);
      }
      let citizenChoice: CategoryInfo | null = null;
      if (categoryCode) {
        citizenChoice = await deps.categories.info(categoryCode);
        if (!citizenChoice) throw validationFailed([{ path: 'categoryCode', code: 'unknown_category', message: '所选分类不存在或已停用' }]);
      }
      const citizenCategory = citizenChoice ? { code: citizenChoice.code, name: citizenChoice.name } : null;
      // Classification is cheap (well under a millisecond), so it happens inside the submit.
      const classification = input.description.trim() ? deps.classification.classify(input.description) : null;
      const { category, triage } = decideCategory(classification, citizenChoice, deps.classification.confidenceThreshold);

      // The questions in force now: the chosen category's (required ones enforced) and the zone's. Without a
      // choice, answers the form gave for the suggested category are checked against it but not demanded.
      const asked: Question[] = [...(citizenChoice?.questions ?? []), ...((zone?.questions ?? []) as Question[])];
      if (!citizenChoice && category?.code && input.answers && Object.keys(input.answers).length) {
        const suggested = await deps.categories.info(category.code);
        for (const q of suggested?.questions ?? []) if (!asked.some((a) => a.code === q.code)) asked.push({ ...q, required: false });
      }
      const checked = checkAnswers(asked, input.answers, lang);
      if (checked.issues.length) throw validationFailed(checked.issues);
      const answered = asked.filter((q) => q.type !== 'notice' && checked.answers[q.code] !== undefined);
      // A 紧急提示 question answered "yes" (现在闻到燃气味) makes the report 紧急 whatever the text says.
      const alarms = answered.filter((q) => q.type === 'blocking' && checked.answers[q.code] === true).map((q) => q.label);

      // Only a request that passed validation stores its key (with the report), so a resident can fix a
      // rejected draft and send it again.
      const reportId = newReportId();

      const place = deps.geo.resolveOffline(input.location);
      const now = new Date();
      const citizenId = new mongoose.Types.ObjectId(user.id);
      const mediaObjectIds = input.mediaIds.map((id) => new mongoose.Types.ObjectId(id));
      const build = (ticketNo: string): ReportDoc => ({
        _id: reportId,
        ticketNo,
        citizenId,
        idempotencyKey,
        requestHash,
        kind: input.kind,
        status: 'submitted',
        description: input.description,
        citizenCategory,
        category,
        classification,
        triage: { ...triage, resolvedAt: null, resolvedBy: null },
        urgent: alarms.length > 0 || (classification?.urgent ?? false),
        urgency: alarms.length ? 'urgent' : classification?.urgency ?? (classification?.urgent ? 'urgent' : 'normal'),
        urgentReasons: [...(classification?.urgentReasons ?? []), ...alarms.filter((a) => !classification?.urgentReasons?.includes(a))],
        location: input.location,
        point: hasCoordinates(input.location) ? toGcj02(input.location) : null,
        district: place.district,
        needsManualRouting: place.district === null,
        mediaIds: mediaObjectIds,
        contactPhone: input.contactPhone ?? null,
        anonymous: input.anonymous,
        ...(answered.length ? { answers: checked.answers, questions: answered } : {}),
        zone: zone
          ? {
              id: zone._id,
              title: zone.title,
              ...(zone.titleEn ? { titleEn: zone.titleEn } : {}),
              ...(zone.successMessage ? { successMessage: zone.successMessage } : {}),
              ...(zone.successMessageEn ? { successMessageEn: zone.successMessageEn } : {}),
            }
          : null,
        timeline: [
          {
            at: now,
            status: 'submitted',
            actor: 'citizen',
            message: place.district
              ? `诉求已提交，工单号 ${ticketNo}，将转交${place.district.name}相关部门处理`
              : `诉求已提交，工单号 ${ticketNo}。暂未确定所属区，将由工作人员人工分派`,
          },
        ],
        createdAt: now,
        updatedAt: now,
      }) as unknown as ReportDoc;

      // The one write that acknowledges the report, and the only one a submit makes:
      // the unique index on (resident, Idempotency-Key) turns a retry — or the same
      // draft sent twice at once, or a retry after the process died — into a
      // duplicate-key error, and the retry answers with the stored report. Any
      // other duplicate is a ticket number taken already (take the next one).
      let doc: ReportDoc | null = null;
      for (let attempt = 1; !doc; attempt++) {
        const ticketNo = await ticketNumbers.propose(now);
        try {
          const raw = build(ticketNo);
          await deps.repo.insert(raw, admitted); // listeners (the dispatcher) hear of it
          doc = raw;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const winner = await deps.repo.findBySubmitKey(user.id, idempotencyKey);
          if (winner) {
            // A retry or an edited resend. The key is not looked up before the insert (dropping that read before
            // every submit was one of the two gains that took a submit from 12–13 to 6–8 ms of CPU,
            // docs/ARCHITECTURE.md "Submit"), so this attempt used up a number: a gap, like the rest of a block a
            // restart drops. Handing it back to the next submit would make numbers go backwards in submit order.
            return replay(winner, requestHash, lang);
          }
          if (attempt >= MAX_NUMBER_ATTEMPTS) throw err;
          await ticketNumbers.resync(now);
        }
      }
      return { report: present(doc, false, lang), replayed: false };
    },

    /** Whether this resident already sent a draft under this Idempotency-Key (then a submit is a retry). */
    async isKnownKey(user: AuthUser, idempotencyKey: string): Promise<boolean> {
      // The key is stored with the report (unique per resident), so a retry finds it there.
      return Boolean(await deps.repo.findBySubmitKey(user.id, idempotencyKey));
    },

    async listMine(user: AuthUser, cursor: string | undefined, limit: number, lang?: Language): Promise<Page<ReportView>> {
      // The cursor is the last item's createdAt (ms) and id: ids are random, so they alone do not page by time.
      const m = cursor ? /^(\d{1,15})_([0-9a-f]{24})$/.exec(cursor) : null;
      if (cursor && !m) throw validationFailed([{ path: 'cursor', code: 'invalid_cursor', message: '分页参数无效' }]);
      const size = Math.min(Math.max(limit || LIMITS.pageSize, 1), 50);
      const docs = await deps.repo.listByCitizen(user.id, m ? { at: new Date(Number(m[1])), id: m[2] } : undefined, size + 1);
      const page = docs.slice(0, size);
      const last = page[page.length - 1];
      return { items: page.map((d) => present(d, false, lang)), nextCursor: docs.length > size ? `${last.createdAt.getTime()}_${String(last._id)}` : null };
    },

    /** A resident sees only their own reports: anyone else's is "not found", never "forbidden". */
    async get(user: AuthUser, id: string, lang?: Language): Promise<ReportView> {
      if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
      // By _id alone (an index lookup everywhere), then the owner check.
      const doc = await deps.repo.findById(id);
      if (!doc) throw notFound('REPORT_NOT_FOUND');
      if (user.role === 'admin') {
        // A district-scoped staff account does not see other districts' reports at all.
        if (!inScope(user, doc)) throw notFound('REPORT_NOT_FOUND');
        return present(doc, true);
      }
      if (String(doc.citizenId) === user.id) return present(doc, false, lang);
      // Someone who joined the ticket (+1) follows it, with the reporter's private parts left out.
      if (await Follower.exists({ _id: `${id}:${user.id}` })) return presentReport(doc, deps.signer, { follower: true, lang });
      throw notFound('REPORT_NOT_FOUND');
    },

    /** Reports waiting for a person to choose their category, oldest first (urgent ones on top). */
    async triageQueue(limit = 50, user?: AuthUser): Promise<ReportView[]> {
      // A district-scoped account sees its districts' part of the queue.
      const docs = (await deps.repo.pendingTriage(500)).filter((d) => !user || inScope(user, d));
      docs.sort((a, b) => Number(Boolean(b.urgent)) - Number(Boolean(a.urgent)));
      return docs.slice(0, limit).map((d) => present(d, true));
    },

    /**
     * Staff confirm the suggestion or choose another leaf category. The
     * decision is recorded in the timeline and becomes training data.
     *
     * The category sets the deadline (reports/deadline.ts), and the pipeline may already have been told one at
     * delivery, from the category known then (none: the 120 h fallback). So the same write stores the new
     * deadline and queues a `recategorized` follow-up carrying it: follow-ups reach the pipeline after the
     * ticket and in order (effects worker), so its last word on the deadline is the one stored here. The
     * follow-up is queued even when the ticket is not delivered yet: the dispatcher may have read the report
     * before this write, and telling the pipeline the same date twice is harmless.
     */
    async decideCategory(admin: AuthUser, id: string, code: string): Promise<ReportView> {
      if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
      const chosen = await deps.categories.info(code);
      if (!chosen || !chosen.parentCode) throw validationFailed([{ path: 'categoryCode', code: 'unknown_category', message: '请选择一个启用的二级分类' }]);
      const doc = await deps.repo.findById(id);
      if (!doc || !inScope(admin, doc)) throw notFound('REPORT_NOT_FOUND');
      if (doc.triage?.state !== 'pending') throw new AppError(409, 'TRIAGE_NOT_PENDING');
      const suggested = (doc.classification as ClassificationView | null)?.top3[0]?.code;
      const state = suggested === code ? 'confirmed' : 'corrected';
      const now = new Date();
      const entry = {
        at: now,
        status: doc.status,
        actor: 'admin',
        message: state === 'confirmed' ? `工作人员确认分类：${chosen.parentName} / ${chosen.name}` : `工作人员将分类调整为：${chosen.parentName} / ${chosen.name}`,
      };
      const category = refOf(chosen);
      const dueAt = deadlineFor(doc, chosen.deadlineHours);
      const updated = await deps.repo.updateAndGet(doc._id, { 'triage.state': 'pending', status: doc.status }, {
        set: { category, dueAt, triage: { state, reason: doc.triage?.reason ?? null, resolvedAt: now, resolvedBy: admin.id } },
        timeline: entry,
        effects: [forwardEffect('recategorized', entry.message, now, { category, dueAt })],
      });
      if (!updated) throw new AppError(409, 'TRIAGE_NOT_PENDING');
      void deps.classification.noteReview().catch((err) => deps.log.warn('review bookkeeping failed', { error: err }));
      return present(updated, true);
    },

    /**
     * 更正分类: staff put a report that is no longer waiting for triage (filed by the classifier, or decided
     * by someone earlier) under another leaf category, saying why. The reason goes to the audit log (the
     * route records it); the timeline the resident reads says only what changed.
     *
     * It counts as a correction for training (triage state `corrected`, the same as a triage decision that
     * overrode the model), so a wrong category does not keep teaching the model. While the ticket is open, the
     * deadline follows the new category and the pipeline is told, as for a triage decision; a finished ticket
     * keeps its deadline (the work is done) and only its category changes, for the figures and the model.
     *
     * `expected` is the category the staff member saw: if someone changed it meanwhile, 409 CATEGORY_CHANGED.
     */
    async correctCategory(admin: AuthUser, id: string, code: string, reason: string, expected?: string | null): Promise<{ view: ReportView; before: CategoryRef | null }> {
      if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
      if (reason.trim().length < 2) throw validationFailed([{ path: 'reason', code: 'required', message: '请填写更正原因' }]);
      const chosen = await deps.categories.info(code);
      if (!chosen || !chosen.parentCode) throw validationFailed([{ path: 'categoryCode', code: 'unknown_category', message: '请选择一个启用的二级分类' }]);
      const doc = await deps.repo.findById(id);
      if (!doc || !inScope(admin, doc)) throw notFound('REPORT_NOT_FOUND');
      const current = doc.category?.code ? (doc.category as CategoryRef) : null;
      if (expected !== undefined && (current?.code ?? null) !== expected) throw new AppError(409, 'CATEGORY_CHANGED');
      if (current?.code === code) throw validationFailed([{ path: 'categoryCode', code: 'unchanged', message: '已经是这个分类了' }]);
      const now = new Date();
      const before = current ? `${current.parentName ?? ''} / ${current.name ?? current.code}` : '未分类';
      const entry = { at: now, status: doc.status, actor: 'admin', message: `工作人员更正分类：${before} → ${chosen.parentName} / ${chosen.name}` };
      const category = refOf(chosen);
      const open = isOpen(doc.status);
      const dueAt = open ? deadlineFor(doc, chosen.deadlineHours) : doc.dueAt;
      const updated = await deps.repo.updateAndGet(
        doc._id,
        // Unchanged since it was read: same category, same triage state, same status.
        { 'category.code': current?.code ?? null, 'triage.state': doc.triage?.state ?? null, status: doc.status },
        {
          set: { category, ...(open ? { dueAt } : {}), triage: { state: 'corrected', reason: doc.triage?.reason ?? null, resolvedAt: now, resolvedBy: admin.id } },
          timeline: entry,
          effects: open ? [forwardEffect('recategorized', entry.message, now, { category, dueAt: dueAt ?? undefined })] : [],
        },
      );
      if (!updated) throw new AppError(409, 'CATEGORY_CHANGED');
      void deps.classification.noteReview().catch((err) => deps.log.warn('review bookkeeping failed', { error: err }));
      return { view: present(updated, true), before: current };
    },

    /**
     * The most reported categories within 1 km over the last 30 days, for
     * 随申拍's quick chips; padded with the city's most common ones.
     */
    async nearbyCategories(point: { lat: number; lng: number; coordSystem: 'gcj02' | 'wgs84' } | null): Promise<{ code: string; name: string }[]> {
      const counts = new Map<string, { code: string; name: string; n: number }>();
      if (point) {
        const here = toGcj02(point);
        const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
        const recent = await deps.repo.recentCategorised(since, 5000);
        for (const r of recent) {
          if (!r.point?.lat || !r.category?.code || distanceMeters(here, { lat: r.point.lat, lng: r.point.lng! }) > 1000) continue;
          const c = counts.get(r.category.code) ?? { code: r.category.code, name: r.category.name ?? '', n: 0 };
          c.n++;
          counts.set(c.code, c);
        }
      }
      const ranked = [...counts.values()].sort((a, b) => b.n - a.n).map(({ code, name }) => ({ code, name }));
      for (const code of ['road_damage', 'illegal_parking', 'garbage_collection', 'street_vending', 'manhole_cover', 'fire_hazard']) {
        if (ranked.length >= 6) break;
        const info = await deps.categories.info(code);
        if (info && !ranked.some((r) => r.code === code)) ranked.push({ code, name: info.name });
      }
      return ranked.slice(0, 6);
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
