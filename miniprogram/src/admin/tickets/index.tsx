import { Button, Image, Input, Text, Textarea, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { STATUS_LABELS, TRANSITIONS, type ReportRowView, type ReportStatus } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { absoluteUrl, choosePhotos, uploadImage } from '../../services/media';
import { staff } from '../../services/reports';
import { useAdminGuard } from '../useAdmin';
import { ConsoleLayout } from '../ConsoleLayout';
import '../admin.scss';

const ACTION_LABELS: Partial<Record<ReportStatus, string>> = {
  accepted: '受理',
  rejected: '不予受理',
  dispatched: '派单',
  in_progress: '开始办理',
  resolved: '办结答复',
  returned: '退回',
};
const NEEDS_TEXT: ReportStatus[] = ['rejected', 'resolved'];

/**
 * The `local` connector's pipeline: staff move tickets through the shared
 * state machine. Only the moves it allows from the current status are shown.
 */
export default function TicketConsole() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<ReportRowView[]>([]);
  const [open, setOpen] = useState<{ id: string; to: ReportStatus } | null>(null);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<{ id: string; previewUrl: string }[]>([]);
  const [error, setError] = useState('');
  const [mergeFor, setMergeFor] = useState<string | null>(null);
  const [mergeInto, setMergeInto] = useState('');

  const load = useCallback(async () => {
    setItems((await staff.queue('submitted,accepted,dispatched,in_progress,returned,reopened')).items);
    Taro.stopPullDownRefresh();
  }, []);
  useEffect(() => {
    if (ok) void load().catch(() => setError('加载失败'));
  }, [ok, load]);
  useDidShow(() => void (ok && load()));
  usePullDownRefresh(() => void load());

  const move = async (r: ReportRowView, to: ReportStatus) => {
    setError('');
    try {
      await staff.move(r.id, to, text || undefined, photos.map((p) => p.id));
      setOpen(null);
      setText('');
      setPhotos([]);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败');
    }
  };

  const merge = async (r: ReportRowView) => {
    setError('');
    try {
      await staff.merge(r.id, mergeInto.trim());
      setMergeFor(null);
      setMergeInto('');
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '合并失败');
    }
  };

  const addPhoto = async () => {
    const [path] = await choosePhotos(1).catch(() => []);
    if (!path) return;
    const media = await uploadImage(path);
    setPhotos((p) => [...p, { id: media.id, previewUrl: media.previewUrl }]);
  };

  if (!ok) return <View className='page' />;
  return (
    <ConsoleLayout active='tickets' title='工单处理'>
    <View className='page admin console-legacy'>
      {items.length === 0 && <View className='banner ok'><Text>没有待处理的工单</Text></View>}
      {items.map((r) => {
        const moves = TRANSITIONS[r.status].filter((t) => t.by.includes('admin') && ACTION_LABELS[t.to]).map((t) => t.to);
        return (
          <View key={r.id} className='card' data-testid='console-ticket' data-ticket={r.ticketNo}>
            <View className='row'>
              <Text className='node-title'>{r.ticketNo}</Text>
              <StatusTag status={r.status} />
            </View>
            <Text className='muted'>
              {formatTime(r.createdAt)} · {r.category ? `${r.category.parentName} / ${r.category.name}` : '待分拣'}{r.district ? ` · ${r.district.name}` : ''}{r.urgent ? ' · 紧急' : ''}
            </Text>
            <Text style={{ display: 'block', margin: '12px 0' }}>{r.description || '（随申拍照片）'}</Text>
            {open?.id === r.id ? (
              <View className='form'>
                <Text className='field-label'>{ACTION_LABELS[open.to]}{NEEDS_TEXT.includes(open.to) ? '（必填）' : '（可选说明）'}</Text>
                <Textarea className='textarea' value={text} onInput={(e) => setText(e.detail.value)} placeholder={open.to === 'resolved' ? '向市民说明处理结果' : '说明'} data-testid='console-text' />
                {open.to === 'resolved' && (
                  <View className='actions'>
                    {photos.map((p) => <Image key={p.id} src={absoluteUrl(p.previewUrl)} style={{ width: '120px', height: '120px', borderRadius: '8px' }} mode='aspectFill' />)}
                    <Button className='btn small secondary' onClick={() => void addPhoto()} data-testid='console-photo'>添加处理照片</Button>
                  </View>
                )}
                <View className='actions'>
                  <Button className='btn small' onClick={() => void move(r, open.to)} data-testid='console-confirm'>确认{ACTION_LABELS[open.to]}</Button>
                  <Button className='btn small secondary' onClick={() => (setOpen(null), setText(''), setPhotos([]))}>取消</Button>
                </View>
              </View>
            ) : (
              <View className='actions'>
                {moves.map((to) => (
                  <Button key={to} className={`btn small ${to === 'rejected' || to === 'returned' ? 'secondary' : ''}`} onClick={() => setOpen({ id: r.id, to })} data-testid={`console-${to}`}>
                    {ACTION_LABELS[to]}
                  </Button>
                ))}
                <Button className='btn small secondary' onClick={() => setMergeFor(mergeFor === r.id ? null : r.id)} data-testid='console-merge'>
                  合并为重复
                </Button>
              </View>
            )}
            {mergeFor === r.id && (
              <View className='form'>
                <Text className='field-label'>合并到工单号（该工单须仍在办理中）</Text>
                <Input className='input' value={mergeInto} onInput={(e) => setMergeInto(e.detail.value)} placeholder='如 SH20261129-000001' data-testid='console-merge-into' />
                <Button className='btn small' onClick={() => void merge(r)} data-testid='console-merge-confirm'>
                  确认合并
                </Button>
              </View>
            )}
            {r.supporters > 0 && <Text className='hint'>另有 {r.supporters} 位市民反映了同一问题</Text>}
            {r.status === 'reopened' && <Text className='hint'>市民申请重新办理：{STATUS_LABELS.reopened}</Text>}
          </View>
        );
      })}
      {error && <Text className='error-text'>{error}</Text>}
    </View>
    </ConsoleLayout>
  );
}
