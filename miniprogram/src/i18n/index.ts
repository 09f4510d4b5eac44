import Taro from '@tarojs/taro';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { answerText, districtNameEn, fieldMessageEn, type AnswerValue, type CategoryNodeView, type CategoryTreeView, type FieldIssue, type Language, type Question } from '@ssp/shared';
import { load, save } from '../services/storage';
import { en } from './en';
import { zhCN } from './zh-CN';

/**
 * The app's languages (i18next + react-i18next): Chinese and English,
 * chosen from the system language until the resident picks one with the
 * switch (remembered). Missing English texts fall back to Chinese.
 */
const LANGUAGE_KEY = 'language';

/** zh_CN (WeChat), zh-CN / en-GB (browsers) → one of ours. */
export function languageFromSystem(tag: string | undefined | null): Language {
  return tag && /^en\b|^en[-_]/i.test(tag) ? 'en' : 'zh-CN';
}

function systemLanguage(): string | undefined {
  try {
    if (process.env.TARO_ENV === 'h5') return typeof navigator !== 'undefined' ? navigator.language : undefined;
    return Taro.getSystemInfoSync().language;
  } catch {
    return undefined;
  }
}

export function initialLanguage(): Language {
  const chosen = load<Language>(LANGUAGE_KEY);
  return chosen === 'en' || chosen === 'zh-CN' ? chosen : languageFromSystem(systemLanguage());
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
  // i18next ≥ 25 otherwise prints an advertisement to every resident's console on start
  showSupportNotice: false,
});

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export function setLanguage(lang: Language): void {
  save(LANGUAGE_KEY, lang);
  void i18n.changeLanguage(lang);
  if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') document.documentElement.lang = lang;
  applyTabBar();
}

/** The tab bar's texts live in app.config (Chinese); set them in the current language. */
export function applyTabBar(): void {
  // Called as Taro.setTabBarItem(…) on purpose: the H5 build bundles only the Taro APIs it sees called so
  // (read into a variable, it was undefined on H5 and the tab bar stayed Chinese). Off a tab page WeChat refuses: ignored.
  const apply = () =>
    ['tabs.home', 'tabs.mine'].forEach((key, index) => {
      try {
        void Promise.resolve(Taro.setTabBarItem({ index, text: i18n.t(key) as string })).catch(() => {});
      } catch {
        // no tab bar on this platform or page
      }
    });
  if (process.env.TARO_ENV === 'h5') void h5TabBarReady().then(apply);
  else apply();
}

/**
 * On H5 the tab bar is a web component that starts listening for setTabBarItem only once it has rendered
 * (Taro sends the change as an event, and an event sent before that is lost): wait for its labels, ≤ 5 s.
 */
async function h5TabBarReady(): Promise<void> {
  if (typeof document === 'undefined') return;
  for (let i = 0; i < 50 && !document.querySelector('taro-tabbar .weui-tabbar__label'); i++) await new Promise((r) => setTimeout(r, 100));
  const bar = document.querySelector('taro-tabbar') as (Element & { componentOnReady?: () => Promise<unknown> }) | null;
  await bar?.componentOnReady?.().catch(() => {});
  await new Promise((r) => setTimeout(r, 0)); // its componentDidLoad (which binds the events) runs right after the first render
}

export const t = (key: string, options?: Record<string, unknown>): string => i18n.t(key, options) as string;

/** The hook components use: re-renders when the language changes. */
export function useT() {
  const { t: translate } = useTranslation();
  return translate as (key: string, options?: Record<string, unknown>) => string;
}

/** A validation message of the shared schemas (written in Chinese) in the current language. */
export function fieldMessage(issue: FieldIssue): string {
  return currentLanguage() === 'en' ? fieldMessageEn(issue) : issue.message;
}

/** A category or question label in the current language. */
export function localName(item: { name?: string; nameEn?: string; label?: string; labelEn?: string; title?: string; titleEn?: string }): string {
  const en = currentLanguage() === 'en';
  if (item.label !== undefined) return (en && item.labelEn) || item.label;
  if (item.title !== undefined) return (en && item.titleEn) || item.title;
  return (en && item.nameEn) || item.name || '';
}

/** A district's name in the current language (the 16 districts have English names; anything else stays as given). */
export function districtName(district: { name: string }): string {
  return currentLanguage() === 'en' ? districtNameEn(district.name) : district.name;
}

/**
 * A category a report carries (`{ code, name }`, the name copied in Chinese when it was filed) in the
 * current language: the live tree's English name for that code, else the stored Chinese name. With a
 * parent (`parentCode`/`parentName`), both levels.
 */
export function categoryName(tree: CategoryTreeView | null, category: { code: string; name: string; parentCode?: string | null; parentName?: string | null }): string {
  if (currentLanguage() !== 'en' || !tree) return category.name;
  let node: CategoryNodeView | undefined;
  for (const first of tree.categories) {
    if (first.code === category.code) node = first;
    for (const child of first.children ?? []) if (child.code === category.code) node = child;
  }
  return node?.nameEn || category.name;
}

/** A resident's answer to a question, in the current language (option labels, yes/no). */
export function answerLabel(q: Question, value: AnswerValue): string {
  return answerText(q, value, currentLanguage());
}

/** A 专区's banner text in the current language (English falls back to Chinese). */
export function zoneBanner(zone: { banner?: string; bannerEn?: string }): string {
  return (currentLanguage() === 'en' && zone.bannerEn) || zone.banner || '';
}
