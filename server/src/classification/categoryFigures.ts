import type { CategoryFiguresView, KeywordImpactExample, KeywordImpactInput, KeywordImpactView } from '@ssp/shared';
import type { CategoryService } from '../categories/categoryService';
import type { ClassificationService } from './classificationService';

/**
 * What 分类管理 needs from the reports, handed in by app.ts (the report
 * repository): classification sits below the reports domain.
 */
export interface CategoryReports {
  countByCategory(match: { open: true } | { since: Date }): Promise<Map<string, number>>;
  recentWithText(limit: number): Promise<{ id: string; ticketNo: string; description: string; category: { code: string } | null }[]>;
}

/** The keyword check looks at this many of the newest reports (issue 10: "the last 1,000"). */
export const IMPACT_SAMPLE = 1000;
const IMPACT_EXAMPLES = 8;
const DAY_MS = 24 * 3600 * 1000;

/**
 * 分类管理's figures and keyword check. Both live here, beside the
 * classifier, because both need it (training examples, re-classification)
 * and categories sit below classification.
 */
export function createCategoryFigures(deps: { categories: CategoryService; classification: ClassificationService; reports: CategoryReports }) {
  /**
   * The two report counts scan every open / recent report on the embedded database (no range index there), so a
   * process reuses them for COUNTS_TTL_MS; the page says when they were taken. Training examples and the tree are
   * always fresh (an edit shows at once).
   */
  const COUNTS_TTL_MS = 30_000;
  type Counts = { at: number; since: Date; open: Map<string, number>; recent: Map<string, number> };
  let counts: Counts | null = null;
  let counting: Promise<Counts> | null = null;
  async function reportCounts(now: Date): Promise<Counts> {
    if (counts && now.getTime() - counts.at < COUNTS_TTL_MS) return counts;
    // One count at a time: several admins opening the page at once share it.
    counting ??= (async (): Promise<Counts> => {
      const since = new Date(now.getTime() - 30 * DAY_MS);
      const [open, recent] = await Promise.all([deps.reports.countByCategory({ open: true }), deps.reports.countByCategory({ since })]);
      return (counts = { at: now.getTime(), since, open, recent });
    })().finally(() => (counting = null));
    return counting;
  }

  return {
    /**
     * Per category: open reports, reports in the last 30 days, training
     * examples. Two grouped counts over the reports in all (not a count per
     * category); first-level rows are the sums of their children, plus any
     * report filed under the first level itself.
     */
    async figures(now = new Date()): Promise<CategoryFiguresView> {
      const [{ at, since, open, recent }, training, tree] = await Promise.all([reportCounts(now), deps.classification.trainingExampleCounts(), deps.categories.tree(true)]);
      const row = (code: string) => ({ code, openReports: open.get(code) ?? 0, last30Days: recent.get(code) ?? 0, trainingExamples: training.get(code) ?? 0 });
      const items = tree.categories.flatMap((f) => {
        const children = (f.children ?? []).map((c) => row(c.code));
        const own = row(f.code);
        const sum = (k: 'openReports' | 'last30Days' | 'trainingExamples') => own[k] + children.reduce((a, c) => a + c[k], 0);
        return [{ code: f.code, openReports: sum('openReports'), last30Days: sum('last30Days'), trainingExamples: sum('trainingExamples') }, ...children];
      });
      return { at: new Date(at).toISOString(), since: since.toISOString(), items };
    },

    /**
     * "This change would move N of the last 1,000 reports": the newest 1,000
     * reports with text are classified by the live model as it is and with
     * the edited keywords; a report moves when its top category differs.
     * Comparing the model with itself (not with the category stored on the
     * report, which older models or staff chose) isolates the edit.
     */
    async keywordImpact(code: string, edit: KeywordImpactInput): Promise<KeywordImpactView> {
      await deps.categories.get(code); // 404 for an unknown code
      const { before, after } = deps.classification.keywordVariant(code, edit);
      const sample = await deps.reports.recentWithText(IMPACT_SAMPLE);
      if (!after) return { code, sampled: sample.length, moved: 0, movedIn: 0, movedOut: 0, modelKnowsCategory: false, examples: [] };
      const isFirst = !before.leaves.some((l) => l.code === code);
      const inEdited = (leaf: string, parent: string) => (isFirst ? parent === code : leaf === code);
      let moved = 0;
      let movedIn = 0;
      let movedOut = 0;
      const examples: KeywordImpactExample[] = [];
      for (let i = 0; i < sample.length; i++) {
        // 2 × 1,000 classifications take a few hundred ms: let other requests through now and then.
        if (i % 100 === 99) await new Promise((r) => setImmediate(r));
        const r = sample[i];
        const was = before.classify(r.description).top3[0];
        const now = after.classify(r.description).top3[0];
        if (was.code === now.code) continue;
        moved++;
        if (inEdited(now.code, now.parentCode)) movedIn++;
        else if (inEdited(was.code, was.parentCode)) movedOut++;
        if (examples.length < IMPACT_EXAMPLES) {
          examples.push({ id: r.id, ticketNo: r.ticketNo, description: r.description.slice(0, 120), from: { code: was.code, name: `${was.parentName} / ${was.name}` }, to: { code: now.code, name: `${now.parentName} / ${now.name}` } });
        }
      }
      return { code, sampled: sample.length, moved, movedIn, movedOut, modelKnowsCategory: true, examples };
    },
  };
}

export type CategoryFiguresService = ReturnType<typeof createCategoryFigures>;
