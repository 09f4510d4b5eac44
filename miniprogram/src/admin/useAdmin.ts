import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { currentSession } from '../services/api';

/** Admin pages need a staff session; anyone else is sent to the login page. */
export function useAdminGuard(): boolean {
  const [ok, setOk] = useState(false);
  useDidShow(() => {
    const s = currentSession();
    if (s?.user.role === 'admin') setOk(true);
    else void Taro.redirectTo({ url: `/auth/login/index?back=${encodeURIComponent(Taro.getCurrentInstance().router?.path ?? '/admin/index/index')}` });
  });
  return ok;
}
