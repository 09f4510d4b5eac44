import mongoose from 'mongoose';
import { OPEN_STATUSES, STATUS_LABELS, type ReportView, type SimilarTicket } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import type { ClassificationService } from '../classification/classificationService';
import { DEFAULT_FEATURES, tokenize } from '../classification/features';
import { distanceMeters, toGcj02 } from '../geo/coords';
import type { AuthUser } from '../http/context';
import { AppError, notFound } from '../http/errors';
import type { MediaSigner } from '../media/mediaSigner';
import { forwardEffect, notifyEffect } from './effects';
import { insertUnlessTaken } from '../db/errors';
import { Follower } from './followerModel';
import type { ReportDoc, ReportRepository, TimelineEntry } from './reportRepository';
import { presentReport, streetLevelPlace } from './reportPresenter';
import type { JoinOffers } from './joinOffers';

/** 附近已有人反映: same first-level category, this close, this recent, and text at least this alike. */
export const DUPLICATE_RULES = { radiusMeters: 200, days: 7, minSimilarity: 0.2, maxShown: 3 };

/**
 * The classifier's features as the similarity threshold was set with: the fifth round's main-problem clause
 * weights and number options (issue 12) changed the classifier, not what counts as "the same report".
 */
const SIMILARITY_FEATURES = { ...DEFAULT_FEATURES, mainProblem: undefined, placeholders: false, dropNumbers: false };

/** Cosine similarity of the classifier's features (words and character bigrams), 0…1. */
export function textSimilarity(a: string, b: string): number {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const f of tokenize(text, SIMILARITY_FEATURES)) m.set(f, (m.get(f) ?? 0) + 1);
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

/** Rounds of recordFollower's compare-and-set before giving up (each lost round is another writer's win). */
const RECORD_ATTEMPTS = 200;

const firstLevelOf = (c: { code?: string | null; parentCode?: string | null } | null | undefined) => c?.parentCode || c?.code || null;

export function createDuplicateService(deps: { repo: ReportRepository; categories: CategoryService; classification: ClassificationService; signer: MediaSigner; offers: JoinOffers }) {
  function follow(reportId: string, citizenId: string, via: 'join' | 'merge'): Promise<boolean> {
    return insertUnlessTaken(() => Follower.create({ _id: `${reportId}:${citizenId}`, reportId, citizenId, via, createdAt: new Date() }));
  }

  /**
   * A new follower's timeline entry and the supporter count, in one write: a compare-and-set on the status
   * and the count this writer read. The count is a recount of the follower rows rather than an `$inc`: the rows
   * are the truth, so a count left short by a process that died between adding a follower and this write is
   * healed by the next join (and a resident who deleted their data stops counting). The recount is taken after
   * the read, so a writer whose recount is older than another's write finds the count changed, loses, reads
   * and counts again: a stale count never overwrites a newer one (two joins at once used to leave 1).
   * Every lost round is someone else's won write, so this ends; the bound is only a safety net.
   */
  async function recordFollower(reportId: string, entry: (doc: ReportDoc) => TimelineEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const doc = await deps.repo.findById(reportId);
      if (!doc) return;
      const n = await Follower.countDocuments({ reportId });
      if (await deps.repo.update(reportId, { status: doc.status, supporters: doc.supporters ?? null }, { set: { supporters: n }, timeline: entry(doc) })) return;
      if (attempt >= RECORD_ATTEMPTS) throw new Error(`could not record a follower of report ${reportId}: it kept changing`);
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
      const candidates = await deps.repo.recentInBox({ since, statuses: OPEN_STATUSES, lat: [here.lat - dLat, here.lat + dLat], lng: [here.lng - dLng, here.lng + dLng], limit: 500 });
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
      const doc = await deps.repo.findById(reportId);
      if (!doc) throw notFound('REPORT_NOT_FOUND');
      if (String(doc.citizenId) === user.id) return presentReport(doc, deps.signer);
      if (!OPEN_STATUSES.includes(doc.status)) throw new AppError(409, 'NOT_A_DUPLICATE_TARGET');
      if (await follow(reportId, user.id, 'join')) {
        const at = new Date();
        await recordFollower(reportId, (d) => ({ at, status: d.status, actor: 'system', message: '又有一位市民反映了同一问题' }));
      }
      return presentReport((await deps.repo.findById(reportId))!, deps.signer, { follower: true });
    },

    /** Staff decide whether neighbours may read the description (offers, follower view). */
    async setDescriptionPublic(reportId: string, value: boolean): Promise<ReportView> {
      const doc = mongoose.isValidObjectId(reportId) ? await deps.repo.updateAndGet(reportId, {}, { set: { descriptionPublic: value } }) : null;
      if (!doc) throw notFound('REPORT_NOT_FOUND');
      return presentReport(doc, deps.signer, { forStaff: true });
    },

    async isFollower(reportId: string, citizenId: string): Promise<boolean> {
      return Boolean(await Follower.findById(`${reportId}:${citizenId}`, { _id: 1 }).lean());
    },

    async following(user: AuthUser): Promise<ReportView[]> {
      const rows = await Follower.find({ citizenId: user.id }).sort({ createdAt: -1 }).limit(50).lean();
      const docs = await deps.repo.findByIds(rows.map((r) => r.reportId));
      return docs.map((d) => presentReport(d, deps.signer, { follower: true }));
    },

    /**
     * Staff fold a duplicate into another open ticket: the duplicate's reporter
     * follows the target, the target records it, and the duplicate ends as
     * 已合并 (its reporter is told). Each step is repeatable, so a merge cut
     * short by a crash can simply be run again.
     */
    async merge(duplicateId: string, into: string, message?: string): Promise<{ duplicate: ReportView; target: ReportView }> {
      if (!mongoose.isValidObjectId(duplicateId)) throw notFound('REPORT_NOT_FOUND');
      const duplicate = await deps.repo.findById(duplicateId);
      const target = mongoose.isValidObjectId(into) ? await deps.repo.findById(into) : await deps.repo.findByTicketNo(into);
      if (!duplicate || !target) throw notFound('REPORT_NOT_FOUND');
      if (duplicate._id === target._id || !OPEN_STATUSES.includes(duplicate.status) || !OPEN_STATUSES.includes(target.status)) throw new AppError(409, 'MERGE_INVALID');
      const at = new Date();
      if (await follow(target._id, String(duplicate.citizenId), 'merge')) {
        await recordFollower(target._id, (d) => ({ at, status: d.status, actor: 'admin', message: `合并了重复诉求 ${duplicate.ticketNo}` }));
      }
      const text = message || `与诉求 ${target.ticketNo} 为同一问题，已合并办理，进展请在该诉求中查看`;
      const d = await deps.repo.updateAndGet(duplicate._id, { status: duplicate.status }, {
        set: { status: 'merged', mergedInto: { id: target._id, ticketNo: target.ticketNo } },
        timeline: { at, status: 'merged', actor: 'admin', message: text },
        effects: [notifyEffect('merged', text, at), forwardEffect('merged', text, at)],
      });
      if (!d) throw new AppError(409, 'MERGE_INVALID', '诉求状态已被其他操作更新，请刷新后重试');
      const t = (await deps.repo.findById(target._id))!;
      return { duplicate: presentReport(d, deps.signer, { forStaff: true }), target: presentReport(t, deps.signer, { forStaff: true }) };
    },
  };
}

export type DuplicateService = ReturnType<typeof createDuplicateService>;
