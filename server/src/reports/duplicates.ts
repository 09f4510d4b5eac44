import mongoose from 'mongoose';
import { OPEN_STATUSES, STATUS_LABELS, type ReportView, type SimilarTicket } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import type { ClassificationService } from '../classification/classificationService';
import { tokenize } from '../classification/features';
import { distanceMeters, toGcj02 } from '../geo/coords';
import type { AuthUser } from '../http/context';
import { AppError, notFound } from '../http/errors';
import type { MediaSigner } from '../media/mediaSigner';
import { forwardEffect, notifyEffect } from './effects';
import { Follower } from './followerModel';
import { Report, type ReportDoc } from './reportModel';
import { presentReport, streetLevelPlace } from './reportPresenter';
import type { JoinOffers } from './joinOffers';
import { updateReport, updateReportIf } from './reportLock';

/** 附近已有人反映: same first-level category, this close, this recent, and text at least this alike. */
export const DUPLICATE_RULES = { radiusMeters: 200, days: 7, minSimilarity: 0.2, maxShown: 3 };

/** Cosine similarity of the classifier's features (words and character bigrams), 0…1. */
export function textSimilarity(a: string, b: string): number {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const f of tokenize(text)) m.set(f, (m.get(f) ?? 0) + 1);
    return m;
  };
  const x = count(a);
  const y = count(b);
  let dot = 0;
  for (const [k, v] of x) dot += v * (y.get(k) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, v) => s + v * v, 0));
  const d = norm(x) * norm(y);
  return d === 0 ? 0 : dot / d;
}

const firstLevelOf = (c: { code?: string | null; parentCode?: string | null } | null | undefined) => c?.parentCode || c?.code || null;

