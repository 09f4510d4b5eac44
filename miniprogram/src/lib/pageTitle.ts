import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyTabBar, t } from '../i18n';

/**
 * Navigation bar titles in the resident's language. Page configs
 * (`index.config.ts`) are compiled into the mini-program's JSON and can only
 * hold one text, the Chinese one; each page sets its title again when it
 * shows and when the language changes (on H5 this is the document title).
 */
export type PageTitleKey = 'home' | 'tickets' | 'complaint' | 'snap' | 'success' | 'detail' | 'messages' | 'login' | 'profile';

export function pageTitle(key: PageTitleKey): string {
  return t(`titles.${key}`);
}

export function applyPageTitle(key: PageTitleKey): void {
  try {
    // A direct Taro.setNavigationBarTitle(…) call: the H5 build bundles only APIs called so.
    void Promise.resolve(Taro.setNavigationBarTitle({ title: pageTitle(key) })).catch(() => {});
  } catch {
    // no navigation bar
  }
  // The tab bar's texts are in app.config (Chinese) too; WeChat lets only a tab page change them.
  if (key === 'home' || key === 'tickets') applyTabBar();
}

export function usePageTitle(key: PageTitleKey): void {
  const { i18n } = useTranslation();
  useDidShow(() => applyPageTitle(key));
  useEffect(() => applyPageTitle(key), [key, i18n.language]);
}
