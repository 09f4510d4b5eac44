import type { CategoryFiguresView, CategoryTreeView, ClassificationView, CategoryNodeView, KeywordImpactInput, KeywordImpactView, ReportView, CreateCategoryInput, UpdateCategoryInput } from '@ssp/shared';
import Taro from '@tarojs/taro';
import { API_BASE, ApiError, call } from './api';
import { t } from '../i18n';

/** Public, no login: the suggestion while a resident types. */
export async function suggestCategory(text: string): Promise<ClassificationView> {
  const res = await Taro.request({ url: `${API_BASE}/classify`, method: 'POST', data: { text }, header: { 'Content-Type': 'application/json' } });
  if (res.statusCode !== 200) throw new ApiError(res.statusCode, (res.data as { error?: { code: 'INTERNAL' } })?.error?.code ?? 'INTERNAL', t('common.noSuggestion'));
  return res.data as ClassificationView;
}

export function nearbyCategories(loc: { lat: number; lng: number; coordSystem: string } | null): Promise<{ items: { code: string; name: string }[] }> {
  const q = loc ? `?lat=${loc.lat}&lng=${loc.lng}&coordSystem=${loc.coordSystem}` : '';
  return call('GET', `/categories/nearby${q}`);
}

export const admin = {
  tree: () => call<CategoryTreeView>('GET', '/admin/categories'),
  create: (input: CreateCategoryInput) => call<CategoryNodeView>('POST', '/admin/categories', input),
  update: (code: string, patch: UpdateCategoryInput) => call<CategoryNodeView>('PATCH', `/admin/categories/${code}`, patch),
  merge: (code: string, into: string) => call<{ moved: number }>('POST', `/admin/categories/${code}/merge`, { into }),
  remove: (code: string) => call<void>('DELETE', `/admin/categories/${code}`),
  /** 分类管理's figures: open reports, last 30 days, training examples per category. */
  figures: () => call<CategoryFiguresView>('GET', '/admin/categories/figures'),
  /** What a keyword edit would do to the last 1,000 reports; saves nothing. */
  keywordImpact: (code: string, edit: KeywordImpactInput) => call<KeywordImpactView>('POST', `/admin/categories/${code}/keyword-impact`, edit),
  triage: () => call<{ items: ReportView[] }>('GET', '/admin/triage'),
  decide: (id: string, categoryCode: string) => call<ReportView>('POST', `/admin/reports/${id}/category`, { categoryCode }),
  /**
   * 更正分类 from the report detail. A report still waiting for triage is decided (the reason, if any, goes to
   * the audit log); any other needs the reason, and is refused (409 CATEGORY_CHANGED) if its category is no
   * longer `expected`.
   */
  correct: (id: string, categoryCode: string, reason: string, expected: string | null) =>
    call<ReportView>('POST', `/admin/reports/${id}/category`, { categoryCode, ...(reason ? { reason } : {}), expectedCategoryCode: expected }),
  classifier: () => call<{ current: ClassifierInfo | null; confidenceThreshold: number }>('GET', '/admin/classifier'),
  retrain: () => call<{ before: ClassifierInfo | null; after: ClassifierInfo }>('POST', '/admin/classifier/retrain'),
};

export interface ClassifierInfo {
  version: string;
  createdAt: string;
  taxonomyVersion: number;
  trainedOn: number;
  heldOut: { n: number; accuracy: number; macroF1: number; top3: number; urgentPrecision: number | null; urgentRecall: number | null; msPerText: number } | null;
}
