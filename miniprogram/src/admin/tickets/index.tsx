import { Image, Input, Picker, Text, Textarea, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useState } from 'react';
import { SHANGHAI_DISTRICTS, STATUS_LABELS, TRANSITIONS, type ReportRowView, type ReportStatus } from '@ssp/shared';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { consoleApi } from '../../services/console';
import { absoluteUrl, choosePhotos, uploadImage } from '../../services/media';
import { staff } from '../../services/reports';
import { useAdminGuard } from '../useAdmin';
import { withSorters } from '../tableSort';
import { ConsoleLayout, CursorPager, TableWrap } from '../ConsoleLayout';
import '../categories/categories.scss';
import { UrgencyBadges } from '../UrgencyBadges';

const ACTION_LABELS: Partial<Record<ReportStatus, string>> = {
  accepted: '受理',
  rejected: '不予受理',
  dispatched: '派单',
  in_progress: '开始办理',
  resolved: '办结答复',
  returned: '退回',
};
const NEEDS_TEXT: ReportStatus[] = ['rejected', 'resolved'];
/** The statuses a ticket is worked in (the `local` connector's queue). */
const WORK_STATUSES: ReportStatus[] = ['submitted', 'accepted', 'dispatched', 'in_progress', 'returned', 'reopened'];
const STATUS_OPTIONS = ['全部在办', ...WORK_STATUSES.map((s) => STATUS_LABELS[s])];
const DISTRICT_OPTIONS = ['全部区', ...SHANGHAI_DISTRICTS.map((d) => d.name)];
const PAGE = 50;

/**
 * 工单处理, the `local` connector's pipeline: open tickets as a filtered,
 * sortable, paged table; each row offers only the moves the shared state
 * machine allows from its status, plus 合并为重复. The forms open in the row.
 */
