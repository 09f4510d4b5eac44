import Taro from '@tarojs/taro';
import { ApiError, ensureSession } from '../services/api';

/** On H5 without a login, send the visitor to the login page; returns false when it did. */
export async function requireLogin(): Promise<boolean> {
  try {
    await ensureSession();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NEED_LOGIN') {
      const router = Taro.getCurrentInstance().router;
      // Keep the page's query (e.g. the 专区 it was opened for), without Taro's own timestamp.
      const query = Object.entries(router?.params ?? {})
        .filter(([k, v]) => !k.startsWith('$') && k !== 'stamp' && v !== undefined)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      const path = (router?.path ?? '/pages/index/index').split('?')[0];
      const here = query ? `${path}?${query}` : path;
      // Replace the page that needed a login, so coming back does not leave a stale copy in the stack.
      void Taro.redirectTo({ url: `/auth/login/index?back=${encodeURIComponent(here)}` });
      return false;
    }
    throw err;
  }
}
