import { z } from 'zod';
import type { createZoneSchema, updateZoneSchema, Question, ZoneAdminView, ZoneView } from '@ssp/shared';
import { AppError, notFound, validationFailed } from '../http/errors';
import { Zone, type ZoneDoc } from './zoneModel';

export function isActive(doc: Pick<ZoneDoc, 'enabled' | 'startsAt' | 'endsAt'>, now = new Date()): boolean {
  return doc.enabled !== false && (!doc.startsAt || doc.startsAt <= now) && (!doc.endsAt || doc.endsAt > now);
}

export function presentZone(doc: ZoneDoc): ZoneView {
  return {
    id: doc._id,
    title: doc.title,
    ...(doc.titleEn ? { titleEn: doc.titleEn } : {}),
    banner: doc.banner ?? '',
    ...(doc.bannerEn ? { bannerEn: doc.bannerEn } : {}),
    icon: doc.icon ?? '📌',
    categoryCodes: doc.categoryCodes ?? [],
    questions: (doc.questions ?? []) as Question[],
    ...(doc.successMessage ? { successMessage: doc.successMessage } : {}),
    ...(doc.successMessageEn ? { successMessageEn: doc.successMessageEn } : {}),
  };
}

function presentAdmin(doc: ZoneDoc, now = new Date()): ZoneAdminView {
  return {
    ...presentZone(doc),
    enabled: doc.enabled !== false,
    startsAt: doc.startsAt ? doc.startsAt.toISOString() : null,
    endsAt: doc.endsAt ? doc.endsAt.toISOString() : null,
    active: isActive(doc, now),
    createdAt: doc.createdAt.toISOString(),
  };
}

const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

/** Which categories exist: zones are checked against the live tree (categories sit below zones). */
export interface CategoryLookup {
  info(code: string): Promise<{ code: string; parentCode: string | null } | null>;
}

/**
 * 专区. The list of active zones is small and read on every home page, so it
 * is cached for a few seconds per process (an edit elsewhere shows within that).
 */
export function createZoneService(deps: { categories: CategoryLookup }) {
  let cache: { at: number; docs: ZoneDoc[] } | null = null;
  const CACHE_MS = 3000;

  async function all(): Promise<ZoneDoc[]> {
    if (cache && Date.now() - cache.at < CACHE_MS) return cache.docs;
    const docs = await Zone.find({}).sort({ _id: -1 }).limit(200).lean<ZoneDoc[]>();
    cache = { at: Date.now(), docs };
    return docs;
  }

  async function checkCategories(codes: string[]): Promise<void> {
    const issues = [];
    for (const [i, code] of codes.entries()) {
      const info = await deps.categories.info(code);
      if (!info || !info.parentCode) issues.push({ path: `categoryCodes.${i}`, code: 'unknown_category', message: '请选择启用的二级分类' });
    }
    if (issues.length) throw validationFailed(issues);
  }

  return {
    async active(now = new Date()): Promise<ZoneView[]> {
      return (await all()).filter((d) => isActive(d, now)).map(presentZone);
    },

    /** The zone a report is being filed through: must exist and be active now. */
    async forSubmit(id: string): Promise<ZoneDoc> {
      const doc = await Zone.findById(id).lean<ZoneDoc>();
      if (!doc || !isActive(doc)) throw new AppError(400, 'ZONE_NOT_ACTIVE', undefined, [{ path: 'zoneId', code: 'zone_not_active', message: '该专区已关闭或不存在' }]);
      return doc;
    },

    async list(): Promise<ZoneAdminView[]> {
      const docs = await Zone.find({}).sort({ _id: -1 }).limit(500).lean<ZoneDoc[]>();
      return docs.map((d) => presentAdmin(d));
    },

    async create(input: z.output<typeof createZoneSchema>, by: string): Promise<ZoneAdminView> {
      await checkCategories(input.categoryCodes);
      const doc = await Zone.create({ ...input, startsAt: toDate(input.startsAt) ?? null, endsAt: toDate(input.endsAt) ?? null, createdBy: by });
      cache = null;
      return presentAdmin(doc.toObject() as unknown as ZoneDoc);
    },

    async update(id: string, patch: z.output<typeof updateZoneSchema>): Promise<ZoneAdminView> {
      if (patch.categoryCodes) await checkCategories(patch.categoryCodes);
      const set: Record<string, unknown> = { ...patch };
      if ('startsAt' in patch) set.startsAt = toDate(patch.startsAt) ?? null;
      if ('endsAt' in patch) set.endsAt = toDate(patch.endsAt) ?? null;
      const current = await Zone.findById(id).lean<ZoneDoc>();
      if (!current) throw notFound();
      const startsAt = 'startsAt' in set ? (set.startsAt as Date | null) : current.startsAt;
      const endsAt = 'endsAt' in set ? (set.endsAt as Date | null) : current.endsAt;
      if (startsAt && endsAt && startsAt >= endsAt) throw validationFailed([{ path: 'endsAt', code: 'invalid_range', message: '结束时间须晚于开始时间' }]);
      const doc = await Zone.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<ZoneDoc>();
      if (!doc) throw notFound();
      cache = null;
      return presentAdmin(doc);
    },
  };
}

export type ZoneService = ReturnType<typeof createZoneService>;
