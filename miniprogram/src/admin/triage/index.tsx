import { Button, Picker, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import type { CategoryNodeView, ReportView } from '@ssp/shared';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { admin } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { ConsoleLayout } from '../ConsoleLayout';
import '../admin.scss';

const REASONS: Record<string, string> = {
  low_confidence: '机器把握不足',
  citizen_disagrees: '与市民所选分类不一致',
  no_text: '随申拍未填文字、未选分类',
};

export default function TriageQueue() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<ReportView[]>([]);
  const [leaves, setLeaves] = useState<(CategoryNodeView & { parentName: string })[]>([]);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    const [queue, tree] = await Promise.all([admin.triage(), admin.tree()]);
    setItems(queue.items);
    setLeaves(tree.categories.flatMap((f) => (f.children ?? []).filter((c) => c.enabled).map((c) => ({ ...c, parentName: f.name }))));
    setLoading(false);
    Taro.stopPullDownRefresh();
  }, []);
  useEffect(() => {
    if (ok) void load();
  }, [ok, load]);
  usePullDownRefresh(() => void load());

  const decide = async (r: ReportView, code: string) => {
    try {
      await admin.decide(r.id, code);
      setItems((list) => list.filter((x) => x.id !== r.id));
    } catch (err) {
      void Taro.showModal({ title: '未能保存', content: err instanceof ApiError ? err.message : '请重试', showCancel: false });
      void load();
    }
  };

  if (!ok) return <View className='page' />;
  return (
    <ConsoleLayout active='triage' title='待分拣'>
    <View className='page admin console-legacy'>
      {loading && <Text className='hint'>加载中…</Text>}
      {!loading && items.length === 0 && <View className='banner ok'><Text>没有待分拣的诉求</Text></View>}
      {items.map((r) => {
        const top = r.classification?.top3 ?? [];
        return (
          <View key={r.id} className='card' data-testid='triage-item'>
            <View className='row'>
              <Text className='node-title'>{r.ticketNo}</Text>
              {r.urgent && <Text className='tag rejected' style={{ background: '#fdecee', color: '#a51d2d' }}>紧急</Text>}
            </View>
            <Text className='muted'>{formatTime(r.createdAt)} · {REASONS[r.triage?.reason ?? ''] ?? r.triage?.reason}{r.district ? ` · ${r.district.name}` : ''}</Text>
            <Text className='detail-desc' style={{ display: 'block', margin: '12px 0' }}>{r.description || '（无文字，见照片）'}</Text>
            {r.citizenCategory && <Text className='muted'>市民选择：{r.citizenCategory.name}</Text>}
            <View className='actions'>
              {top.map((s, i) => (
                <Button key={s.code} className={`btn small ${i === 0 ? '' : 'secondary'} suggest-btn`} onClick={() => void decide(r, s.code)} data-testid={i === 0 ? 'confirm-top' : undefined}>
                  {i === 0 ? '确认：' : ''}{s.parentName}/{s.name} {Math.round(s.probability * 100)}%
                </Button>
              ))}
              <Picker mode='selector' range={leaves.map((l) => `${l.parentName} / ${l.name}`)} onChange={(e) => void decide(r, leaves[Number(e.detail.value)].code)}>
                <Button className='btn small secondary'>其他分类…</Button>
              </Picker>
            </View>
          </View>
        );
      })}
    </View>
    </ConsoleLayout>
  );
}
