import Taro from '@tarojs/taro';
import { ApiError, ensureSession } from '../services/api';

/** On H5 without a login, send the visitor to the login page; returns false when it did. */
export async function requireLogin(): Promise<boolean> {
  try {
    await ensureSession();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NEED_LOGIN') {
      const here = Taro.getCurrentInstance().router?.path ?? '/pages/index/index';
      // Replace the page that needed a login, so coming back does not leave a stale copy in the stack.
      void Taro.redirectTo({ url: `/auth/login/index?back=${encodeURIComponent(here)}` });
      return false;
    }
    throw err;
  }
}
