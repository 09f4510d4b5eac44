import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../services/api';
import { requireLogin } from './session';
import { t } from '../i18n';

export interface PageOf {
  items: unknown[];
  nextCursor: string | null;
}

/**
 * A cursor-paged list behind the login: reloads when the page shows and on
 * pull-down, appends at the bottom. `onPage` sees every page fetched (and
 * whether it started the list again) for whatever else the response carries.
 */
export function usePagedList<P extends PageOf>(fetchPage: (cursor: string | null) => Promise<P>, onPage?: (page: P, reset: boolean) => void) {
  type Item = P['items'][number];
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'idle' | 'end' | 'error'>('loading');
  const [error, setError] = useState('');
  const busy = useRef(false);

  const load = useCallback(
    async (reset: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setState('loading');
      try {
        if (!(await requireLogin())) return;
        const page = await fetchPage(reset ? null : cursor);
        setItems((prev) => (reset ? page.items : [...prev, ...page.items]));
        setCursor(page.nextCursor);
        onPage?.(page, reset);
        setState(page.nextCursor ? 'idle' : 'end');
      } catch (err) {
        setError(err instanceof ApiError ? err.message : t('common.loadFailed'));
        setState('error');
      } finally {
        busy.current = false;
        Taro.stopPullDownRefresh();
      }
    },
    [cursor, fetchPage, onPage],
  );

  useDidShow(() => void load(true));
  usePullDownRefresh(() => void load(true));
  useReachBottom(() => {
    if (state === 'idle') void load(false);
  });

  return { items, setItems, state, error, load };
}
