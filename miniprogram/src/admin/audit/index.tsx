import { Input, Picker, Text, View } from '@tarojs/components';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useState } from 'react';
import { AUDIT_ACTIONS, shanghaiDate, type AuditEntryView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi, download } from '../../services/console';
import { formatTime } from '../../lib/format';
import { withSorters } from '../tableSort';
import { ConsoleLayout, CursorPager, TableWrap } from '../ConsoleLayout';
import { useAdminGuard } from '../useAdmin';

const ACTION_KEYS = Object.keys(AUDIT_ACTIONS) as (keyof typeof AUDIT_ACTIONS)[];
const ACTION_OPTIONS = ['全部操作', ...ACTION_KEYS.map((k) => AUDIT_ACTIONS[k])];

/** 操作日志: every staff write, newest first, filtered by actor, action, target and time; exported as CSV. */
export default function AuditPage() {
  const ok = useAdminGuard();
  const [actor, setActor] = useState('');
  const [target, setTarget] = useState('');
  const [action, setAction] = useState(0);
  const [from, setFrom] = useState('');
  const [items, setItems] = useState<AuditEntryView[]>([]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');

  const filters = useCallback(() => {
    const p = new URLSearchParams();
    if (actor.trim()) p.set('actor', actor.trim());
    if (target.trim()) p.set('target', target.trim());
    if (action > 0) p.set('action', ACTION_KEYS[action - 1]);
    if (from) p.set('from', new Date(`${from}T00:00:00+08:00`).toISOString());
    return p;
  }, [actor, target, action, from]);

  const load = useCallback(async (cursor: string | null, pageNo: number, stack: (string | null)[]) => {
    setError('');
    try {
      const p = filters();
      p.set('limit', '30');
      if (cursor) p.set('cursor', cursor);
      const res = await consoleApi.audit(p.toString());
      setItems(res.items);
      setNext(res.nextCursor);
      setPage(pageNo);
      setCursors(stack);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '加载失败');
    }
  }, [filters]);
  useEffect(() => {
    if (ok) void load(null, 0, [null]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ok]);

  const columns = [
    { key: 'at', title: '时间', sorter: true, render: (e: AuditEntryView) => formatTime(e.at) },
    { key: 'actor', title: '操作人', render: (e: AuditEntryView) => <Text data-testid='audit-actor'>{e.actor.name}</Text> },
    { key: 'action', title: '操作', sorter: true, render: (e: AuditEntryView) => <Text data-testid='audit-action' data-action={e.action}>{AUDIT_ACTIONS[e.action as keyof typeof AUDIT_ACTIONS] ?? e.action}</Text> },
    { key: 'target', title: '对象', render: (e: AuditEntryView) => e.target.label ?? e.target.id },
    { key: 'summary', title: '内容', render: (e: AuditEntryView) => <Text style={{ wordBreak: 'break-all' }}>{JSON.stringify(e.summary).slice(0, 120)}</Text> },
    { key: 'ip', title: '地址' },
  ];

  if (!ok) return <View />;
  return (
    <ConsoleLayout
      active='audit'
      title='操作日志'
      actions={<View className='c-btn ghost' role='button' onClick={() => void download(`/admin/audit/export?${filters().toString()}`, `操作日志-${shanghaiDate()}.csv`).catch((err) => setError(err.message))} data-testid='audit-export'>导出 CSV</View>}
    >
      <View className='filters'>
        <Input className='f-input' value={actor} placeholder='操作人姓名或账号 ID' onInput={(e) => setActor(e.detail.value)} data-testid='audit-actor-filter' />
        <Input className='f-input' value={target} placeholder='对象（工单号、分类编码…）' onInput={(e) => setTarget(e.detail.value)} />
        <Picker mode='selector' range={ACTION_OPTIONS} value={action} onChange={(e) => setAction(Number(e.detail.value))}><View className='f-picker'>{ACTION_OPTIONS[action]}</View></Picker>
        <Picker mode='date' value={from} onChange={(e) => setFrom(e.detail.value)}><View className='f-picker'>自：{from || '不限'}</View></Picker>
        <View className='c-btn' role='button' onClick={() => void load(null, 0, [null])} data-testid='audit-go'>查询</View>
      </View>
      {error && <Text className='error-text'>{error}</Text>}
      <TableWrap label='操作记录'>
        <Table columns={withSorters(columns) as never} data={items} bordered striped noData={<Text className='empty'>没有记录</Text>} />
      </TableWrap>
      <CursorPager page={page} cursors={cursors} next={next} load={load} />
    </ConsoleLayout>
  );
}
