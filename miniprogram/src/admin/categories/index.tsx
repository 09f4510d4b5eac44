import { Button, Input, Picker, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import type { CategoryNodeView, CategoryTreeView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { admin } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { ConsoleLayout } from '../ConsoleLayout';
import { CategoryForm, fromNode, toPayload } from './CategoryForm';
import '../admin.scss';

type Editing = { mode: 'add'; parent: string } | { mode: 'edit'; code: string } | null;

export default function CategoriesAdmin() {
  const ok = useAdminGuard();
  const [tree, setTree] = useState<CategoryTreeView | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState('');
  const [query, setQuery] = useState('');
  const matches = (c: CategoryNodeView) => !query.trim() || [c.name, c.code, c.department, ...c.keywords].some((x) => x.includes(query.trim()));

  const load = useCallback(async () => setTree(await admin.tree()), []);
  useEffect(() => {
    if (ok) void load();
  }, [ok, load]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      setNotice(done);
      await load();
    } catch (err) {
      void Taro.showModal({ title: '操作未完成', content: err instanceof ApiError ? err.message : '请稍后重试', showCancel: false });
    }
  };

  const move = (siblings: CategoryNodeView[], i: number, delta: number) => {
    const j = i + delta;
    if (j < 0 || j >= siblings.length) return;
    const order = siblings.map((s) => s.code);
    [order[i], order[j]] = [order[j], order[i]];
    void act(() => Promise.all(order.map((code, k) => admin.update(code, { order: k * 10 }))), '顺序已调整');
  };

  if (!ok || !tree) return <View className='page'><Text className='hint'>加载中…</Text></View>;
  return (
    <ConsoleLayout active='categories' title='分类管理'>
    <View className='page admin console-legacy'>
      <View className='banner info'><Text>分类版本 v{tree.version}。每次修改都会生成新版本；修改后请到「分类模型」重新训练。</Text></View>
      {notice && <View className='banner ok'><Text>{notice}</Text></View>}
      <View className='filters'>
        <Input className='f-input' value={query} placeholder='搜索分类名称、编码、关键词或部门' onInput={(e) => setQuery(e.detail.value)} data-testid='category-search' />
      </View>
      {tree.categories.filter((f) => matches(f) || (f.children ?? []).some(matches)).map((f) => (
        <View key={f.code} className='card' data-testid={`first-${f.code}`}>
          <View className='node-head' onClick={() => setOpen(open === f.code ? null : f.code)}>
            <View>
              <Text className='node-title'>{f.name}</Text>
              <Text className='node-code'>{f.code}</Text>
            </View>
            <Text className='muted'>{f.children?.length ?? 0} 个二级分类 {open === f.code ? '▲' : '▼'}</Text>
          </View>
          {(open === f.code || Boolean(query.trim())) && (
            <View>
              {(f.children ?? []).filter((c) => matches(c) || matches(f)).map((c, i, siblings) => (
                <View key={c.code} className={`node ${c.enabled ? '' : 'disabled'}`} data-testid={`leaf-${c.code}`}>
                  <View className='node-head'>
                    <View>
                      <Text className='node-title'>{c.name}</Text>
                      <Text className='node-code'>{c.code}</Text>
                    </View>
                    <Text className='muted'>{c.deadlineHours.normal}h / 急 {c.deadlineHours.urgent}h</Text>
                  </View>
                  <Text className='muted'>{c.department}{c.mergedInto ? ` · 已合并到 ${c.mergedInto}` : ''}</Text>
                  <View>{c.keywords.map((k) => <Text key={k} className='kw'>{k}</Text>)}</View>
                  {editing?.mode === 'edit' && editing.code === c.code ? (
                    <CategoryForm initial={fromNode(c)} withCode={false} onCancel={() => setEditing(null)} onSubmit={async (v) => { await admin.update(c.code, toPayload(v)); setEditing(null); setNotice('已保存'); await load(); }} />
                  ) : (
                    <View className='actions'>
                      <Button className='btn small secondary' onClick={() => setEditing({ mode: 'edit', code: c.code })}>编辑</Button>
                      <Button className='btn small secondary' onClick={() => void act(() => admin.update(c.code, { enabled: !c.enabled }), c.enabled ? '已停用' : '已启用')}>{c.enabled ? '停用' : '启用'}</Button>
                      <Picker mode='selector' range={siblings.filter((s) => s.code !== c.code && s.enabled).map((s) => s.name)} onChange={(e) => { const target = siblings.filter((s) => s.code !== c.code && s.enabled)[Number(e.detail.value)]; void act(() => admin.merge(c.code, target.code), `已合并到 ${target.name}`); }}>
                        <Button className='btn small secondary'>合并到…</Button>
                      </Picker>
                      <Button className='btn small secondary' onClick={() => move(siblings, i, -1)}>上移</Button>
                      <Button className='btn small secondary' onClick={() => move(siblings, i, 1)}>下移</Button>
                    </View>
                  )}
                </View>
              ))}
              {editing?.mode === 'add' && editing.parent === f.code ? (
                <CategoryForm initial={fromNode(undefined, f)} withCode onCancel={() => setEditing(null)} onSubmit={async (v) => { await admin.create({ code: v.code.trim(), parentCode: f.code, ...toPayload(v) }); setEditing(null); setNotice(`已新增「${v.name}」`); await load(); }} />
              ) : (
                <View className='actions'>
                  <Button className='btn small' onClick={() => setEditing({ mode: 'add', parent: f.code })} data-testid={`add-under-${f.code}`}>新增二级分类</Button>
                </View>
              )}
            </View>
          )}
        </View>
      ))}
    </View>
    </ConsoleLayout>
  );
}
