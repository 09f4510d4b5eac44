import { Picker, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useState } from 'react';
import type { CategoryNodeView, ReportView } from '@ssp/shared';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { admin } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { consoleApi } from '../../services/console';
import { ReportPhotos } from '../ReportPhotos';
import { CategoryChooser } from '../CategoryChooser';
import { withSorters } from '../tableSort';
import { ConsoleLayout, Pager, TableWrap } from '../ConsoleLayout';
import '../categories/categories.scss';
import { UrgencyBadges } from '../UrgencyBadges';

const REASONS: Record<string, string> = {
  low_confidence: '机器把握不足',
  citizen_disagrees: '与市民所选分类不一致',
  no_text: '随申拍未填文字、未选分类',
};
const REASON_OPTIONS = ['全部原因', ...Object.values(REASONS)];
const PAGE = 20;

type Row = ReportView & { reasonLabel: string; confidence: number };

/**
 * 待分拣: reports the classifier was not sure about. A table (oldest first,
 * the server's order) with the reason, the resident's own choice and the
 * model's top three as one-click decisions, or any other category.
 */
export default function TriageQueue() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<Row[]>([]);
  const [tree, setTree] = useState<CategoryNodeView[]>([]);
  /** the report whose category is being chosen from the whole tree (「其他分类…」) */
  const [choosing, setChoosing] = useState<Row | null>(null);
  const [saving, setSaving] = useState(false);
  const [chooserError, setChooserError] = useState('');
  const [loading, setLoading] = useState(true);
  const [reason, setReason] = useState(0);
  const [urgentOnly, setUrgentOnly] = useState(false);
  const [page, setPage] = useState(0);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    setLoading(true);
    const [queue, tree] = await Promise.all([admin.triage(), admin.tree()]);
    setItems(queue.items.map((r) => ({ ...r, reasonLabel: REASONS[r.triage?.reason ?? ''] ?? r.triage?.reason ?? '', confidence: r.classification?.confidence ?? 0 })));
    setTree(tree.categories);
    setLoading(false);
  }, []);
  useEffect(() => {
    if (ok) void load().catch(() => (setLoading(false), setError('加载失败')));
  }, [ok, load]);

  const decide = async (r: Row, code: string, label: string): Promise<boolean> => {
    setError('');
    try {
      await admin.decide(r.id, code);
      setItems((list) => list.filter((x) => x.id !== r.id));
      setNotice(`${r.ticketNo} 已归入「${label}」`);
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '未能保存，请重试');
      void load();
      return false;
    }
  };
  const decideChosen = async (code: string, label: string) => {
    if (!choosing) return;
    setSaving(true);
    setChooserError('');
    const done = await decide(choosing, code, label);
    setSaving(false);
    if (done) setChoosing(null);
    else setChooserError('未能保存，请看页面上的提示');
  };

  const shown = items.filter((r) => (reason === 0 || r.reasonLabel === REASON_OPTIONS[reason]) && (!urgentOnly || r.urgent));
  const pageRows = shown.slice(page * PAGE, (page + 1) * PAGE);

  const columns = [
    { key: 'ticketNo', title: '工单号', sorter: true, render: (r: Row) => <Text className='cell-link' onClick={() => void Taro.navigateTo({ url: `/admin/report/index?id=${r.id}` })}>{r.ticketNo}</Text> },
    { key: 'createdAt', title: '提交时间', sorter: true, render: (r: Row) => formatTime(r.createdAt) },
    { key: 'reasonLabel', title: '原因', sorter: true },
    { key: 'confidence', title: '把握', sorter: (a: Row, b: Row) => a.confidence - b.confidence, render: (r: Row) => `${Math.round(r.confidence * 100)}%` },
    { key: 'district', title: '区', render: (r: Row) => r.district?.name ?? '—' },
    {
      key: 'description',
      title: '内容',
      render: (r: Row) => (
        <View className='tk-desc' data-ticket={r.ticketNo}>
          <UrgencyBadges r={r} />
          <Text>{r.description || (r.media.length ? '（无文字，见照片）' : '（无文字）')}</Text>
          {/* A photo-only report is classified from its photo: show it here, no need to open the report. */}
          <ReportPhotos media={r.media} label={`${r.ticketNo} 的照片`} size='small' testId='triage-photo' fresh={async () => (await consoleApi.report(r.id)).report.media} />
          {r.citizenCategory && <Text className='muted-text'>市民选择：{r.citizenCategory.name}</Text>}
        </View>
      ),
    },
    {
      key: 'ops',
      title: '分拣',
      render: (r: Row) => (
        <View className='tr-suggest' data-testid='triage-item' data-ticket={r.ticketNo}>
          {(r.classification?.top3 ?? []).map((s, i) => (
            <View key={s.code} className={`tr-btn ${i === 0 ? 'top' : ''}`} role='button' onClick={() => void decide(r, s.code, s.name)} data-testid={i === 0 ? 'confirm-top' : undefined}>
              {i === 0 ? '确认：' : ''}{s.parentName} / {s.name} {Math.round(s.probability * 100)}%
            </View>
          ))}
          <View className='cell-link' role='button' onClick={() => (setChooserError(''), setChoosing(r))} data-testid='triage-other'>其他分类…</View>
        </View>
      ),
    },
  ];

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='triage' title='待分拣' actions={<Text className='cat-version'>{loading ? '加载中…' : `共 ${items.length} 条（最多显示最早的 50 条）`}</Text>}>
      <View className='filters'>
        <Picker mode='selector' range={REASON_OPTIONS} value={reason} onChange={(e) => (setReason(Number(e.detail.value)), setPage(0))}><View className='f-picker'>原因：{REASON_OPTIONS[reason]}</View></Picker>
        <View className={`f-check ${urgentOnly ? 'on' : ''}`} role='checkbox' aria-checked={urgentOnly} onClick={() => (setUrgentOnly(!urgentOnly), setPage(0))}>只看紧急</View>
        <View className='c-btn ghost' role='button' onClick={() => void load()}>刷新</View>
      </View>
      {notice && <View className='cat-notice' role='status'><Text>{notice}</Text></View>}
      {error && <Text className='error-text'>{error}</Text>}
      <TableWrap label='待分拣诉求'>
        <Table columns={withSorters(columns) as never} data={pageRows} bordered striped noData={<Text className='empty'>{loading ? '加载中…' : '没有待分拣的诉求'}</Text>} />
      </TableWrap>
      {choosing && (
        <CategoryChooser
          title={`为 ${choosing.ticketNo} 选择分类`}
          tree={tree}
          busy={saving}
          error={chooserError}
          onCancel={() => setChoosing(null)}
          onConfirm={(c) => void decideChosen(c.code, c.name)}
        />
      )}
      <Pager page={page} hasNext={(page + 1) * PAGE < shown.length} onPrev={() => setPage(page - 1)} onNext={() => setPage(page + 1)} />
    </ConsoleLayout>
  );
}
