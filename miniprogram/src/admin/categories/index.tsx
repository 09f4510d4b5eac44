import { Input, Picker, Text, View } from '@tarojs/components';
import { Dialog, Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { shanghaiClock, type CategoryFigures, type CategoryNodeView, type CategoryTreeView, type KeywordImpactView, type Question } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { admin } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { withSorters } from '../tableSort';
import { ConsoleLayout, TableWrap } from '../ConsoleLayout';
import { CategoryForm, defaultSemiUrgentHours, fromNode, keywordsChanged, splitWords, toPayload, type CategoryFormValue } from './CategoryForm';
import { QuestionEditor } from './QuestionEditor';
import './categories.scss';

type Editing = { mode: 'add'; parent: string } | { mode: 'edit'; code: string } | { mode: 'questions'; code: string } | null;
type Row = CategoryNodeView & CategoryFigures & { parentName: string; questionCount: number; ops?: never };

const ALL = '__all__';
const NO_FIGURES = { openReports: 0, last30Days: 0, trainingExamples: 0 };
/** 普通 / 次紧急 / 紧急 limits; a 次紧急 left unset shows the server's default, marked 默认 */
const hoursText = (h: { normal: number; urgent: number; semiUrgent?: number | null }) =>
  `${h.normal}h / 次急 ${h.semiUrgent ?? defaultSemiUrgentHours(h.normal, h.urgent)}h${h.semiUrgent == null ? '（默认）' : ''} / 急 ${h.urgent}h`;

/**
 * 分类管理: the first-level tree on the left (with its figures), the selected
 * level's second-level categories as a sortable table, search across the whole
 * tree, and editors for a category, its keywords (checked against the last
 * 1,000 reports before saving) and its 补充问题.
 */
export default function CategoriesAdmin() {
  const ok = useAdminGuard();
  const [tree, setTree] = useState<CategoryTreeView | null>(null);
  const [figures, setFigures] = useState<Map<string, CategoryFigures>>(new Map());
  const [figuresAt, setFiguresAt] = useState('');
  const [selected, setSelected] = useState<string>(ALL);
  const [editing, setEditingState] = useState<Editing>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [query, setQuery] = useState('');
  /** Opening or closing an editor clears the last confirmation, so a notice always speaks of the latest action. */
  const setEditing = (e: Editing) => {
    setEditingState(e);
    if (e) setNotice('');
  };
  const [impact, setImpact] = useState<{ view: KeywordImpactView; label: string; proceed: () => Promise<void> } | null>(null);

  const load = useCallback(async () => {
    // The figures may take a while on a large table: the tree shows first, the numbers fill in when they come.
    void admin.figures().then((f) => {
      setFigures(new Map(f.items.map((i) => [i.code, i])));
      setFiguresAt(f.at);
    }, () => {});
    setTree(await admin.tree());
  }, []);
  useEffect(() => {
    if (ok) void load().catch(() => setError('加载失败，请刷新重试'));
  }, [ok, load]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setError('');
    try {
      await fn();
      setNotice(done);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作未完成，请稍后重试');
    }
  };

  const firsts = tree?.categories ?? [];
  const current = firsts.find((f) => f.code === selected) ?? null;
  const q = query.trim().toLowerCase();
  const matches = (c: CategoryNodeView) => !q || [c.name, c.nameEn, c.code, c.department, ...c.keywords].some((x) => x.toLowerCase().includes(q));
  const rows: Row[] = useMemo(
    () =>
      firsts
        .filter((f) => selected === ALL || f.code === selected || Boolean(q))
        .flatMap((f) => (f.children ?? []).filter((c) => matches(c) || (Boolean(q) && matches(f))).map((c) => ({ ...c, ...NO_FIGURES, ...figures.get(c.code), parentName: f.name, questionCount: c.questions.length }))),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [firsts, figures, selected, q],
  );

  /** Saves an edit; when the keywords change and the model knows the category, asks first with the check's figures. */
  const saveEdit = async (node: CategoryNodeView, before: CategoryFormValue, v: CategoryFormValue) => {
    const payload = toPayload(v);
    const save = async () => {
      await admin.update(node.code, payload);
      setEditing(null);
      setImpact(null);
      setNotice(`已保存「${payload.name}」`);
      await load();
    };
    if (keywordsChanged(before, v)) {
      const view = await admin.keywordImpact(node.code, { keywords: splitWords(v.keywords), ...(node.parentCode ? { negativeKeywords: splitWords(v.negativeKeywords) } : {}) });
      if (view.modelKnowsCategory) {
        setImpact({ view, label: payload.name, proceed: save });
        return;
      }
    }
    await save();
  };

  const move = (siblings: CategoryNodeView[], code: string, delta: number) => {
    const i = siblings.findIndex((s) => s.code === code);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= siblings.length) return;
    const order = siblings.map((s) => s.code);
    [order[i], order[j]] = [order[j], order[i]];
    void act(() => Promise.all(order.map((c, k) => admin.update(c, { order: k * 10 }))), '顺序已调整');
  };

  const siblingsOf = (r: Row) => firsts.find((f) => f.code === r.parentCode)?.children ?? [];
  const fig = (code: string) => ({ ...NO_FIGURES, ...figures.get(code) });

  const columns = [
    {
      key: 'name',
      title: '分类 / 英文名',
      sorter: true,
      render: (r: Row) => (
        <View data-testid={`leaf-${r.code}`} className={r.enabled ? '' : 'cat-off'}>
          <Text className='cat-name'>{r.name}</Text>
          <Text className='cat-code'>{r.code}</Text>
          <Text className={r.nameEn ? 'cat-en' : 'cat-en missing'}>{r.nameEn || '无英文名'}</Text>
          {(selected === ALL || q) && <Text className='cat-parent'>{r.parentName}</Text>}
        </View>
      ),
    },
    { key: 'department', title: '承办部门 · 时限', sorter: true, render: (r: Row) => <View><Text style={{ display: 'block' }}>{r.department || '—'}</Text><Text className='muted-text'>{hoursText(r.deadlineHours)}</Text></View> },
    { key: 'openReports', title: '在办', sorter: (a: Row, b: Row) => a.openReports - b.openReports, render: (r: Row) => <Text data-testid={`fig-open-${r.code}`}>{r.openReports}</Text> },
    { key: 'last30Days', title: '近 30 天', sorter: (a: Row, b: Row) => a.last30Days - b.last30Days, render: (r: Row) => <Text data-testid={`fig-30d-${r.code}`}>{r.last30Days}</Text> },
    { key: 'trainingExamples', title: '训练样本', sorter: (a: Row, b: Row) => a.trainingExamples - b.trainingExamples, render: (r: Row) => <Text data-testid={`fig-train-${r.code}`}>{r.trainingExamples}</Text> },
    { key: 'questionCount', title: '问题', sorter: (a: Row, b: Row) => a.questionCount - b.questionCount },
    { key: 'enabled', title: '状态', render: (r: Row) => (r.mergedInto ? `已合并到 ${r.mergedInto}` : r.enabled ? '启用' : <Text className='badge amber'>停用</Text>) },
    {
      key: 'ops',
      title: '操作',
      render: (r: Row) => {
        const targets = siblingsOf(r).filter((s) => s.code !== r.code && s.enabled);
        return (
          <View className='cat-ops'>
            <View className='cell-link' role='button' onClick={() => setEditing({ mode: 'edit', code: r.code })} data-testid={`edit-${r.code}`}>编辑</View>
            <View className='cell-link' role='button' onClick={() => setEditing({ mode: 'questions', code: r.code })} data-testid={`questions-${r.code}`}>补充问题</View>
            <View className='cell-link' role='button' onClick={() => void act(() => admin.update(r.code, { enabled: !r.enabled }), r.enabled ? `已停用「${r.name}」` : `已启用「${r.name}」`)}>{r.enabled ? '停用' : '启用'}</View>
            {!r.mergedInto && targets.length > 0 && (
              <Picker mode='selector' range={targets.map((s) => s.name)} onChange={(e) => { const target = targets[Number(e.detail.value)]; void act(() => admin.merge(r.code, target.code), `已合并到「${target.name}」`); }}>
                <View className='cell-link' role='button'>合并到…</View>
              </Picker>
            )}
            {selected !== ALL && !q && <View className='cell-link' role='button' aria-label={`上移 ${r.name}`} onClick={() => move(siblingsOf(r), r.code, -1)}>↑</View>}
            {selected !== ALL && !q && <View className='cell-link' role='button' aria-label={`下移 ${r.name}`} onClick={() => move(siblingsOf(r), r.code, 1)}>↓</View>}
          </View>
        );
      },
    },
  ];

  const find = (code: string) => firsts.flatMap((f) => [f, ...(f.children ?? [])]).find((c) => c.code === code);
  const editNode = editing && editing.mode !== 'add' ? find(editing.code) : undefined;
  const editParent = editNode?.parentCode ? find(editNode.parentCode) : undefined;

  if (!ok || !tree) return <ConsoleLayout active='categories' title='分类管理'><Text className='empty'>加载中…</Text></ConsoleLayout>;
  return (
    <ConsoleLayout
      active='categories'
      title='分类管理'
      actions={<Text className='cat-version'>分类版本 v{tree.version}{figuresAt ? ` · 数字截至 ${shanghaiClock(figuresAt)}` : ''}</Text>}
    >
      <View className='cat-layout'>
        <View className='cat-tree' role='navigation' aria-label='一级分类'>
          <View className={`cat-tree-item ${selected === ALL ? 'active' : ''}`} role='button' onClick={() => setSelected(ALL)} data-testid='first-all'>
            <Text className='cat-tree-name'>全部分类</Text>
          </View>
          {firsts.map((f) => (
            <View key={f.code} className={`cat-tree-item ${selected === f.code ? 'active' : ''}`} role='button' aria-current={selected === f.code ? 'true' : undefined} onClick={() => (setSelected(f.code), setEditing(null))} data-testid={`first-${f.code}`}>
              <Text className='cat-tree-name'>{f.name}</Text>
              <Text className='cat-tree-fig'>在办 {fig(f.code).openReports} · 30天 {fig(f.code).last30Days}</Text>
            </View>
          ))}
        </View>
        <View className='cat-main'>
          <View className='filters'>
            <Input className='f-input cat-search' value={query} placeholder='搜索名称、英文名、编码、关键词或部门' onInput={(e) => setQuery(e.detail.value)} data-testid='category-search' {...({ 'aria-label': '搜索分类' } as object)} />
            {current && (
              <>
                <View className='c-btn' role='button' onClick={() => setEditing({ mode: 'add', parent: current.code })} data-testid={`add-under-${current.code}`}>新增二级分类</View>
                <View className='c-btn ghost' role='button' onClick={() => setEditing({ mode: 'edit', code: current.code })} data-testid={`edit-${current.code}`}>编辑一级分类</View>
              </>
            )}
          </View>
          {current && !q && (
            <View className='panel cat-summary' data-testid='first-summary'>
              <View className='cat-summary-head'>
                <Text className='panel-title'>{current.name} <Text className='cat-code'>{current.code}</Text></Text>
                <Text className='muted-text'>{current.nameEn || '（无英文名）'} · {current.department || '—'} · {hoursText(current.deadlineHours)}</Text>
              </View>
              <View className='cat-figs'>
                <View className='cat-fig'><Text className='cat-fig-v' data-testid={`fig-open-${current.code}`}>{fig(current.code).openReports}</Text><Text className='cat-fig-k'>在办诉求</Text></View>
                <View className='cat-fig'><Text className='cat-fig-v' data-testid={`fig-30d-${current.code}`}>{fig(current.code).last30Days}</Text><Text className='cat-fig-k'>近 30 天</Text></View>
                <View className='cat-fig'><Text className='cat-fig-v' data-testid={`fig-train-${current.code}`}>{fig(current.code).trainingExamples}</Text><Text className='cat-fig-k'>训练样本</Text></View>
                <View className='cat-fig'><Text className='cat-fig-v'>{current.children?.length ?? 0}</Text><Text className='cat-fig-k'>二级分类</Text></View>
              </View>
              {current.keywords.length > 0 && <Text className='muted-text'>一级关键词：{current.keywords.join('、')}</Text>}
            </View>
          )}
          {notice && <View className='cat-notice' role='status' data-testid='cat-notice'><Text>{notice}</Text></View>}
          {error && <Text className='error-text' data-testid='cat-error'>{error}</Text>}

          {editing?.mode === 'add' && (
            <CategoryForm
              key={`add-${editing.parent}`}
              title={`在「${find(editing.parent)?.name ?? ''}」下新增二级分类`}
              initial={fromNode(undefined, find(editing.parent))}
              withCode
              onCancel={() => setEditing(null)}
              onSubmit={async (v) => {
                // A new category is not in the live model yet: there is nothing to check until the next training.
                await admin.create({ code: v.code.trim(), parentCode: editing.parent, ...toPayload(v) });
                setEditing(null);
                setNotice(`已新增「${v.name}」；重新训练模型后它才会被自动识别`);
                await load();
              }}
            />
          )}
          {editing?.mode === 'edit' && editNode && (
            <CategoryForm
              key={`edit-${editNode.code}`}
              title={`编辑「${editNode.name}」`}
              initial={fromNode(editNode, editParent)}
              withCode={false}
              onCancel={() => setEditing(null)}
              onSubmit={(v) => saveEdit(editNode, fromNode(editNode, editParent), v)}
            />
          )}
          {editing?.mode === 'questions' && editNode && (
            <QuestionEditor
              key={`q-${editNode.code}`}
              title={`「${editNode.name}」的补充问题`}
              initial={editNode.questions}
              onCancel={() => setEditing(null)}
              onSave={async (questions: Question[]) => {
                await admin.update(editNode.code, { questions });
                setEditing(null);
                setNotice(`已保存「${editNode.name}」的 ${questions.length} 个补充问题`);
                await load();
              }}
            />
          )}

          <TableWrap label='二级分类'>
            <Table columns={withSorters(columns) as never} data={rows} bordered striped noData={<Text className='empty'>没有符合条件的分类</Text>} />
          </TableWrap>
        </View>
      </View>
      <Dialog
        visible={Boolean(impact)}
        title='确认修改关键词'
        content={
          impact ? (
            <View data-testid='impact-dialog' className='impact-body' {...({ tabIndex: 0, role: 'region', 'aria-label': '修改的影响' } as object)}>
              <Text className='impact-summary' data-testid='impact-summary'>
                此修改会使最近 {impact.view.sampled.toLocaleString('en-US')} 条诉求中的 {impact.view.moved} 条改变分类
              </Text>
              <Text className='muted-text' style={{ display: 'block' }}>其中移入「{impact.label}」{impact.view.movedIn} 条，移出 {impact.view.movedOut} 条（用当前模型分别按修改前后的关键词重新分类）。</Text>
              {impact.view.examples.map((e) => (
                <View key={e.id} className='impact-example' data-testid='impact-example'>
                  <Text className='impact-ticket'>{e.ticketNo}</Text>
                  <Text>{e.description}</Text>
                  <Text className='muted-text'>{e.from.name} → {e.to.name}</Text>
                </View>
              ))}
            </View>
          ) : null
        }
        confirmText='仍然保存'
        cancelText='再想想'
        onConfirm={() => void impact?.proceed().catch((err) => (setImpact(null), setError(err instanceof ApiError ? err.message : '保存失败')))}
        onCancel={() => setImpact(null)}
      />
    </ConsoleLayout>
  );
}
