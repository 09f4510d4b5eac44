import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { t } from '../i18n';

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
  void Promise.resolve(Taro.setNavigationBarTitle?.({ title: pageTitle(key) })).catch(() => {});
}

export function usePageTitle(key: PageTitleKey): void {
  const { i18n } = useTranslation();
  useDidShow(() => applyPageTitle(key));
  useEffect(() => applyPageTitle(key), [key, i18n.language]);
}