export default function TicketConsole() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<ReportRowView[]>([]);
  const [status, setStatus] = useState(0);
  const [district, setDistrict] = useState(0);
  const [q, setQ] = useState('');
  const [flags, setFlags] = useState({ urgent: false, overdue: false, oldest: false });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string; to: ReportStatus } | null>(null);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<{ id: string; previewUrl: string }[]>([]);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [mergeFor, setMergeFor] = useState<string | null>(null);
  const [mergeInto, setMergeInto] = useState('');

  const query = useCallback((cursor: string | null) => {
    const p = new URLSearchParams();
    p.set('status', status > 0 ? WORK_STATUSES[status - 1] : WORK_STATUSES.join(','));
    if (district > 0) p.set('district', SHANGHAI_DISTRICTS[district - 1].code);
    if (q.trim()) p.set('q', q.trim());
    if (flags.urgent) p.set('urgent', '1');
    if (flags.overdue) p.set('overdue', '1');
    if (flags.oldest) p.set('sort', 'asc');
    p.set('limit', String(PAGE));
    if (cursor) p.set('cursor', cursor);
    return p.toString();
  }, [status, district, q, flags]);

  const load = useCallback(async (cursor: string | null = null, pageNo = 0, stack: (string | null)[] = [null]) => {
    const res = await consoleApi.search(query(cursor));
    setItems(res.items);
    setNext(res.nextCursor);
    setPage(pageNo);
    setCursors(stack);
  }, [query]);
  const reload = () => load(cursors[page] ?? null, page, cursors);

  useEffect(() => {
    if (ok) void load().catch(() => setError('加载失败'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ok, status, district, flags]);
  useDidShow(() => void (ok && reload().catch(() => {})));

  const move = async (r: ReportRowView, to: ReportStatus) => {
    setError('');
    try {
      await staff.move(r.id, to, text || undefined, photos.map((p) => p.id));
      setOpen(null);
      setText('');
      setPhotos([]);
      setNotice(`${r.ticketNo} 已${ACTION_LABELS[to]}`);
      await reload();
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
      setNotice(`${r.ticketNo} 已合并到 ${mergeInto.trim()}`);
      await reload();
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

  const actions = (r: ReportRowView) => {
    const moves = TRANSITIONS[r.status].filter((t) => t.by.includes('admin') && ACTION_LABELS[t.to]).map((t) => t.to);
    return (
      <View className='tk-ops' data-testid='console-ticket' data-ticket={r.ticketNo}>
        {r.status === 'reopened' && <Text className='badge amber'>市民申请重新办理</Text>}
        {open?.id === r.id ? (
          <View className='tk-form'>
            <Text className='cf-label'>{ACTION_LABELS[open.to]}{NEEDS_TEXT.includes(open.to) ? '（必填）' : '（可选说明）'}</Text>
            <Textarea className='f-input tk-textarea' value={text} onInput={(e) => setText(e.detail.value)} placeholder={open.to === 'resolved' ? '向市民说明处理结果' : '说明'} data-testid='console-text' {...({ 'aria-label': `${ACTION_LABELS[open.to]}说明` } as object)} />
            {open.to === 'resolved' && (
              <View className='form-row'>
                {photos.map((p) => <Image key={p.id} src={absoluteUrl(p.previewUrl)} className='tk-photo' mode='aspectFill' />)}
                <View className='cell-link' role='button' onClick={() => void addPhoto()} data-testid='console-photo'>添加处理照片</View>
              </View>
            )}
            <View className='form-row'>
              <View className='c-btn' role='button' onClick={() => void move(r, open.to)} data-testid='console-confirm'>确认{ACTION_LABELS[open.to]}</View>
              <View className='c-btn ghost' role='button' onClick={() => (setOpen(null), setText(''), setPhotos([]))}>取消</View>
            </View>
          </View>
        ) : (
          <View className='cat-ops'>
            {moves.map((to) => (
              <View key={to} className={`cell-link ${to === 'rejected' || to === 'returned' ? 'danger' : ''}`} role='button' onClick={() => (setMergeFor(null), setOpen({ id: r.id, to }))} data-testid={`console-${to}`}>
                {ACTION_LABELS[to]}
              </View>
            ))}
            <View className='cell-link' role='button' onClick={() => (setOpen(null), setMergeFor(mergeFor === r.id ? null : r.id))} data-testid='console-merge'>合并为重复</View>
          </View>
        )}
        {mergeFor === r.id && (
          <View className='tk-form'>
            <Text className='cf-label'>合并到工单号（该工单须仍在办理中）</Text>
            <Input className='f-input' value={mergeInto} onInput={(e) => setMergeInto(e.detail.value)} placeholder='如 SH20261129-000001' data-testid='console-merge-into' {...({ 'aria-label': '合并到的工单号' } as object)} />
            <View className='form-row'>
              <View className='c-btn' role='button' onClick={() => void merge(r)} data-testid='console-merge-confirm'>确认合并</View>
              <View className='c-btn ghost' role='button' onClick={() => setMergeFor(null)}>取消</View>
            </View>
          </View>
        )}
      </View>
    );
  };

  const columns = [
    { key: 'ticketNo', title: '工单号', sorter: true, render: (r: ReportRowView) => <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: `/admin/report/index?id=${r.id}` })}>{r.ticketNo}</Text> },
    { key: 'createdAt', title: '提交时间', sorter: true, render: (r: ReportRowView) => formatTime(r.createdAt) },
    { key: 'statusLabel', title: '状态', sorter: true, render: (r: ReportRowView) => <Text className={`badge ${r.status === 'reopened' || r.status === 'returned' ? 'amber' : ''}`}>{r.statusLabel}</Text> },
    { key: 'category', title: '分类', render: (r: ReportRowView) => (r.category ? `${r.category.parentName ?? ''} / ${r.category.name}` : '待分拣') },
    { key: 'district', title: '区', render: (r: ReportRowView) => r.district?.name ?? '需人工派单' },
    {
      key: 'description',
      title: '内容',
      render: (r: ReportRowView) => (
        <View className='tk-desc'>
          <Text>{r.kind === 'snap' ? '[随申拍] ' : ''}{(r.description || '（随申拍照片）').slice(0, 60)}</Text>
          {r.supporters > 0 && <Text className='muted-text'>另有 {r.supporters} 位市民反映了同一问题</Text>}
        </View>
      ),
    },
    { key: 'flags', title: '标记', render: (r: ReportRowView) => <View><UrgencyBadges r={r} />{r.overdue && <Text className='badge amber'>超期</Text>}</View> },
    { key: 'dueAt', title: '办理时限', sorter: true, render: (r: ReportRowView) => (r.dueAt ? formatTime(r.dueAt) : '—') },
    { key: 'ops', title: '操作', render: actions },
  ];

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='tickets' title='工单处理' actions={<View className='c-btn ghost' role='button' onClick={() => void reload()}>刷新</View>}>
      <View className='filters'>
        <Input className='f-input' value={q} placeholder='工单号或内容关键词' onInput={(e) => setQ(e.detail.value)} onConfirm={() => void load()} {...({ 'aria-label': '工单号或内容关键词' } as object)} />
        <Picker mode='selector' range={STATUS_OPTIONS} value={status} onChange={(e) => setStatus(Number(e.detail.value))}><View className='f-picker'>状态：{STATUS_OPTIONS[status]}</View></Picker>
        <Picker mode='selector' range={DISTRICT_OPTIONS} value={district} onChange={(e) => setDistrict(Number(e.detail.value))}><View className='f-picker'>区：{DISTRICT_OPTIONS[district]}</View></Picker>
        {([['urgent', '紧急'], ['overdue', '超期'], ['oldest', '最早的在前']] as const).map(([k, label]) => (
          <View key={k} className={`f-check ${flags[k] ? 'on' : ''}`} role='checkbox' aria-checked={flags[k]} onClick={() => setFlags({ ...flags, [k]: !flags[k] })}>{label}</View>
        ))}
        <View className='c-btn' role='button' onClick={() => void load()}>查询</View>
      </View>
      {notice && <View className='cat-notice' role='status'><Text>{notice}</Text></View>}
      {error && <Text className='error-text' data-testid='tickets-error'>{error}</Text>}
      <TableWrap label='待办工单'>
        <Table columns={withSorters(columns) as never} data={items} bordered striped noData={<Text className='empty'>没有待处理的工单</Text>} />
      </TableWrap>
      <CursorPager page={page} cursors={cursors} next={next} load={load} />
    </ConsoleLayout>
  );
}
