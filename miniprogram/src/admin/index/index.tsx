import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { ConsoleLayout } from '../ConsoleLayout';
import { consoleApi } from '../../services/console';
import { ApiError, call } from '../../services/api';
import { can, useAdminGuard } from '../useAdmin';
import { OPEN, searchLink, searchQuery, type SearchLink } from '../search/searchLink';

/** 工作台's figures over 诉求检索: each counted with the very filters its link opens the list with. */
const FIGURES: { label: string; link: SearchLink; testId: string }[] = [
  { label: '办理中的诉求', link: { status: OPEN }, testId: 'fig-open' },
  { label: '超期未办结', link: { status: OPEN, overdue: true }, testId: 'fig-overdue' },
  // "What must be done today" is 紧急 + 次紧急: one figure each, so each opens its own list.
  { label: '紧急', link: { status: OPEN, urgency: ['urgent'] }, testId: 'fig-urgent' },
  { label: '次紧急', link: { status: OPEN, urgency: ['semi_urgent'] }, testId: 'fig-semi-urgent' },
];

/** 工作台: what needs attention now, each figure a link into the page that handles it. */
export default function AdminHome() {
  const ok = useAdminGuard();
  const [figures, setFigures] = useState<{ label: string; value: string; url: string; testId: string }[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!ok) return;
    const count = async (qs: string) => {
      const res = await consoleApi.search(`${qs}&limit=200`);
      return res.nextCursor ? '200+' : String(res.items.length);
    };
    // The figures are independent reads: asked together, the page waits for the slowest, not for their sum. One that
    // fails is named on the page (a 工作台 short of a figure, with no word, would read as "nothing there"); the
    // others still show.
    const asks: { label: string; value: Promise<string>; url: string; testId: string }[] = FIGURES.map((f) => ({ label: f.label, value: count(searchQuery(f.link)), url: searchLink(f.link), testId: f.testId }));
    if (can('category_admin', 'operator')) {
      asks.push({ label: '待分拣', value: call<{ items: unknown[] }>('GET', '/admin/triage').then((r) => String(r.items.length)), url: '/admin/triage/index', testId: 'fig-triage' });
    }
    void Promise.allSettled(asks.map((a) => a.value)).then((results) => {
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ label: asks[i].label, reason: r.reason as unknown }] : []));
      setFigures(results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ ...asks[i], value: r.value }] : [])));
      const why = failed[0] && (failed[0].reason instanceof ApiError ? failed[0].reason.message : '请刷新页面重试');
      setError(failed.length ? `${failed.map((f) => f.label).join('、')}未能加载：${why}` : '');
    });
  }, [ok]);

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='home' title='工作台'>
      {error && (
        <Text className='error-text' data-testid='home-error' {...({ role: 'alert' } as object)}>
          {error}
        </Text>
      )}
      <View className='filters' style={{ gap: '12PX' }}>
        {figures.map((f) => (
          // A link by role (lib/keyboard.ts makes it a Tab stop that Enter opens), named with its figure; the texts
          // inside are what the name already says, so a screen reader does not read them twice.
          <View key={f.label} className='panel' role='link' aria-label={`${f.label}：${f.value}，打开列表`} style={{ minWidth: '160PX', marginBottom: 0, cursor: 'pointer' }} onClick={() => void Taro.redirectTo({ url: f.url })} data-testid={f.testId} data-url={f.url}>
            <Text className='kv-k' aria-hidden='true'>{f.label}</Text>
            <Text style={{ display: 'block', fontSize: '28PX', fontWeight: 700, color: '#14457f' }} aria-hidden='true'>{f.value}</Text>
          </View>
        ))}
      </View>
      <View className='panel'>
        <Text className='panel-title'>常用</Text>
        <View className='form-row'>
          <Text className='cell-link' {...({ role: 'link' } as object)} onClick={() => void Taro.navigateTo({ url: '/admin/search/index' })} data-testid='menu-search'>诉求检索与导出</Text>
          {can('operator') && <Text className='cell-link' {...({ role: 'link' } as object)} onClick={() => void Taro.navigateTo({ url: '/admin/tickets/index' })} data-testid='menu-tickets'>工单处理</Text>}
          {can('category_admin') && <Text className='cell-link' {...({ role: 'link' } as object)} onClick={() => void Taro.navigateTo({ url: '/admin/categories/index' })} data-testid='menu-categories'>分类管理</Text>}
          {can('category_admin', 'operator') && <Text className='cell-link' {...({ role: 'link' } as object)} onClick={() => void Taro.navigateTo({ url: '/admin/triage/index' })} data-testid='menu-triage'>待分拣诉求</Text>}
          {can('category_admin') && <Text className='cell-link' {...({ role: 'link' } as object)} onClick={() => void Taro.navigateTo({ url: '/admin/classifier/index' })} data-testid='menu-classifier'>分类模型</Text>}
        </View>
      </View>
    </ConsoleLayout>
  );
}
