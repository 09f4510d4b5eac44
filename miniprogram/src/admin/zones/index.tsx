import { Input, Picker, Text, Textarea, View } from '@tarojs/components';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useState } from 'react';
import type { CategoryNodeView, CreateZoneInput, Question, ZoneAdminView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi } from '../../services/console';
import { formatTime } from '../../lib/format';
import { withSorters } from '../tableSort';
import { ConsoleLayout, TableWrap } from '../ConsoleLayout';
import { QuestionEditor } from '../categories/QuestionEditor';
import { useAdminGuard } from '../useAdmin';
import '../categories/categories.scss';

interface ZoneDraft {
  title: string;
  titleEn: string;
  banner: string;
  bannerEn: string;
  icon: string;
  startsAt: string;
  endsAt: string;
  enabled: boolean;
  categoryCodes: string[];
  successMessage: string;
  successMessageEn: string;
}

const EMPTY: ZoneDraft = { title: '', titleEn: '', banner: '', bannerEn: '', icon: '📌', startsAt: '', endsAt: '', enabled: true, categoryCodes: [], successMessage: '', successMessageEn: '' };

/** Dates are picked as Shanghai calendar days: from the start of the first to the end of the last. */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00+08:00`).toISOString() : null);
const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59+08:00`).toISOString() : null);
const shanghaiDay = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10) : '');

function fromZone(z: ZoneAdminView): ZoneDraft {
  return {
    title: z.title, titleEn: z.titleEn ?? '', banner: z.banner, bannerEn: z.bannerEn ?? '', icon: z.icon, startsAt: shanghaiDay(z.startsAt), endsAt: shanghaiDay(z.endsAt),
    enabled: z.enabled, categoryCodes: z.categoryCodes, successMessage: z.successMessage ?? '', successMessageEn: z.successMessageEn ?? '',
  };
}

function toInput(d: ZoneDraft): CreateZoneInput {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    title: d.title.trim(), titleEn: opt(d.titleEn), banner: d.banner.trim(), bannerEn: opt(d.bannerEn), icon: d.icon.trim() || '📌',
    startsAt: dayStart(d.startsAt), endsAt: dayEnd(d.endsAt), enabled: d.enabled, categoryCodes: d.categoryCodes,
    successMessage: opt(d.successMessage), successMessageEn: opt(d.successMessageEn),
  };
}

function stateOf(z: ZoneAdminView): string {
  if (!z.enabled) return '已关闭';
  if (z.active) return '进行中';
  return z.startsAt && Date.parse(z.startsAt) > Date.now() ? '未开始' : '已结束';
}

/**
 * 专区管理: themed entries on the residents' home page (e.g. 防汛防台). Staff
 * open one with a title, banner, icon, dates, the categories it offers (one
 * fixes the category), extra questions and a success message; closing or
 * editing it never changes reports already filed through it.
 */