export function createDuplicateService(deps: { categories: CategoryService; classification: ClassificationService; signer: MediaSigner; offers: JoinOffers; onEffects?: (id: string) => void }) {
  async function recount(reportId: string) {
    // A recount rather than $inc: concurrent $inc is not atomic on FerretDB v1.24; the count can only be briefly stale.
    const n = await Follower.countDocuments({ reportId });
    await updateReport(reportId, { $set: { supporters: n } });
  }

  async function follow(reportId: string, citizenId: string, via: 'join' | 'merge'): Promise<boolean> {
    try {
      await Follower.create({ _id: `${reportId}:${citizenId}`, reportId, citizenId, via, createdAt: new Date() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  return {
    /** Open tickets the resident is probably about to report again. */
    async similar(user: AuthUser, input: { description: string; categoryCode?: string; location: { lat: number; lng: number; coordSystem: 'gcj02' | 'wgs84' } }): Promise<SimilarTicket[]> {
      const chosen = input.categoryCode ? await deps.categories.info(input.categoryCode) : null;
      const text = input.description.trim();
      const predicted = text ? deps.classification.classify(text)?.top3[0] ?? null : null;
      const firstLevel = firstLevelOf(chosen) ?? firstLevelOf(predicted);
      if (!firstLevel) return [];
      const here = toGcj02(input.location);
      // A bounding box narrows the candidates; the exact distance is computed here (no geo queries on FerretDB).
      const dLat = DUPLICATE_RULES.radiusMeters / 111_000;
      const dLng = dLat / Math.cos((here.lat * Math.PI) / 180);
      const since = new Date(Date.now() - DUPLICATE_RULES.days * 24 * 3600_000);
      const candidates = await Report.find({
        createdAt: { $gte: since },
        status: { $in: OPEN_STATUSES },
        'point.lat': { $gte: here.lat - dLat, $lte: here.lat + dLat },
        'point.lng': { $gte: here.lng - dLng, $lte: here.lng + dLng },
      })
        .sort({ createdAt: -1 })
        .limit(500)
        .lean<ReportDoc[]>();
      const out: SimilarTicket[] = [];
      const ranking = new Map<string, { similarity: number; distance: number }>();
      for (const r of candidates) {
        if (String(r.citizenId) === user.id || firstLevelOf(r.category) !== firstLevel || !r.point?.lat) continue;
        const distance = distanceMeters(here, { lat: r.point.lat, lng: r.point.lng! });
        if (distance > DUPLICATE_RULES.radiusMeters) continue;
        // Without text (a 随申拍 photo with a chip), the same leaf category is the evidence.
        const similarity = text && r.description ? textSimilarity(text, r.description) : chosen && r.category?.code === chosen.code ? 1 : 0;
        if (similarity < DUPLICATE_RULES.minSimilarity) continue;
        // What a passer-by could see, plus the offer that lets this resident (and only them) join it.
        const { offer, expiresAt } = deps.offers.issue(String(r._id), user.id);
        const description = [...(r.description ?? '')];
        out.push({
          id: String(r._id),
          offer,
          offerExpiresAt: expiresAt.toISOString(),
          status: r.status,
          statusLabel: STATUS_LABELS[r.status],
          category: r.category?.name ?? '',
          place: streetLevelPlace(r),
          createdAt: r.createdAt.toISOString(),
          supporters: r.supporters ?? 0,
          ...(r.descriptionPublic ? { description: description.length > 60 ? description.slice(0, 59).join('') + '…' : description.join('') } : {}),
        });
        ranking.set(String(r._id), { similarity, distance });
      }
      const rank = (t: SimilarTicket) => ranking.get(t.id)!;
      return out.sort((a, b) => rank(b).similarity - rank(a).similarity || rank(a).distance - rank(b).distance).slice(0, DUPLICATE_RULES.maxShown);
    },

    /**
     * +1: the resident follows this open ticket instead of filing a duplicate. Joining twice changes nothing.
     * Only with an offer from `similar` for this resident and ticket: anything else is the same 404 as a made-up id.
     */
    async join(user: AuthUser, reportId: string, offer: unknown): Promise<ReportView> {
      if (!deps.offers.verify(offer, reportId, user.id)) throw notFound('REPORT_NOT_FOUND');
      if (!mongoose.isValidObjectId(reportId)) throw notFound('REPORT_NOT_FOUND');
      const doc = await Report.findById(reportId).lean<ReportDoc>();
      if (!doc) throw notFound('REPORT_NOT_FOUND');
      if (String(doc.citizenId) === user.id) return presentReport(doc, deps.signer);
      if (!OPEN_STATUSES.includes(doc.status)) throw new AppError(409, 'NOT_A_DUPLICATE_TARGET');
      if (await follow(reportId, user.id, 'join')) {
        const at = new Date();
        await updateReport(reportId, { $push: { timeline: { at, status: doc.status, actor: 'system', message: '又有一位市民反映了同一问题' } } });
        await recount(reportId);
      }
      return presentReport((await Report.findById(reportId).lean<ReportDoc>())!, deps.signer, { follower: true });
    },

    /** Staff decide whether neighbours may read the description (offers, follower view). */
    async setDescriptionPublic(reportId: string, value: boolean): Promise<ReportView> {
      if (!mongoose.isValidObjectId(reportId) || !(await Report.exists({ _id: reportId }))) throw notFound('REPORT_NOT_FOUND');
      await updateReport(reportId, { $set: { descriptionPublic: value } });
      return presentReport((await Report.findById(reportId).lean<ReportDoc>())!, deps.signer, { forStaff: true });
    },

    async isFollower(reportId: string, citizenId: string): Promise<boolean> {
      return Boolean(await Follower.findById(`${reportId}:${citizenId}`, { _id: 1 }).lean());
    },

    async following(user: AuthUser): Promise<ReportView[]> {
      const rows = await Follower.find({ citizenId: user.id }).sort({ createdAt: -1 }).limit(50).lean();
      const docs = await Promise.all(rows.map((r) => Report.findById(r.reportId).lean<ReportDoc>()));
      return docs.filter((d): d is ReportDoc => Boolean(d)).map((d) => presentReport(d, deps.signer, { follower: true }));
    },

    /**
     * Staff fold a duplicate into another open ticket: the duplicate's reporter
     * follows the target, the target records it, and the duplicate ends as
     * 已合并 (its reporter is told). Each step is repeatable, so a merge cut
     * short by a crash can simply be run again.
     */
    async merge(duplicateId: string, into: string, message?: string): Promise<{ duplicate: ReportView; target: ReportView }> {
      if (!mongoose.isValidObjectId(duplicateId)) throw notFound('REPORT_NOT_FOUND');
      const duplicate = await Report.findById(duplicateId).lean<ReportDoc>();
      const target = mongoose.isValidObjectId(into) ? await Report.findById(into).lean<ReportDoc>() : await Report.findOne({ ticketNo: into }).lean<ReportDoc>();
      if (!duplicate || !target) throw notFound('REPORT_NOT_FOUND');
      if (duplicate._id === target._id || !OPEN_STATUSES.includes(duplicate.status) || !OPEN_STATUSES.includes(target.status)) throw new AppError(409, 'MERGE_INVALID');
      const at = new Date();
      if (await follow(target._id, String(duplicate.citizenId), 'merge')) {
        await updateReport(target._id, { $push: { timeline: { at, status: target.status, actor: 'admin', message: `合并了重复诉求 ${duplicate.ticketNo}` } } });
        await recount(target._id);
      }
      const text = message || `与诉求 ${target.ticketNo} 为同一问题，已合并办理，进展请在该诉求中查看`;
      const changed = await updateReportIf(duplicate._id, { status: duplicate.status }, {
        $set: { status: 'merged', mergedInto: { id: target._id, ticketNo: target.ticketNo }, updatedAt: at, effectsPending: true },
        $push: { timeline: { at, status: 'merged', actor: 'admin', message: text }, effects: { $each: [notifyEffect('merged', text, at), forwardEffect('merged', text, at)] } },
      });
      if (!changed) throw new AppError(409, 'MERGE_INVALID', '诉求状态已被其他操作更新，请刷新后重试');
      deps.onEffects?.(duplicate._id);
      const [d, t] = await Promise.all([Report.findById(duplicate._id).lean<ReportDoc>(), Report.findById(target._id).lean<ReportDoc>()]);
      return { duplicate: presentReport(d!, deps.signer, { forStaff: true }), target: presentReport(t!, deps.signer, { forStaff: true }) };
    },
  };
}

export type DuplicateService = ReturnType<typeof createDuplicateService>;
