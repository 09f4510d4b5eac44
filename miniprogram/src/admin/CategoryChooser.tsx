import { Input, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useMemo, useState } from 'react';
import type { CategoryNodeView } from '@ssp/shared';
import './CategoryChooser.scss';

export type ChosenCategory = { code: string; name: string; parentName: string };

/** Does a leaf match what was typed: its name, code, keywords or its first level's name. Case and spaces ignored. */
export function matchesCategory(leaf: CategoryNodeView, parentName: string, query: string): boolean {
  const q = query.trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return true;
  return [leaf.name, leaf.code, parentName, ...(leaf.keywords ?? [])].some((s) => s.toLowerCase().replace(/\s+/g, '').includes(q));
}

/**
 * Choosing a second-level category from the whole tree (about 85 leaves): type to filter by name, code or
 * keyword, grouped under their first level; a choice is shown back for confirmation before anything is saved,
 * because the decision files the report (the wheel it replaces filed on a slip of the finger).
 * Used by 待分拣 (「其他分类…」) and by the report detail (更正分类, which also asks why).
 */
export function CategoryChooser({ title, tree, current, askReason, busy, error, onCancel, onConfirm }: {
  title: string;
  tree: CategoryNodeView[];
  /** the report's category now: shown, not choosable */
  current?: string | null;
  askReason?: boolean;
  busy?: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: (chosen: ChosenCategory, reason: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ChosenCategory | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');

  const groups = useMemo(
    () =>
      tree
        .filter((f) => f.enabled)
        .map((f) => ({ code: f.code, name: f.name, leaves: (f.children ?? []).filter((c) => c.enabled && matchesCategory(c, f.name, query)) }))
        .filter((g) => g.leaves.length > 0),
    [tree, query],
  );
  const count = groups.reduce((n, g) => n + g.leaves.length, 0);

  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return;
    // Esc closes, as any dialog on the web does.
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !busy && onCancel();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [busy, onCancel]);

  const confirm = () => {
    if (!chosen || busy) return;
    if (askReason && reason.trim().length < 2) return setReasonError('请写明更正原因（至少 2 个字）');
    onConfirm(chosen, reason.trim());
  };

  return (
    <View className='cc-mask' onClick={() => !busy && onCancel()}>
      <View className='cc-box' role='dialog' aria-modal='true' aria-label={title} data-testid='category-chooser' onClick={(e) => e.stopPropagation()}>
        <View className='cc-head'>
          <Text className='cc-title'>{title}</Text>
          <View className='cc-x' role='button' aria-label='关闭' onClick={() => !busy && onCancel()} data-testid='cc-cancel'>×</View>
        </View>
        {!chosen ? (
          <>
            <Input
              className='f-input cc-search'
              value={query}
              focus
              placeholder='输入名称、编码或关键词筛选，如 井盖、noise'
              aria-label='筛选分类'
              onInput={(e) => setQuery(e.detail.value)}
              data-testid='cc-search'
            />
            <View className='cc-count' role='status'>{count === 0 ? '没有匹配的分类，换个词试试' : `${count} 个分类`}</View>
            <View className='cc-list' data-testid='cc-list'>
              {groups.map((g) => (
                <View key={g.code} className='cc-group' role='group' aria-label={g.name}>
                  <Text className='cc-group-name'>{g.name}</Text>
                  <View className='cc-leaves'>
                    {g.leaves.map((l) =>
                      l.code === current ? (
                        <View key={l.code} className='cc-leaf current' aria-disabled='true'>{l.name}（当前）</View>
                      ) : (
                        <View key={l.code} className='cc-leaf' role='button' data-testid={`cc-leaf-${l.code}`} onClick={() => setChosen({ code: l.code, name: l.name, parentName: g.name })}>
                          {l.name}
                        </View>
                      ),
                    )}
                  </View>
                </View>
              ))}
            </View>
          </>
        ) : (
          <View className='cc-confirm' data-testid='cc-confirm-step'>
            <Text>将归入：</Text>
            <Text className='cc-chosen' data-testid='cc-chosen'>{chosen.parentName} / {chosen.name}</Text>
            <Text className='muted-text'>编码 {chosen.code}</Text>
            {askReason && (
              <View className='cc-reason'>
                <Text className='kv-k'>更正原因（必填，记入操作记录，市民看不到）</Text>
                <Textarea className='f-input cc-reason-input' value={reason} maxlength={200} aria-label='更正原因' onInput={(e) => (setReason(e.detail.value), setReasonError(''))} data-testid='cc-reason' />
                {reasonError && <View className='error-text' role='alert'>{reasonError}</View>}
              </View>
            )}
            {error && <View className='error-text' role='alert' data-testid='cc-error'>{error}</View>}
            <View className='cc-actions'>
              <View className='c-btn' role='button' aria-disabled={busy} onClick={confirm} data-testid='cc-confirm'>{busy ? '保存中…' : '确认归入'}</View>
              <View className='c-btn ghost' role='button' onClick={() => !busy && setChosen(null)} data-testid='cc-back'>重新选择</View>
            </View>
          </View>
        )}
      </View>
    </View>
  );
}
