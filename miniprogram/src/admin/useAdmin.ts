import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { StaffRole } from '@ssp/shared';
import { currentSession } from '../services/api';

/**
 * Admin pages need a staff session; anyone else is sent to the login page.
 * A staff member with an initial password is sent to change it first.
 */
export function useAdminGuard(): boolean {
  const [ok, setOk] = useState(false);
  useDidShow(() => {
    const s = currentSession();
    const here = Taro.getCurrentInstance().router?.path ?? '/admin/index/index';
    if (s?.user.role !== 'admin') void Taro.redirectTo({ url: `/auth/login/index?back=${encodeURIComponent(here)}` });
    else if (s.user.mustChangePassword && !here.includes('admin/password')) void Taro.redirectTo({ url: '/admin/password/index' });
    else setOk(true);
  });
  // Also on mount, for a staff session that needs nothing first: in the H5 build a hash-only navigation has left a
  // page without its didShow (the 个人信息 page once, then 数据看板 at phone width in a CI browser run), and an admin
  // page renders nothing before `ok`, so it stayed blank. Redirects stay with useDidShow (where the page's own path
  // is known), so the mount never sends anyone anywhere.
  useEffect(() => {
    const s = currentSession();
    if (s?.user.role === 'admin' && !s.user.mustChangePassword) setOk(true);
  }, []);
  return ok;
}

/** The signed-in account's roles (`admin` holds all); older sessions without roles count as admin. */
export function myRoles(): StaffRole[] {
  const s = currentSession();
  return s?.user.roles ?? (s?.user.role === 'admin' ? ['admin'] : []);
}

export function can(...roles: StaffRole[]): boolean {
  const mine = myRoles();
  return mine.includes('admin') || roles.some((r) => mine.includes(r));
}
