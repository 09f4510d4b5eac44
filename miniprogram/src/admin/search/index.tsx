import { Input, Picker, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { REPORT_STATUSES, SHANGHAI_DISTRICTS, STATUS_LABELS, URGENCY_LABELS, URGENCY_LEVELS, shanghaiDate, type CategoryNodeView, type ReportRowView, type ReportStatus, type Urgency } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi, download } from '../../services/console';
import { formatTime } from '../../lib/format';
import { withSorters } from '../tableSort';
import { ConsoleLayout, CursorPager, TableWrap } from '../ConsoleLayout';
import { useAdminGuard } from '../useAdmin';
import { OPEN, parseSearchLink, sameStatuses } from './searchLink';
import { UrgencyBadges } from '../UrgencyBadges';

const ANY = '全部';
/** 未办结 (every open status) is what 工作台's 办理中的诉求 opens; a single status follows. */
const OPEN_LABEL = '未办结';
const STATUS_CHOICES: ReportStatus[][] = [[], OPEN, ...REPORT_STATUSES.map((s) => [s])];
const KIND_OPTIONS = [ANY, '诉求', '随申拍'];

/** 诉求检索: filters → the server's search (cursor paging, newest first); the current result exports as XLSX or CSV. */
export default function SearchPage() {
  const ok = useAdminGuard();
  // The page opens on the filters its URL asks for (工作台's figures link here with theirs); bad values are dropped.
  const { params } = useRouter();
  const initial = useMemo(() => parseSearchLink(params), []); // eslint-disable-line react-hooks/exhaustive-deps
  const [q, setQ] = useState(initial.q ?? '');
  const [statuses, setStatuses] = useState<ReportStatus[]>(initial.status ?? []);
  const [kind, setKind] = useState(initial.kind === 'complaint' ? 1 : initial.kind === 'snap' ? 2 : 0);
  const [district, setDistrict] = useState(initial.district ? SHANGHAI_DISTRICTS.findIndex((d) => d.code === initial.district) + 1 : 0);
  // A category code, '' for any: the tree loads after the page, the code is kept meanwhile.
  const [category, setCategory] = useState(initial.category ?? '');
  const [zone, setZone] = useState(0);
  const [zones, setZones] = useState<{ id: string; title: string }[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [flags, setFlags] = useState({ overdue: initial.overdue ?? false, unsatisfied: initial.unsatisfied ?? false });
  // 紧急程度: none ticked is no filter; 紧急 + 次紧急 answers a dispatcher's "what must be done today".
  const [levels, setLevels] = useState<Urgency[]>(initial.urgency ?? []);
  const [categories, setCategories] = useState<{ code: string; label: string }[]>([]);
  const [rows, setRows] = useState<ReportRowView[]>([]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // A text search examines a bounded number of the newest reports per page (the server says when it stopped).
  const [scanNote, setScanNote] = useState('');

  const districtOptions = [ANY, ...SHANGHAI_DISTRICTS.map((d) => d.name)];
  // The 状态 picker: 全部, 未办结, each status; a list from a URL that is none of these shows as one more choice.
  let statusIndex = STATUS_CHOICES.findIndex((c) => sameStatuses(c, statuses));
  const statusChoices = statusIndex < 0 ? [...STATUS_CHOICES, statuses] : STATUS_CHOICES;
  if (statusIndex < 0) statusIndex = STATUS_CHOICES.length;
  const statusOptions = statusChoices.map((c, i) => (i === 0 ? ANY : i === 1 ? OPEN_LABEL : c.map((s) => STATUS_LABELS[s]).join('、')));
  const categoryIndex = categories.findIndex((c) => c.code === category) + 1;
  const filters = useCallback(() => {
    const p = new URLSearchParams();
    if (q.trim()) p.set('q', q.trim());
    if (statuses.length) p.set('status', REPORT_STATUSES.filter((s) => statuses.includes(s)).join(','));
    if (kind > 0) p.set('kind', kind === 1 ? 'complaint' : 'snap');
    if (district > 0) p.set('district', SHANGHAI_DISTRICTS[district - 1].code);
    if (category) p.set('category', category);
    if (from) p.set('from', new Date(`${from}T00:00:00+08:00`).toISOString());
    if (to) p.set('to', new Date(`${to}T23:59:59+08:00`).toISOString());
    if (zone > 0 && zones[zone - 1]) p.set('zone', zones[zone - 1].id);
    // In the levels' own order, whatever the order they were ticked in (one URL per choice).
    if (levels.length) p.set('urgency', URGENCY_LEVELS.filter((l) => levels.includes(l)).join(','));
    if (flags.overdue) p.set('overdue', '1');
    if (flags.unsatisfied) p.set('rating', 'unsatisfied');
    return p;
  }, [q, statuses, kind, district, category, zone, zones, from, to, levels, flags]);

  const load = useCallback(async (cursor: string | null, pageNo: number, stack: (string | null)[]) => {
    setBusy(true);
    setError('');
    try {
      const p = filters();
      p.set('limit', '20');
      if (cursor) p.set('cursor', cursor);
      const res = await consoleApi.search(p.toString());
      setRows(res.items);
      setNext(res.nextCursor);
      setScanNote(res.scanLimited ? `本页已检索 ${res.scanLimited.examined.toLocaleString('zh-CN')} 条诉求（至 ${formatTime(res.scanLimited.until)}），更早的诉求中可能还有匹配，点“下一页”继续检索` : '');
      setPage(pageNo);
      setCursors(stack);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '查询失败');
    } finally {
      setBusy(false);
    }
  }, [filters]);

  // A category from the URL that the tree does not know is dropped, as any bad value is.
  const [categoryChecked, setCategoryChecked] = useState(!initial.category);
  useEffect(() => {
    if (!ok) return;
    if (categoryChecked) void load(null, 0, [null]);
    void consoleApi.categories().then((tree) => {
      const list: { code: string; label: string }[] = [];
      const walk = (nodes: CategoryNodeView[], depth: number) => nodes.forEach((n) => (list.push({ code: n.code, label: `${depth ? '　' : ''}${n.name}` }), walk(n.children ?? [], depth + 1)));
      walk(tree.categories, 0);
      setCategories(list);
      if (initial.category && !list.some((c) => c.code === initial.category)) setCategory('');
    }).catch(() => setCategory('')).finally(() => setCategoryChecked(true));
    void consoleApi.zones().then((res) => setZones(res.items.map((z) => ({ id: z.id, title: z.title })))).catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ok]);
  // With a category in the URL the first search waits for the tree (above), then runs with the checked filters.
  useEffect(() => {
    if (ok && initial.category && categoryChecked) void load(null, 0, [null]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ok, categoryChecked]);

  const exportAs = async (format: 'xlsx' | 'csv') => {
    setError('');
    try {
      const p = filters();
      p.set('format', format);
      await download(`/admin/reports/export?${p.toString()}`, `诉求-${shanghaiDate()}.${format}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '导出失败');
    }
  };

  const columns = [
    { key: 'ticketNo', title: '工单号', sorter: true, render: (r: ReportRowView) => <Text className='cell-link' data-testid='search-row' data-ticket={r.ticketNo} onClick={() => void Taro.navigateTo({ url: `/admin/report/index?id=${r.id}` })}>{r.ticketNo}</Text> },
    { key: 'createdAt', title: '提交时间', sorter: true, render: (r: ReportRowView) => formatTime(r.createdAt) },
    { key: 'statusLabel', title: '状态', sorter: true },
    { key: 'category', title: '分类', render: (r: ReportRowView) => (r.category ? `${r.category.parentName ?? ''} / ${r.category.name}` : '待分拣') },
    { key: 'district', title: '区', render: (r: ReportRowView) => <Text data-testid='row-district'>{r.district?.name ?? '—'}</Text> },
    { key: 'zone', title: '专区', render: (r: ReportRowView) => <Text data-testid='row-zone'>{r.zone?.title ?? '—'}</Text> },
    { key: 'description', title: '内容', render: (r: ReportRowView) => `${r.kind === 'snap' ? '[随申拍] ' : ''}${r.description.slice(0, 40)}` },
    { key: 'flags', title: '标记', render: (r: ReportRowView) => <View><UrgencyBadges r={r} />{r.overdue && <Text className='badge amber'>超期</Text>}{r.rating === 'unsatisfied' && <Text className='badge'>不满意</Text>}</View> },
  ];

  if (!ok) return <View />;
  return (
    <ConsoleLayout
      active='search'
      title='诉求检索'
      actions={<>
        <View className='c-btn' role='button' onClick={() => void exportAs('xlsx')} data-testid='export-xlsx'>导出 Excel</View>
        <View className='c-btn ghost' role='button' onClick={() => void exportAs('csv')} data-testid='export-csv'>导出 CSV</View>
      </>}
    >
      <View className='filters'>
        <Input className='f-input' value={q} placeholder='工单号或内容关键词' onInput={(e) => setQ(e.detail.value)} onConfirm={() => void load(null, 0, [null])} data-testid='search-q' />
        <Picker mode='selector' range={statusOptions} value={statusIndex} onChange={(e) => setStatuses(statusChoices[Number(e.detail.value)] ?? [])}><View className='f-picker' data-testid='search-status'>状态：{statusOptions[statusIndex]}</View></Picker>
        <Picker mode='selector' range={[ANY, ...categories.map((c) => c.label)]} value={categoryIndex} onChange={(e) => setCategory(categories[Number(e.detail.value) - 1]?.code ?? '')}><View className='f-picker'>分类：{categoryIndex ? categories[categoryIndex - 1]?.label.trim() : ANY}</View></Picker>
        <Picker mode='selector' range={districtOptions} value={district} onChange={(e) => setDistrict(Number(e.detail.value))}><View className='f-picker'>区：{districtOptions[district]}</View></Picker>
        {zones.length > 0 && <Picker mode='selector' range={[ANY, ...zones.map((z) => z.title)]} value={zone} onChange={(e) => setZone(Number(e.detail.value))}><View className='f-picker' data-testid='search-zone'>专区：{zone ? zones[zone - 1]?.title : ANY}</View></Picker>}
        <Picker mode='selector' range={KIND_OPTIONS} value={kind} onChange={(e) => setKind(Number(e.detail.value))}><View className='f-picker'>类型：{KIND_OPTIONS[kind]}</View></Picker>
        <Picker mode='date' value={from} onChange={(e) => setFrom(e.detail.value)}><View className='f-picker'>起：{from || '不限'}</View></Picker>
        <Picker mode='date' value={to} onChange={(e) => setTo(e.detail.value)}><View className='f-picker'>止：{to || '不限'}</View></Picker>
        {/* 紧急程度 replaces the former 紧急 flag (which sent urgent=1, still accepted by the server): the levels are
            checkboxes in a named group, so a screen reader says 「紧急程度」 before 紧急 / 次紧急 / 普通. */}
        <View className='f-group' {...({ role: 'group', 'aria-labelledby': 'search-urgency-label' } as object)} data-testid='search-urgency'>
          <Text className='f-group-label' id='search-urgency-label'>紧急程度</Text>
          {URGENCY_LEVELS.map((l) => (
            <View key={l} className={`f-check ${levels.includes(l) ? 'on' : ''}`} role='checkbox' aria-checked={levels.includes(l)} onClick={() => setLevels(levels.includes(l) ? levels.filter((x) => x !== l) : [...levels, l])} data-testid={`urgency-${l}`}>{URGENCY_LABELS[l]}</View>
          ))}
        </View>
        {([['overdue', '超期'], ['unsatisfied', '评价不满意']] as const).map(([k, label]) => (
          <View key={k} className={`f-check ${flags[k] ? 'on' : ''}`} role='checkbox' aria-checked={flags[k]} onClick={() => setFlags({ ...flags, [k]: !flags[k] })} data-testid={`search-${k}`}>{label}</View>
        ))}
        <View className='c-btn' role='button' onClick={() => void load(null, 0, [null])} data-testid='search-go'>{busy ? '查询中…' : '查询'}</View>
      </View>
      {error && <Text className='error-text' data-testid='search-error'>{error}</Text>}
      {scanNote && <Text className='muted-text' data-testid='search-scan-limited'>{scanNote}</Text>}
      <TableWrap label='检索结果'>
        <Table columns={withSorters(columns) as never} data={rows} bordered striped noData={<Text className='empty'>没有符合条件的诉求</Text>} />
      </TableWrap>
      <CursorPager page={page} cursors={cursors} next={next} load={load} />
    </ConsoleLayout>
  );
}
