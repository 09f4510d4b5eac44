import type { Question, CategoryNodeView, CategoryTreeView, CreateCategoryInput, UpdateCategoryInput } from '@ssp/shared';
import { isDuplicateKey as isDuplicate } from '../db/errors';
import { AppError, notFound } from '../http/errors';
import { Category, TaxonomyVersion, type CategoryDoc } from './categoryModel';
import { DEFAULT_QUESTIONS, DEFAULT_TREE, LEAF_NAMES_EN } from './defaultTree';

/** The stored limits; 次紧急 is null until an admin sets it (reports/deadline.ts then derives it). */
function hoursOf(h: { normal: number; urgent: number; semiUrgent?: number | null }): { normal: number; urgent: number; semiUrgent: number | null } {
  return { normal: h.normal, urgent: h.urgent, semiUrgent: h.semiUrgent ?? null };
}

function view(doc: CategoryDoc): CategoryNodeView {
  return {
    code: doc.code,
    parentCode: doc.parentCode ?? null,
    name: doc.name,
    // Trees seeded before second-level categories had English names get the default one until an admin writes theirs.
    nameEn: doc.nameEn || LEAF_NAMES_EN[doc.code] || '',
    description: doc.description ?? '',
    keywords: doc.keywords ?? [],
    negativeKeywords: doc.negativeKeywords ?? [],
    examples: doc.examples ?? [],
    department: doc.department ?? '',
    deadlineHours: hoursOf(doc.deadlineHours!),
    enabled: doc.enabled !== false,
    order: doc.order ?? 0,
    mergedInto: doc.mergedInto ?? null,
    questions: (doc.questions ?? []) as Question[],
  };
}

/** A node of the tree as the classifier trains on it. */
export interface CategoryTreeNode extends CategoryNodeView {
  children: CategoryNodeView[];
}

/**
 * What categories need to know about the reports filed under them, without
 * depending on the reports domain (which sits above categories): app.ts
 * hands in reports/categoryMoves.ts. A move carries the successor's time
 * limits: a moved ticket's deadline follows from its new category.
 */
export interface CategoryUsage {
  countUsingCategory(code: string): Promise<number>;
  moveCategory(
    from: string,
    to: { code: string; name: string; parentCode: string | null; parentName: string | null; deadlineHours: { normal: number; urgent: number; semiUrgent: number | null } },
  ): Promise<number>;
}

export interface CategoryInfo {
  code: string;
  name: string;
  parentCode: string | null;
  parentName: string | null;
  department: string;
  deadlineHours: { normal: number; urgent: number; semiUrgent: number | null };
  enabled: boolean;
  /** the questions in force for this category now */
  questions: Question[];
}

/**
 * The category tree admins edit. Every change records a new taxonomy
 * version; reports remember the version they were classified under. The
 * tree is small, so each process keeps it in memory and reloads it when the
 * stored version moves on (another instance may have made the change).
 */
