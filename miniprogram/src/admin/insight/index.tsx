import { Input, Picker, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { INSIGHT_TOOLTIPS, SHANGHAI_DISTRICTS, STATUS_LABELS, type ReportStatus } from '@ssp/shared';
import { ApiError, currentSession } from '../../services/api';
import { categoryTree } from '../../services/categories';
import { insight, type Blocker, type HotspotSettings, type HotspotView, type ListedReport, type Overview, type Trends, type TrendItem } from '../../services/insight';
import { ConsoleLayout } from '../ConsoleLayout';
import { formatTime } from '../../lib/format';
import { can, useAdminGuard } from '../useAdmin';
import { Chart } from './Chart';
import { InfoTip, useTip } from '../../components/InfoTip';
import { exportCsv } from './csv';
import '../admin.scss';
import './insight.scss';

type Cell = string | number | null;
const IS_H5 = process.env.TARO_ENV === 'h5';
const pct = (n: number | null | undefined) => (n == null ? '—' : `${(n * 100).toFixed(1)}%`);
const num = (n: number | null | undefined, unit = '') => (n == null ? '—' : `${n}${unit}`);
const signed = (n: number | null) => (n == null ? '—' : `${n > 0 ? '+' : ''}${(n * 100).toFixed(0)}%`);
const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const minusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const time = formatTime;
const PERIODS = [7, 30, 90, 365];
/** The district choices; for a district-scoped account, the others are marked (the server refuses them with a clear message). */
function districtOptions(scope: string[] | undefined) {
  const all = scope?.length ? '全部（所辖区）' : '全部区';
  return [{ code: '', name: all }, ...SHANGHAI_DISTRICTS.map((d) => ({ code: d.code as string, name: scope?.length && !scope.includes(d.code) ? `${d.name}（无权限）` : d.name }))];
}

/**
 * A figure with the sentence that says what it counts: the whole card is the button (tap, click, Enter/Space;
 * keyboard focus opens it too), the sentence shows under the figure.
 */
function Metric({ label, value, sub, tip, testId }: { label: string; value: string; sub?: string; tip: string; testId?: string }) {
  const { open, id, trigger } = useTip();
  return (
    <View className='insight-metric' data-testid={testId} {...(trigger as object)}>
      <Text className='insight-metric-label'>{label} ⓘ</Text>
      <Text className='insight-metric-value'>{value}</Text>
      {sub && <Text className='muted'>{sub}</Text>}
      <Text className={`insight-tip${open ? '' : ' insight-tip-closed'}`} id={id} data-testid={testId ? `${testId}-tip` : undefined}>
        {tip}
      </Text>
    </View>
  );
}

/** A panel with a chart and its table view; both export the same rows to CSV. `headerTips`: a column's tooltip, by its header. */
function Panel(props: { title: string; tip: string; testId: string; header: string[]; rows: Cell[][]; chart?: ReactNode; csvName: string; onRow?: (i: number) => void; extra?: ReactNode; headerTips?: Record<string, string> }) {
  const [asTable, setAsTable] = useState(!IS_H5 || !props.chart);
  return (
    <View className='card insight-panel' data-testid={props.testId}>
      <View className='insight-panel-head'>
        {/* The explanation is printed under the title (insight-panel-tip): no hover-only copy of it here. */}
        <Text className='card-title'>{props.title}</Text>
        <View className='insight-panel-actions'>
          {IS_H5 && props.chart && (
            <Text className='insight-link' onClick={() => setAsTable(!asTable)} data-testid={`${props.testId}-toggle`}>
              {asTable ? '图表' : '表格'}
            </Text>
          )}
          <Text className='insight-link' onClick={() => exportCsv(props.csvName, props.header, props.rows)} data-testid={`${props.testId}-csv`}>
            导出 CSV
          </Text>
        </View>
      </View>
      <Text className='muted insight-panel-tip'>{props.tip}</Text>
      {props.extra}
      {!asTable && props.chart}
      {asTable && (
        <View className='insight-table' data-testid={`${props.testId}-table`}>
          <View className='insight-tr insight-th'>
            {props.header.map((h) => (
              <Text key={h} className='insight-td'>
                {h}
                {props.headerTips?.[h] && <InfoTip text={props.headerTips[h]} label={`${h}：说明`} testId={`${props.testId}-tip-${h}`} />}
              </Text>
            ))}
          </View>
          {props.rows.length === 0 && <Text className='muted'>没有数据</Text>}
          {props.rows.map((r, i) => (
            <View key={i} className={`insight-tr${props.onRow ? ' clickable' : ''}`} onClick={() => props.onRow?.(i)}>
              {r.map((c, k) => (
                <Text key={k} className='insight-td'>{c ?? '—'}</Text>
              ))}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

/** A status code in Chinese (the console's labels). */
const statusName = (s: string | null) => (s ? (STATUS_LABELS[s as ReportStatus] ?? s) : '—');
const openReport = (id: string) => void Taro.navigateTo({ url: `/admin/report/index?id=${id}` });

/** The reports of a 堵点 or a hotspot: ticket number (opens the report's console page), category, time, status. */
function ReportList(props: { title: string; testId: string; total: number; items: (ListedReport & { rating?: string | null })[]; onClose: () => void }) {
  const { total, items } = props;
  return (
    <View className='card insight-reports' data-testid={props.testId}>
      <View className='insight-panel-head'>
        <Text className='card-title'>
          {props.title}：共 {total} 件{total > items.length ? `，下面是最新的 ${items.length} 件` : ''}
        </Text>
        <Text className='insight-link' onClick={props.onClose} data-testid={`${props.testId}-close`}>
          收起
        </Text>
      </View>
      <View className='insight-table'>
        <View className='insight-tr insight-th'>
          {['工单号', '分类', '提交时间', '状态'].map((h) => (
            <Text key={h} className='insight-td'>{h}</Text>
          ))}
        </View>
        {items.map((r) => (
          <View key={r.id} className='insight-tr'>
            <Text className='insight-td insight-link' onClick={() => openReport(r.id)} data-testid='listed-report'>
              {r.ticketNo ?? r.id}
            </Text>
            <Text className='insight-td'>{r.category?.name ?? '—'}</Text>
            <Text className='insight-td'>{time(r.createdAt)}</Text>
            <Text className='insight-td'>
              {statusName(r.status)}
              {r.rating ? ` · ${RATING_NAMES[r.rating] ?? r.rating}` : ''}
            </Text>
          </View>
        ))}
      </View>
    </View>
  );
}
const RATING_NAMES: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

const SETTING_FIELDS: { key: keyof HotspotSettings; label: string; unit: string }[] = [
  { key: 'minReports', label: '最少件数', unit: '件' },
  { key: 'radiusM', label: '半径', unit: '米' },
  { key: 'windowHours', label: '时间窗', unit: '小时' },
];

/** The hotspot rule: admins change it here (saved through PUT …/settings, audited); analysts see it read-only. */
function HotspotSettingsCard({ tip }: { tip: string }) {
  const editable = can('admin');
  const [saved, setSaved] = useState<HotspotSettings | null>(null);
  const [draft, setDraft] = useState<Record<keyof HotspotSettings, string>>({ minReports: '', radiusM: '', windowHours: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const show = (v: HotspotSettings) => {
    setSaved(v);
    setDraft({ minReports: String(v.minReports), radiusM: String(v.radiusM), windowHours: String(v.windowHours) });
  };
  useEffect(() => {
    void insight.settings().then(show, () => setMessage('热点规则加载失败'));
  }, []);
  const save = async () => {
    setErrors({});
    setMessage('');
    // Sent as typed (an empty or non-numeric field as null): the API says what is wrong with each, in Chinese.
    const num = (v: string) => (v.trim() === '' || Number.isNaN(Number(v)) ? null : Number(v));
    try {
      show(await insight.updateSettings({ minReports: num(draft.minReports), radiusM: num(draft.radiusM), windowHours: num(draft.windowHours) } as unknown as HotspotSettings));
      setMessage('已保存，新规则用于此后收到的诉求');
    } catch (e) {
      if (e instanceof ApiError) {
        setErrors(e.fieldErrors());
        setMessage(e.message);
      } else setMessage('保存失败');
    }
  };
  return (
    <View className='card insight-settings' data-testid='hotspot-settings'>
      <Text className='card-title'>热点规则</Text>
      <Text className='muted insight-panel-tip'>{tip}</Text>
      {!editable && saved && (
        <Text data-testid='hotspot-settings-readonly'>
          {saved.radiusM} 米内、{saved.windowHours} 小时内同一一级分类满 {saved.minReports} 件（只有管理员可以修改）
        </Text>
      )}
      {editable && (
        <View className='insight-settings-form'>
          {SETTING_FIELDS.map((f) => (
            <View key={f.key} className='insight-settings-field'>
              <Text className='insight-settings-label' id={`hs-${f.key}`}>
                {f.label}（{f.unit}）
              </Text>
              <Input
                className='f-input'
                type='number'
                value={draft[f.key]}
                onInput={(e) => setDraft({ ...draft, [f.key]: e.detail.value })}
                data-testid={`hotspot-${f.key}`}
                // The name must reach the inner <input>: Taro's H5 Input (taro-input-core) keeps attributes on its
                // wrapper and hands only `nativeProps` to the <input>. aria-labelledby or aria-label on the wrapper left
                // the field unnamed (axe: label, critical); the other console inputs pass through their placeholder.
                {...({ 'aria-label': `${f.label}（${f.unit}）`, nativeProps: { 'aria-label': `${f.label}（${f.unit}）` } } as object)}
              />
              {errors[f.key] && (
                <Text className='insight-field-error' data-testid={`hotspot-${f.key}-error`}>
                  {errors[f.key]}
                </Text>
              )}
            </View>
          ))}
          <View className='c-btn' role='button' onClick={() => void save()} data-testid='hotspot-settings-save'>
            保存
          </View>
        </View>
      )}
      {message && (
        <Text className={Object.keys(errors).length ? 'insight-field-error' : 'muted'} data-testid='hotspot-settings-message' {...({ role: 'status' } as object)}>
          {message}
        </Text>
      )}
    </View>
  );
}

/** The category filter's choices: all, then each first-level category followed by its second-level ones. */
function useCategoryOptions() {
  const [options, setOptions] = useState<{ code: string; name: string; label: string; parent: string | null }[]>([{ code: '', name: '全部分类', label: '全部分类', parent: null }]);
  useEffect(() => {
    void categoryTree().then(
      (tree) =>
        setOptions([
          { code: '', name: '全部分类', label: '全部分类', parent: null },
          ...tree.categories.flatMap((f) => [
            { code: f.code, name: f.name, label: `${f.name}（全部）`, parent: null },
            ...(f.children ?? []).map((c) => ({ code: c.code, name: c.name, label: `\u3000${f.name} › ${c.name}`, parent: f.code as string | null })),
          ]),
        ]),
      () => {},
    );
  }, []);
  return options;
}

export default function InsightDashboard() {
  const ok = useAdminGuard();
  const DISTRICT_OPTIONS = useMemo(() => districtOptions(currentSession()?.user.districts), []);
  const [days, setDays] = useState(30);
  // `?district=` opens the page on one district (a link someone shared).
  const params = useRouter().params;
  const [district, setDistrict] = useState(params.district ?? '');
  const [category, setCategory] = useState(params.category ?? '');
  const CATEGORY_OPTIONS = useCategoryOptions();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [blockers, setBlockers] = useState<Blocker[]>([]);
  const [hotspots, setHotspots] = useState<HotspotView[]>([]);
  const [hotspotsFirstLevel, setHotspotsFirstLevel] = useState<string | null>(null);
  const [trends, setTrends] = useState<Pick<Trends, 'rising' | 'falling' | 'risingYear' | 'fallingYear'>>({ rising: [], falling: [], risingYear: [], fallingYear: [] });
  const [alerts, setAlerts] = useState<HotspotView[]>([]);
  const [zone, setZone] = useState('');
  const [zones, setZones] = useState<{ id: string; title: string }[]>([]);
  const [geoJson, setGeoJson] = useState<unknown>(null);
  const [pair, setPair] = useState<{ blocker: Blocker; total: number; items: (ListedReport & { rating: string | null })[] } | null>(null);
  /** A hotspot's reports, shown where it was opened: under the alerts or under the 热点 table. */
  const [spot, setSpot] = useState<{ hotspot: HotspotView; total: number; items: ListedReport[]; at: 'alerts' | 'table' } | null>(null);
  const [error, setError] = useState('');

  const to = shanghaiToday();
  const from = minusDays(to, days - 1);
  const filter = useMemo(() => ({ from, to, district: district || undefined, category: category || undefined, zone: zone || undefined }), [from, to, district, category, zone]);
  const zoneOptions = [{ id: '', title: '全部渠道' }, ...zones];

  const load = useCallback(async () => {
    setError('');
    try {
      const [o, b, h, t, a] = await Promise.all([insight.overview(filter), insight.blockers(filter), insight.hotspots(filter), insight.trends(filter), insight.alerts()]);
      setOverview(o);
      setBlockers(b.items);
      setHotspots(h.items);
      setHotspotsFirstLevel(h.firstLevel);
      setTrends({ rising: t.rising, falling: t.falling, risingYear: t.risingYear, fallingYear: t.fallingYear });
      setAlerts(a.items);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '加载失败');
      setOverview(null);
      setBlockers([]);
      setHotspots([]);
    }
  }, [filter]);
  useEffect(() => {
    if (ok) void load();
  }, [ok, load]);
  useEffect(() => {
    if (ok) void insight.zones().then((z) => setZones(z.items), () => setZones([]));
  }, [ok]);
  useEffect(() => {
    if (ok && IS_H5 && !geoJson) void insight.districtsGeoJson().then(setGeoJson);
  }, [ok, geoJson]);

  const openPair = async (b: Blocker) => {
    const r = await insight.pairReports({ from, to, district: b.district.code, category: b.category.code, zone: zone || undefined });
    setPair({ blocker: b, total: r.total, items: r.items });
  };
  const openHotspot = async (h: HotspotView, at: 'alerts' | 'table') => {
    try {
      setSpot({ ...(await insight.hotspotReports(h.id)), at });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '加载失败');
    }
  };
  const markSeen = async (ids: string[]) => {
    const left = alerts.filter((a) => !ids.includes(a.id));
    await insight.markSeen(ids, left.length);
    setAlerts(left);
  };

  const o = overview;
  const dayOption = useMemo(
    () =>
      o && {
        tooltip: { trigger: 'axis' },
        // The legend above the plot, right-aligned; the grid leaves it room (containLabel keeps the axis labels inside).
        legend: { data: ['本期', '上期'], top: 0, right: 8 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: o.byDay.map((d) => d.date.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: '本期', type: 'line', data: o.byDay.map((d) => d.count), smooth: true },
          { name: '上期', type: 'line', data: o.previous.byDay.map((d) => d.count), smooth: true, lineStyle: { type: 'dashed' } },
        ],
      },
    [o],
  );
  const categoryOption = useMemo(
    () =>
      o && {
        tooltip: {},
        grid: { left: 110, right: 16, top: 8, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: o.byCategory.slice(0, 12).map((c) => c.name) },
        series: [{ type: 'bar', data: o.byCategory.slice(0, 12).map((c) => c.count), itemStyle: { color: '#1a5fb4' } }],
      },
    [o],
  );
  const firstLevelOption = useMemo(
    () =>
      o && {
        tooltip: {},
        grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: o.byFirstLevel.map((c) => c.name) },
        series: [{ type: 'bar', data: o.byFirstLevel.map((c) => c.count), itemStyle: { color: '#26a269' } }],
      },
    [o],
  );
  const mapOption = useMemo(
    () =>
      o && geoJson ? {
        tooltip: { trigger: 'item', formatter: (p: { seriesType: string; name: string; value: unknown; data?: { count?: number } }) => (p.seriesType === 'scatter' ? `热点 · ${p.name}：${p.data?.count} 件` : `${p.name}：${Array.isArray(p.value) ? '' : (p.value ?? 0)} 件`) },
        // seriesIndex 0: the colour scale is for the districts only, not the hotspot markers.
        visualMap: { seriesIndex: 0, min: 0, max: Math.max(1, ...o.byDistrict.map((d) => d.count)), left: 8, bottom: 8, text: ['多', '少'], calculable: true, inRange: { color: ['#e8f0fb', '#1a5fb4'] } },
        geo: { map: 'shanghai', roam: true, itemStyle: { borderColor: '#fff' }, emphasis: { label: { show: true } } },
        series: [
          { name: '收到件数', type: 'map', geoIndex: 0, data: SHANGHAI_DISTRICTS.map((d) => ({ name: d.name, value: o.byDistrict.find((x) => x.code === d.code)?.count ?? 0 })) },
          { name: '热点', type: 'scatter', coordinateSystem: 'geo', symbolSize: (v: number[]) => 10 + Math.min(20, v[2] ?? 0), itemStyle: { color: '#e01b24' }, data: hotspots.map((h) => ({ name: `${h.category.name}（${h.district.name}）`, value: [h.center.lng, h.center.lat, h.count], count: h.count })) },
        ],
      } : null,
    [o, geoJson, hotspots],
  );
  const sparkOption = (t: TrendItem) => ({ grid: { left: 0, right: 0, top: 2, bottom: 2 }, xAxis: { type: 'category', show: false }, yAxis: { type: 'value', show: false }, series: [{ type: 'line', data: t.spark, symbol: 'none', lineStyle: { width: 1.5 } }] });

  if (!ok) return <View className='page' />;
  const T = INSIGHT_TOOLTIPS;
  const trendRows = (list: TrendItem[]) => list.map((t) => [t.category.name, t.category.parentName, t.count, t.previous, signed(t.change), t.yearAgo, signed(t.yearChange)] as Cell[]);
  /** One trend panel: the rises, then the falls, ranked by `by` (vs the previous period, or vs a year earlier). */
  const trendPanel = (by: 'previous' | 'year') => {
    const [up, down] = by === 'previous' ? [trends.rising, trends.falling] : [trends.risingYear, trends.fallingYear];
    const delta = (t: TrendItem) => (by === 'previous' ? t.delta : t.yearDelta);
    const id = by === 'previous' ? 'panel-trends' : 'panel-trends-year';
    return (
      <Panel
        title={by === 'previous' ? '趋势：与上期相比升降最多' : '趋势：与去年同期相比升降最多'}
        tip={by === 'previous' ? T.trend : T.trendYear}
        testId={id}
        csvName={`${by === 'previous' ? '趋势_环比' : '趋势_同比'}_${from}_${to}`}
        header={trendHeader}
        rows={trendRows([...up, ...down])}
        chart={
          <View>
            {[['上升', up], ['下降', down]].map(([label, list]) => (
              <View key={label as string} data-testid={`${id}-${label === '上升' ? 'up' : 'down'}`}>
                <Text className='insight-trend-head'>{label as string}</Text>
                {(list as TrendItem[]).slice(0, 5).map((t) => (
                  <View key={t.category.code} className='insight-trend'>
                    <Text className='insight-trend-name'>{t.category.name}</Text>
                    <Text className={delta(t) > 0 ? 'up' : 'down'}>
                      {delta(t) > 0 ? '▲' : '▼'} {Math.abs(delta(t))}（{by === 'previous' ? `上期 ${t.previous}，环比 ${signed(t.change)}` : `去年同期 ${t.yearAgo}，同比 ${signed(t.yearChange)}`}）
                    </Text>
                    <View className='insight-spark'>
                      <Chart option={sparkOption(t)} height={36} />
                    </View>
                  </View>
                ))}
                {(list as TrendItem[]).length === 0 && <Text className='muted'>没有{label as string}的分类</Text>}
              </View>
            ))}
          </View>
        }
      />
    );
  };
  // The first level the API applied a second-level filter as (from the reports' own categories).
  const categoryNote = hotspotsFirstLevel && hotspotsFirstLevel !== category ? `（热点按一级分类成簇：已按「${CATEGORY_OPTIONS.find((x) => x.code === hotspotsFirstLevel)?.name ?? hotspotsFirstLevel}」显示）` : '';
  const trendHeader = ['二级分类', '一级分类', '本期', '上期', '环比', '去年同期', '同比'];

  return (
    <ConsoleLayout active='dashboard' title='数据看板'>
    <View className='admin insight' data-testid='insight-page'>
      <View className='insight-bar'>
        <View className='insight-periods'>
          {PERIODS.map((d) => (
            <Text key={d} className={`insight-chip${d === days ? ' active' : ''}`} onClick={() => setDays(d)} data-testid={`period-${d}`}>
              近{d === 365 ? '一年' : `${d}天`}
            </Text>
          ))}
          <Picker mode='selector' range={DISTRICT_OPTIONS.map((d) => d.name)} onChange={(e) => setDistrict(DISTRICT_OPTIONS[Number(e.detail.value)].code)}>
            <Text className='insight-chip' data-testid='district-picker'>{DISTRICT_OPTIONS.find((d) => d.code === district)?.name} ▾</Text>
          </Picker>
          <Picker mode='selector' range={CATEGORY_OPTIONS.map((c) => c.label)} onChange={(e) => setCategory(CATEGORY_OPTIONS[Number(e.detail.value)].code)}>
            <Text className='insight-chip' data-testid='category-picker'>
              {CATEGORY_OPTIONS.find((c) => c.code === category)?.name ?? category} ▾
            </Text>
          </Picker>
          {/* Beside the picker, not inside it: a tap on the ⓘ must not open the picker. */}
          <InfoTip text={T.category} label='分类筛选：说明' testId='category-picker-tip' />
          {zones.length > 0 && (
            <Picker mode='selector' range={zoneOptions.map((z) => z.title)} onChange={(e) => setZone(zoneOptions[Number(e.detail.value)].id)}>
              <Text className='insight-chip' data-testid='zone-picker'>
                {zoneOptions.find((z) => z.id === zone)?.title} ▾
              </Text>
            </Picker>
          )}
          {zones.length > 0 && <InfoTip text='只看通过某个专区提交的诉求（概览、堵点、趋势）' label='专区筛选：说明' testId='zone-picker-tip' />}
        </View>
      </View>
      <Text className='muted'>
        {from} 至 {to}（上海时间，含当天）
      </Text>
      {error && (
        <View className='insight-error' data-testid='insight-error' {...({ role: 'alert' } as object)}>
          <Text>{error}</Text>
        </View>
      )}

      {/* The one alert place on the page (the navigation's badge on 数据看板 carries the count). */}
      {alerts.length > 0 && (
        <View className='card insight-alerts' data-testid='alert-list' {...({ role: 'alert' } as object)}>
          <Text className='card-title'>
            热点提醒：{alerts.length} 个新热点未读 <InfoTip text={T.hotspot} label='热点：说明' testId='alert-tip' />
          </Text>
          {alerts.map((a) => (
            <View key={a.id} className='insight-alert-item'>
              <Text>
                {a.category.name} · {a.district.name} · {a.count} 件 · 半径 {a.radiusM} 米 · {time(a.firstAt)} — {time(a.lastAt)}
              </Text>
              <View className='insight-panel-actions'>
                <Text className='insight-link' onClick={() => void openHotspot(a, 'alerts')} data-testid={`alert-open-${a.id}`}>
                  查看诉求
                </Text>
                <Text className='insight-link' onClick={() => void markSeen([a.id])} data-testid={`alert-seen-${a.id}`}>
                  标为已读
                </Text>
              </View>
            </View>
          ))}
          <Text className='insight-link' onClick={() => void markSeen(alerts.map((a) => a.id))} data-testid='alerts-seen'>
            全部标为已读
          </Text>
        </View>
      )}

      {spot?.at === 'alerts' && <ReportList title={`热点 · ${spot.hotspot.category.name} · ${spot.hotspot.district.name}`} testId='hotspot-reports' total={spot.total} items={spot.items} onClose={() => setSpot(null)} />}

      {o && (
        <View className='insight-metrics' data-testid='overview'>
          <Metric label='收到' value={String(o.total)} sub={`上期 ${o.previous.total}`} tip={T.total} testId='metric-total' />
          <Metric label='诉求 / 随申拍' value={`${o.byKind.complaint} / ${o.byKind.snap}`} tip={T.byKind} />
          <Metric label='紧急' value={String(o.urgent)} tip={T.urgent} />
          <Metric label='办结率' value={pct(o.resolutionRate)} tip={T.resolutionRate} />
          <Metric label='超期率' value={pct(o.overdueRate)} tip={T.overdueRate} />
          <Metric label='重办率' value={pct(o.reopenRate)} tip={T.reopenRate} />
          <Metric
            label='满意 / 基本满意 / 不满意'
            value={`${o.satisfaction.satisfied} / ${o.satisfaction.basic} / ${o.satisfaction.unsatisfied}`}
            sub={`已评价 ${o.satisfaction.rated}，评价率 ${pct(o.satisfaction.ratedShare)}`}
            tip={T.satisfaction}
          />
          <Metric
            label='受理 / 派单 / 办结（小时，中位数 · 90分位）'
            value={`${num(o.hours.accept.p50)} / ${num(o.hours.dispatch.p50)} / ${num(o.hours.resolve.p50)}`}
            sub={`90分位 ${num(o.hours.accept.p90)} / ${num(o.hours.dispatch.p90)} / ${num(o.hours.resolve.p90)}`}
            tip={T.hours}
          />
        </View>
      )}

      {o && (
        <View className='insight-grid'>
          <Panel
            title='各区分布与热点'
            tip={`${T.byDistrict}；红点为热点（${T.hotspot}）`}
            testId='panel-map'
            csvName={`各区件数_${from}_${to}`}
            header={['区', '件数']}
            rows={o.byDistrict.map((d) => [d.name, d.count])}
            chart={mapOption ? <Chart option={mapOption} height={420} testId='map-chart' geoJson={geoJson} /> : <Text className='muted'>地图加载中…</Text>}
          />
          <Panel
            title='每日收到件数'
            tip={`${T.total}；虚线为${T.previous}`}
            testId='panel-days'
            csvName={`每日件数_${from}_${to}`}
            header={['日期', '本期件数', '上期日期', '上期件数']}
            rows={o.byDay.map((d, i) => [d.date, d.count, o.previous.byDay[i]?.date ?? null, o.previous.byDay[i]?.count ?? null])}
            chart={dayOption && <Chart option={dayOption} height={420} testId='days-chart' />}
          />
          <Panel
            title='二级分类分布'
            tip={T.byCategory}
            testId='panel-categories'
            csvName={`分类件数_${from}_${to}`}
            header={['二级分类', '件数']}
            rows={o.byCategory.map((c) => [c.name, c.count])}
            chart={categoryOption && <Chart option={categoryOption} height={360} testId='categories-chart' />}
          />
          <Panel
            title='一级分类分布'
            tip={T.byFirstLevel}
            testId='panel-first-level'
            csvName={`一级分类件数_${from}_${to}`}
            header={['一级分类', '件数']}
            rows={o.byFirstLevel.map((c) => [c.name, c.count])}
            chart={firstLevelOption && <Chart option={firstLevelOption} height={Math.max(160, 36 * o.byFirstLevel.length + 24)} testId='first-level-chart' />}
          />
          {trendPanel('previous')}
          {trendPanel('year')}
        </View>
      )}

      <Panel
        title='堵点'
        tip={`每个区 × 二级分类一行，按综合分从高到低。${T.score}`}
        testId='panel-blockers'
        csvName={`堵点_${from}_${to}`}
        header={['区', '二级分类', '件数', '环比', '集中度', '解决率', '满意率', '综合分']}
        rows={blockers.map((b) => [b.district.name, b.category.name, b.count, signed(b.change), pct(b.concentration), pct(b.resolutionRate), pct(b.satisfactionRate), b.score])}
        headerTips={{ 件数: T.count, 环比: T.change, 集中度: T.concentration, 解决率: T.blockerResolution, 满意率: T.satisfactionRate, 综合分: T.score }}
        onRow={(i) => void openPair(blockers[i])}
        extra={<Text className='muted insight-panel-tip'>点一行查看这组诉求。件数：{T.count}；环比：{T.change}；{T.concentration}；{T.blockerResolution}；{T.satisfactionRate}</Text>}
      />
      {pair && <ReportList title={`${pair.blocker.district.name} · ${pair.blocker.category.name}`} testId='pair-reports' total={pair.total} items={pair.items} onClose={() => setPair(null)} />}
      <Panel
        title='热点'
        tip={`${T.hotspot}${categoryNote}`}
        testId='panel-hotspots'
        csvName={`热点_${from}_${to}`}
        header={['一级分类', '区', '件数', '中心', '半径（米）', '首件', '末件']}
        rows={hotspots.map((h) => [h.category.name, h.district.name, h.count, `${h.center.lat},${h.center.lng}`, h.radiusM, time(h.firstAt), time(h.lastAt)])}
        onRow={(i) => void openHotspot(hotspots[i], 'table')}
        extra={<Text className='muted insight-panel-tip'>点一行查看这个热点的诉求。</Text>}
      />
      {spot?.at === 'table' && <ReportList title={`热点 · ${spot.hotspot.category.name} · ${spot.hotspot.district.name}`} testId='hotspot-reports' total={spot.total} items={spot.items} onClose={() => setSpot(null)} />}
      <HotspotSettingsCard tip={T.hotspotSettings} />
    </View>
    </ConsoleLayout>
  );
}
