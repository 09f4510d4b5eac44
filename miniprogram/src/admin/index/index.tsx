import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { ConsoleLayout } from '../ConsoleLayout';
import { consoleApi } from '../../services/console';
import { call } from '../../services/api';
import { can, useAdminGuard } from '../useAdmin';

const OPEN = 'submitted,accepted,dispatched,in_progress,returned,reopened';

/** 工作台: what needs attention now, each figure a link into the page that handles it. */
export default function AdminHome() {
  const ok = useAdminGuard();
  const [figures, setFigures] = useState<{ label: string; value: string; url: string; testId: string }[]>([]);

  useEffect(() => {
    if (!ok) return;
    const count = async (qs: string) => {
      const res = await consoleApi.search(`${qs}&limit=200`);
      return res.nextCursor ? '200+' : String(res.items.length);
    };
    void (async () => {
      const out: typeof figures = [];
      out.push({ label: '办理中的诉求', value: await count(`status=${OPEN}`), url: '/admin/search/index', testId: 'fig-open' });
      out.push({ label: '超期未办结', value: await count(`status=${OPEN}&overdue=1`), url: '/admin/search/index', testId: 'fig-overdue' });
      out.push({ label: '紧急', value: await count(`status=${OPEN}&urgent=1`), url: '/admin/search/index', testId: 'fig-urgent' });
      if (can('category_admin', 'operator')) {
        const triage = await call<{ items: unknown[] }>('GET', '/admin/triage');
        out.push({ label: '待分拣', value: String(triage.items.length), url: '/admin/triage/index', testId: 'fig-triage' });
      }
      setFigures(out);
    })().catch(() => {});
  }, [ok]);

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='home' title='工作台'>
      <View className='filters' style={{ gap: '12PX' }}>
        {figures.map((f) => (
          <View key={f.label} className='panel' style={{ minWidth: '160PX', marginBottom: 0, cursor: 'pointer' }} onClick={() => void Taro.redirectTo({ url: f.url })} data-testid={f.testId}>
            <Text className='kv-k'>{f.label}</Text>
            <Text style={{ display: 'block', fontSize: '28PX', fontWeight: 700, color: '#14457f' }}>{f.value}</Text>
          </View>
        ))}
      </View>
      <View className='panel'>
        <Text className='panel-title'>常用</Text>
        <View className='form-row'>
          <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: '/admin/search/index' })} data-testid='menu-search'>诉求检索与导出</Text>
          {can('operator') && <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: '/admin/tickets/index' })} data-testid='menu-tickets'>工单处理</Text>}
          {can('category_admin') && <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: '/admin/categories/index' })} data-testid='menu-categories'>分类管理</Text>}
          {can('category_admin', 'operator') && <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: '/admin/triage/index' })} data-testid='menu-triage'>待分拣诉求</Text>}
          {can('category_admin') && <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: '/admin/classifier/index' })} data-testid='menu-classifier'>分类模型</Text>}
        </View>
      </View>
    </ConsoleLayout>
  );
}