export default function ZonesPage() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<ZoneAdminView[]>([]);
  const [leaves, setLeaves] = useState<(CategoryNodeView & { parentName: string })[]>([]);
  const [editing, setEditing] = useState<{ id: string | null; draft: ZoneDraft } | null>(null);
  const [questionsFor, setQuestionsFor] = useState<ZoneAdminView | null>(null);
  const [catQuery, setCatQuery] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => setItems((await consoleApi.zones()).items), []);
  useEffect(() => {
    if (!ok) return;
    void load().catch(() => setError('加载失败'));
    void consoleApi.categories().then((t) => setLeaves(t.categories.flatMap((f) => (f.children ?? []).filter((c) => c.enabled).map((c) => ({ ...c, parentName: f.name }))))).catch(() => {});
  }, [ok, load]);

  const run = async (fn: () => Promise<unknown>, done: string) => {
    setError('');
    setErrors({});
    try {
      await fn();
      setNotice(done);
      await load();
      return true;
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setError(err.details.length ? `${err.message}：${err.details.map((d) => d.message).join('；')}` : err.message);
      } else setError('保存失败');
      return false;
    }
  };

  const save = async () => {
    if (!editing) return;
    const input = toInput(editing.draft);
    const done = await run(() => (editing.id ? consoleApi.updateZone(editing.id, input) : consoleApi.createZone(input)), editing.id ? `已保存「${input.title}」` : `已开设「${input.title}」`);
    if (done) setEditing(null);
  };

  const d = editing?.draft;
  const set = (patch: Partial<ZoneDraft>) => editing && setEditing({ ...editing, draft: { ...editing.draft, ...patch } });
  const field = (key: 'title' | 'titleEn' | 'banner' | 'bannerEn' | 'icon' | 'successMessage' | 'successMessageEn', label: string, placeholder = '', long = false) => (
    <View className={`cf-field ${long ? 'wide' : ''}`}>
      <Text className='cf-label' id={`zf-${key}`}>{label}</Text>
      {long ? (
        <Textarea className='f-input zone-textarea' value={d![key]} placeholder={placeholder} onInput={(e) => set({ [key]: e.detail.value })} data-testid={`zone-${key}`} {...({ 'aria-labelledby': `zf-${key}` } as object)} />
      ) : (
        <Input className='f-input' value={d![key]} placeholder={placeholder} onInput={(e) => set({ [key]: e.detail.value })} data-testid={`zone-${key}`} {...({ 'aria-labelledby': `zf-${key}` } as object)} />
      )}
      {errors[key] && <Text className='error-text'>{errors[key]}</Text>}
    </View>
  );

  const columns = [
    { key: 'title', title: '专区', sorter: true, render: (z: ZoneAdminView) => <Text data-testid={`zone-row-${z.id}`}>{z.icon} {z.title}{z.titleEn ? ` / ${z.titleEn}` : ''}</Text> },
    { key: 'banner', title: '横幅', render: (z: ZoneAdminView) => z.banner || '—' },
    { key: 'categoryCodes', title: '分类', render: (z: ZoneAdminView) => (z.categoryCodes.length === 1 ? `固定：${leaves.find((l) => l.code === z.categoryCodes[0])?.name ?? z.categoryCodes[0]}` : `${z.categoryCodes.length} 个分类`) },
    { key: 'dates', title: '起止', render: (z: ZoneAdminView) => `${z.startsAt ? formatTime(z.startsAt) : '即日'} 至 ${z.endsAt ? formatTime(z.endsAt) : '不限'}` },
    { key: 'questions', title: '额外问题', render: (z: ZoneAdminView) => String(z.questions.length) },
    { key: 'state', title: '状态', render: (z: ZoneAdminView) => <Text className={`badge ${z.active ? '' : 'amber'}`} data-testid='zone-state'>{stateOf(z)}</Text> },
    {
      key: 'ops',
      title: '操作',
      render: (z: ZoneAdminView) => (
        <View className='cat-ops'>
          <View className='cell-link' role='button' onClick={() => (setQuestionsFor(null), setEditing({ id: z.id, draft: fromZone(z) }))} data-testid={`zone-edit-${z.id}`}>编辑</View>
          <View className='cell-link' role='button' onClick={() => (setEditing(null), setQuestionsFor(z))}>额外问题</View>
          <View className='cell-link' role='button' onClick={() => void run(() => consoleApi.updateZone(z.id, { enabled: !z.enabled }), z.enabled ? `已关闭「${z.title}」（已提交的诉求不受影响）` : `已开启「${z.title}」`)} data-testid={`zone-toggle-${z.id}`}>{z.enabled ? '关闭' : '开启'}</View>
        </View>
      ),
    },
  ];

  const shownLeaves = leaves.filter((l) => d?.categoryCodes.includes(l.code) || (catQuery.trim() && [l.name, l.parentName, l.code].some((x) => x.includes(catQuery.trim()))));

  if (!ok) return <View />;
  return (
    <ConsoleLayout
      active='zones'
      title='专区管理'
      actions={<View className='c-btn' role='button' onClick={() => (setQuestionsFor(null), setEditing({ id: null, draft: { ...EMPTY } }))} data-testid='zone-new'>开设专区</View>}
    >
      {notice && <View className='cat-notice' role='status'><Text>{notice}</Text></View>}
      {editing && d && (
        <View className='panel cf' data-testid='zone-editor'>
          <Text className='panel-title'>{editing.id ? `编辑「${d.title}」` : '开设专区'}</Text>
          <View className='cf-grid'>
            {field('title', '标题（2–20 字）', '例如 防汛防台')}
            {field('titleEn', '英文标题', 'e.g. Flood season')}
            {field('icon', '图标（一个表情或符号）', '🌀')}
            {field('banner', '横幅文字（首页入口下方显示）', '台风期间积水、倒树请在此反映', true)}
            {field('bannerEn', '横幅文字（英文）', 'Report flooding and fallen trees here', true)}
            <View className='cf-field'>
              <Text className='cf-label'>开始日期（不填为即日）</Text>
              <Picker mode='date' value={d.startsAt} onChange={(e) => set({ startsAt: e.detail.value })}><View className='f-picker' role='button' data-testid='zone-starts'>{d.startsAt || '即日'}</View></Picker>
              {d.startsAt && <View className='cell-link' role='button' onClick={() => set({ startsAt: '' })}>清除</View>}
            </View>
            <View className='cf-field'>
              <Text className='cf-label'>结束日期（不填为不限）</Text>
              <Picker mode='date' value={d.endsAt} onChange={(e) => set({ endsAt: e.detail.value })}><View className='f-picker' role='button' data-testid='zone-ends'>{d.endsAt || '不限'}</View></Picker>
              {errors.endsAt && <Text className='error-text'>{errors.endsAt}</Text>}
              {d.endsAt && <View className='cell-link' role='button' onClick={() => set({ endsAt: '' })}>清除</View>}
            </View>
            <View className='cf-field'>
              <Text className='cf-label'>状态</Text>
              <View className={`f-check ${d.enabled ? 'on' : ''}`} role='checkbox' aria-checked={d.enabled} onClick={() => set({ enabled: !d.enabled })} data-testid='zone-enabled'>{d.enabled ? '开启' : '关闭'}</View>
            </View>
            <View className='cf-field wide'>
              <Text className='cf-label'>分类（只选一个即为固定分类，市民无需再选）：已选 {d.categoryCodes.length} 个</Text>
              <Input className='f-input' value={catQuery} placeholder='搜索分类名称或编码后勾选' onInput={(e) => setCatQuery(e.detail.value)} data-testid='zone-cat-search' {...({ 'aria-label': '搜索分类' } as object)} />
              <View className='form-row zone-cats'>
                {shownLeaves.map((l) => {
                  const on = d.categoryCodes.includes(l.code);
                  return (
                    <View key={l.code} className={`f-check ${on ? 'on' : ''}`} role='checkbox' aria-checked={on} onClick={() => set({ categoryCodes: on ? d.categoryCodes.filter((c) => c !== l.code) : [...d.categoryCodes, l.code] })} data-testid={`zone-cat-${l.code}`}>
                      {l.parentName} / {l.name}
                    </View>
                  );
                })}
              </View>
              {errors.categoryCodes && <Text className='error-text'>{errors.categoryCodes}</Text>}
            </View>
            {field('successMessage', '提交成功后的提示（可选）', '感谢您的反映，防汛办将在 2 小时内处置', true)}
            {field('successMessageEn', '提交成功后的提示（英文）', 'Thank you, we will look into it', true)}
          </View>
          {error && <Text className='error-text' data-testid='zone-error'>{error}</Text>}
          <View className='form-row'>
            <View className='c-btn' role='button' onClick={() => void save()} data-testid='zone-save'>保存</View>
            <View className='c-btn ghost' role='button' onClick={() => (setEditing(null), setErrors({}), setError(''))}>取消</View>
          </View>
        </View>
      )}
      {questionsFor && (
        <QuestionEditor
          key={questionsFor.id}
          title={`「${questionsFor.title}」的额外问题（在分类自带的问题之后询问）`}
          initial={questionsFor.questions}
          onCancel={() => setQuestionsFor(null)}
          onSave={async (questions: Question[]) => {
            await consoleApi.updateZone(questionsFor.id, { questions });
            setQuestionsFor(null);
            setNotice(`已保存「${questionsFor.title}」的 ${questions.length} 个额外问题`);
            await load();
          }}
        />
      )}
      {!editing && error && <Text className='error-text'>{error}</Text>}
      <TableWrap label='专区列表'>
        <Table columns={withSorters(columns) as never} data={items} bordered striped noData={<Text className='empty'>还没有专区</Text>} />
      </TableWrap>
    </ConsoleLayout>
  );
}