export function createCategoryService(deps: { usage: CategoryUsage }) {
  let cache: { version: number; docs: CategoryDoc[]; checkedAt: number } | null = null;
  /** Bumped by every write here: a read that overlapped a write must not be cached. */
  let generation = 0;
  /** How long a process trusts its copy before asking for the version again (other instances' edits). */
  const RECHECK_MS = 5000;

  async function currentVersion(): Promise<number> {
    const latest = await TaxonomyVersion.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
    return latest?._id ?? 0;
  }

  async function bumpVersion(change: string, by: string): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const next = (await currentVersion()) + 1;
      try {
        await TaxonomyVersion.create({ _id: next, at: new Date(), change, by });
        generation++;
        cache = null;
        return next;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
    }
    throw new Error('could not record a new taxonomy version');
  }

  /** One version check at a time: under load every caller would otherwise ask at once. */
  let reloading: { generation: number; result: Promise<{ version: number; docs: CategoryDoc[] }> } | null = null;
  function load(): Promise<{ version: number; docs: CategoryDoc[] }> {
    if (cache && Date.now() - cache.checkedAt < RECHECK_MS) return Promise.resolve(cache);
    // A reload that began before one of our own writes may miss it: start another.
    if (!reloading || reloading.generation !== generation) {
      const mine = { generation, result: reload() };
      reloading = mine;
      void mine.result.finally(() => {
        if (reloading === mine) reloading = null;
      }).catch(() => {});
    }
    return reloading.result;
  }

  async function reload(): Promise<{ version: number; docs: CategoryDoc[] }> {
    const startedAt = generation;
    const version = await currentVersion();
    if (cache && cache.version === version) {
      cache.checkedAt = Date.now();
      return cache;
    }
    const docs = await Category.find({ deleted: { $ne: true } }).lean<CategoryDoc[]>();
    const fresh = { version, docs, checkedAt: Date.now() };
    if (generation === startedAt) cache = fresh;
    return fresh;
  }

  function nest(docs: CategoryDoc[], includeDisabled: boolean): CategoryNodeView[] {
    const visible = docs.filter((d) => includeDisabled || d.enabled !== false);
    const byOrder = (a: CategoryNodeView, b: CategoryNodeView) => a.order - b.order || a.code.localeCompare(b.code);
    const firsts = visible.filter((d) => !d.parentCode).map(view).sort(byOrder);
    for (const f of firsts) f.children = visible.filter((d) => d.parentCode === f.code).map(view).sort(byOrder);
    return firsts;
  }

  async function find(code: string): Promise<CategoryDoc> {
    const { docs } = await load();
    const doc = docs.find((d) => d.code === code);
    if (!doc) throw notFound('CATEGORY_NOT_FOUND');
    return doc;
  }

  return {
    currentVersion,

    /** One node as admins see it (for the audit trail's "before"). */
    async get(code: string): Promise<CategoryNodeView> {
      return view(await find(code));
    },

    async seedIfEmpty(): Promise<void> {
      if (await Category.exists({})) {
        // A tree seeded before categories had questions gets the default ones, once: only where the field was never
        // written, so a list an admin emptied stays empty.
        let added = 0;
        for (const [code, questions] of Object.entries(DEFAULT_QUESTIONS)) {
          const res = await Category.updateOne({ code, questions: { $exists: false } }, { $set: { questions } });
          added += res.modifiedCount;
        }
        if (added) await bumpVersion(`default questions for ${added} categories`, 'system');
        return;
      }
      const docs = DEFAULT_TREE.flatMap((f, i) => [
        { ...f, children: undefined, parentCode: null, order: i * 10 },
        ...f.children.map((c, j) => ({ ...c, parentCode: f.code, order: j * 10 })),
      ]);
      try {
        await Category.insertMany(docs, { ordered: false });
      } catch (err) {
        if (!isDuplicate(err)) throw err; // another instance seeded at the same time
      }
      if ((await currentVersion()) === 0) await bumpVersion('seeded default tree', 'system').catch(() => {});
    },

    async tree(includeDisabled = false): Promise<CategoryTreeView> {
      const { version, docs } = await load();
      return { version, categories: nest(docs, includeDisabled) };
    },

    /** Tree in the classifier's terms: enabled nodes with keywords and examples. */
    async trainingTree(): Promise<{ version: number; nodes: CategoryTreeNode[] }> {
      const { version, categories } = await this.tree(false);
      return { version, nodes: categories.map((f) => ({ ...f, children: f.children ?? [] })) };
    },

    /** A code as residents and routing see it, or null when unknown, disabled or deleted. */
    async info(code: string): Promise<CategoryInfo | null> {
      const { docs } = await load();
      const doc = docs.find((d) => d.code === code && d.enabled !== false);
      if (!doc) return null;
      const parent = doc.parentCode ? docs.find((d) => d.code === doc.parentCode) : null;
      return {
        code: doc.code,
        name: doc.name,
        parentCode: parent?.code ?? null,
        parentName: parent?.name ?? null,
        department: doc.department || parent?.department || '',
        deadlineHours: hoursOf(doc.deadlineHours!),
        enabled: doc.enabled !== false,
        questions: (doc.questions ?? []) as Question[],
      };
    },

    async create(input: CreateCategoryInput, by: string): Promise<CategoryNodeView> {
      if (await Category.exists({ code: input.code })) throw new AppError(409, 'CATEGORY_CODE_TAKEN');
      if (input.parentCode) {
        const parent = await Category.findOne({ code: input.parentCode, deleted: { $ne: true } }).lean();
        if (!parent || parent.parentCode) throw new AppError(400, 'CATEGORY_PARENT_INVALID');
      }
      try {
        generation++;
        const doc = await Category.create({ ...input, parentCode: input.parentCode ?? null, order: input.order ?? 999 });
        await bumpVersion(`created ${input.code}`, by);
        return view(doc.toObject() as CategoryDoc);
      } catch (err) {
        if (isDuplicate(err)) throw new AppError(409, 'CATEGORY_CODE_TAKEN');
        throw err;
      }
    },

    async update(code: string, patch: UpdateCategoryInput, by: string): Promise<CategoryNodeView> {
      const doc = await find(code);
      if (patch.enabled === false && !doc.parentCode) {
        const { docs } = await load();
        if (docs.some((d) => d.parentCode === code && d.enabled !== false)) throw new AppError(409, 'CATEGORY_HAS_ENABLED_CHILDREN');
      }
      if (patch.deadlineHours === undefined && patch.enabled === undefined && Object.keys(patch).length === 0) return view(doc);
      const merged = { ...patch };
      generation++;
      await Category.updateOne({ code }, { $set: merged });
      await bumpVersion(`updated ${code}: ${Object.keys(patch).join(',')}`, by);
      return view({ ...doc, ...merged } as CategoryDoc);
    },

    /**
     * Folds `code` into `into` (same level, enabled): its reports move with it
     * (open ones with the successor's deadline, told to the pipeline) and it
     * stays as a disabled node pointing at its successor.
     */
    async merge(code: string, into: string, by: string): Promise<{ moved: number }> {
      const source = await find(code);
      const target = await find(into);
      if (code === into || (source.parentCode ?? null) !== (target.parentCode ?? null) || target.enabled === false || !source.parentCode) {
        throw new AppError(400, 'CATEGORY_MERGE_INVALID');
      }
      const targetRef = { code: target.code, name: target.name, parentCode: target.parentCode ?? null, parentName: (await find(target.parentCode!)).name, deadlineHours: hoursOf(target.deadlineHours!) };
      const moved = await deps.usage.moveCategory(code, targetRef);
      generation++;
      await Category.updateOne({ code }, { $set: { enabled: false, mergedInto: into } });
      await bumpVersion(`merged ${code} into ${into}`, by);
      return { moved };
    },

    /** Only a category nobody ever used can go; its code stays reserved. */
    async remove(code: string, by: string): Promise<void> {
      await find(code);
      const { docs } = await load();
      if (docs.some((d) => d.parentCode === code) || (await deps.usage.countUsingCategory(code)) > 0) throw new AppError(409, 'CATEGORY_IN_USE');
      generation++;
      await Category.updateOne({ code }, { $set: { deleted: true, enabled: false } });
      await bumpVersion(`deleted ${code}`, by);
    },
  };
}

export type CategoryService = ReturnType<typeof createCategoryService>;
