import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState, type ReactNode } from 'react';
import type { StaffRole } from '@ssp/shared';
import { STAFF_ROLE_LABELS } from '@ssp/shared';
import { currentSession } from '../services/api';
import { consoleApi } from '../services/console';
import { ALERTS_CHANGED, insight } from '../services/insight';
import { can } from './useAdmin';
import './console.scss';

export type NavKey = 'home' | 'search' | 'tickets' | 'triage' | 'categories' | 'classifier' | 'zones' | 'staff' | 'audit' | 'dashboard';

/** The console's sections, who sees them, and where they live (the server's route table says the same: staff/routePermissions.test.ts). */
const NAV: { key: NavKey; title: string; url: string; roles: StaffRole[]; soon?: boolean }[] = [
  { key: 'home', title: '工作台', url: '/admin/index/index', roles: ['category_admin', 'operator', 'analyst'] },
  { key: 'search', title: '诉求检索', url: '/admin/search/index', roles: ['category_admin', 'operator', 'analyst'] },
  { key: 'tickets', title: '工单处理', url: '/admin/tickets/index', roles: ['operator'] },
  { key: 'triage', title: '待分拣', url: '/admin/triage/index', roles: ['category_admin', 'operator'] },
  { key: 'categories', title: '分类管理', url: '/admin/categories/index', roles: ['category_admin'] },
  { key: 'classifier', title: '分类模型', url: '/admin/classifier/index', roles: ['category_admin'] },
  { key: 'zones', title: '专区管理', url: '/admin/zones/index', roles: ['category_admin'] },
  { key: 'staff', title: '账号与权限', url: '/admin/staff/index', roles: ['admin'] },
  { key: 'audit', title: '操作日志', url: '/admin/audit/index', roles: ['admin'] },
  { key: 'dashboard', title: '数据看板', url: '/admin/insight/index', roles: ['analyst'] },
];

/**
 * The console frame: at ≥ 1024 px a side navigation and a page title beside
 * the content; narrower, the same entries as a scrolling strip on top.
 */
export function ConsoleLayout(props: { active: NavKey; title: string; actions?: ReactNode; children: ReactNode }) {
  const user = currentSession()?.user;
  // New hotspots nobody here has seen yet: the badge on 数据看板 (only for those who may open it).
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    if (can('analyst')) void insight.alerts().then((a) => setUnseen(a.unseen), () => setUnseen(0));
    // Marking alerts seen on the 数据看板 updates the badge at once.
    const onChange = (n: number) => setUnseen(n);
    Taro.eventCenter.on(ALERTS_CHANGED, onChange);
    return () => void Taro.eventCenter.off(ALERTS_CHANGED, onChange);
  }, []);
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return;
    // Taro's H5 page is its own scroll container: let keyboard users reach it to scroll (axe: scrollable-region-focusable).
    const timer = setTimeout(() => document.querySelectorAll('.taro_page').forEach((el) => el.hasAttribute('tabindex') || el.setAttribute('tabindex', '0')), 0);
    return () => clearTimeout(timer);
  }, []);
  const go = (url: string) => void Taro.redirectTo({ url });
  return (
    <View className='console'>
      <View className='console-nav' role='navigation' aria-label='控制台导航'>
        <Text className='console-brand'>12345 工作台</Text>
        {NAV.filter((n) => can(...n.roles)).map((n) => (
          <View
            key={n.key}
            className={`console-nav-item ${n.key === props.active ? 'active' : ''} ${n.soon ? 'soon' : ''}`}
            onClick={() => !n.soon && go(n.url)}
            data-testid={`nav-${n.key}`}
            role='link'
            aria-current={n.key === props.active ? 'page' : undefined}
            aria-disabled={n.soon ? 'true' : undefined}
          >
            <Text>{n.title}</Text>
            {n.key === 'dashboard' && unseen > 0 && <Text className='console-badge' data-testid='insight-badge'>{unseen}</Text>}
            {n.soon && <Text className='console-soon'>下期</Text>}
          </View>
        ))}
        <View className='console-user'>
          <Text className='console-user-name' data-testid='console-user'>{user?.displayName ?? ''}</Text>
          <Text className='console-user-roles'>{(user?.roles ?? []).map((r) => STAFF_ROLE_LABELS[r]).join('、')}</Text>
          <View className='console-link' onClick={() => go('/admin/password/index')} role='link'>修改密码</View>
          <View className='console-link' role='link' data-testid='sign-out' onClick={() => void consoleApi.signOut().then(() => Taro.reLaunch({ url: '/pages/index/index' }))}>退出登录</View>
        </View>
      </View>
      <View className='console-main' role='main'>
        <View className='console-head'>
          <View className='console-title' role='heading' aria-level={1}>{props.title}</View>
          {props.actions && <View className='console-actions'>{props.actions}</View>}
        </View>
        {props.children}
      </View>
    </View>
  );
}

/** Cursor paging: remembers the cursors behind, so 上一页 works without offsets. */
export function Pager(props: { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void }) {
  return (
    <View className='pager'>
      <View className={`pager-btn ${props.page === 0 ? 'off' : ''}`} role='button' onClick={() => props.page > 0 && props.onPrev()} data-testid='page-prev'>上一页</View>
      <Text className='pager-page'>第 {props.page + 1} 页</Text>
      <View className={`pager-btn ${props.hasNext ? '' : 'off'}`} role='button' onClick={() => props.hasNext && props.onNext()} data-testid='page-next'>下一页</View>
    </View>
  );
}

/**
 * Pager over a stack of cursors (`cursors[k]` opened page k; `next` opens the page after `page`): the one
 * place that knows how 上一页/下一页 move the stack, for every console list that pages by cursor.
 */
export function CursorPager(props: { page: number; cursors: (string | null)[]; next: string | null; load: (cursor: string | null, page: number, stack: (string | null)[]) => unknown }) {
  const { page, cursors, next, load } = props;
  return (
    <Pager
      page={page}
      hasNext={Boolean(next)}
      onPrev={() => void load(cursors[page - 1] ?? null, page - 1, cursors.slice(0, page))}
      onNext={() => void load(next, page + 1, [...cursors.slice(0, page + 1), next])}
    />
  );
}

/** A table that may scroll sideways on a phone: focusable, so keyboard users can scroll it too. */
export function TableWrap(props: { label: string; children: ReactNode }) {
  return (
    <View className='table-wrap' {...({ tabIndex: 0, role: 'region', 'aria-label': props.label } as object)}>
      {props.children}
    </View>
  );
}
