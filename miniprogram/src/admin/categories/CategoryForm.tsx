import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { CategoryNodeView } from '@ssp/shared';
import { ApiError } from '../../services/api';

export interface CategoryFormValue {
  code: string;
  name: string;
  nameEn: string;
  keywords: string;
  negativeKeywords: string;
  department: string;
  normal: string;
  urgent: string;
  /** 次紧急; empty = the server's default (a day, kept between 紧急 and normal) */
  semiUrgent: string;
}

export const splitWords = (s: string) => s.split(/[,，、\s]+/).map((k) => k.trim()).filter(Boolean);

export function toPayload(v: CategoryFormValue) {
  return {
    name: v.name.trim(),
    nameEn: v.nameEn.trim(),
    keywords: splitWords(v.keywords),
    negativeKeywords: splitWords(v.negativeKeywords),
    department: v.department.trim(),
    // a non-number is sent as typed for the server's message (see semiUrgentOf), hence the cast
    deadlineHours: { normal: Number(v.normal), urgent: Number(v.urgent), semiUrgent: semiUrgentOf(v.semiUrgent) as number | null },
  };
}

/**
 * Empty means "no limit of its own" (null: the server derives a day, kept between 紧急 and normal).
 * Anything else that is not a number goes to the server as typed, so its own Chinese message
 * (次紧急时限必须是数字) is shown: Number('abc') would be NaN, which JSON sends as null, i.e. silently unset.
 */
export function semiUrgentOf(s: string): number | string | null {
  const t = s.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** What the server uses when 次紧急 is left empty (mirrors server reports/deadline.ts defaultSemiUrgentHours). */
export function defaultSemiUrgentHours(normal: number, urgent: number): number {
  return Math.min(normal, Math.max(urgent, 24));
}

export function fromNode(n?: CategoryNodeView, parent?: CategoryNodeView): CategoryFormValue {
  return {
    code: n?.code ?? '',
    name: n?.name ?? '',
    nameEn: n?.nameEn ?? '',
    keywords: (n?.keywords ?? []).join('、'),
    negativeKeywords: (n?.negativeKeywords ?? []).join('、'),
    department: n?.department ?? parent?.department ?? '',
    normal: String(n?.deadlineHours.normal ?? parent?.deadlineHours.normal ?? 120),
    urgent: String(n?.deadlineHours.urgent ?? parent?.deadlineHours.urgent ?? 24),
    semiUrgent: n ? (n.deadlineHours.semiUrgent == null ? '' : String(n.deadlineHours.semiUrgent)) : parent?.deadlineHours.semiUrgent == null ? '' : String(parent.deadlineHours.semiUrgent),
  };
}

/** Whether an edit touches what the classifier blends in (so it is worth checking before saving). */
export function keywordsChanged(before: CategoryFormValue, after: CategoryFormValue): boolean {
  const same = (a: string, b: string) => splitWords(a).join('\u0000') === splitWords(b).join('\u0000');
  return !same(before.keywords, after.keywords) || !same(before.negativeKeywords, after.negativeKeywords);
}

function semiUrgentPlaceholder(v: CategoryFormValue): string {
  const normal = Number(v.normal);
  const urgent = Number(v.urgent);
  return Number.isFinite(normal) && Number.isFinite(urgent) && normal > 0 && urgent > 0 ? `留空：${defaultSemiUrgentHours(normal, urgent)}` : '留空：24';
}

/** Add/edit form; shows the server's field errors next to the fields they concern. */
export function CategoryForm({ initial, withCode, title, onSubmit, onCancel }: { initial: CategoryFormValue; withCode: boolean; title: string; onSubmit: (v: CategoryFormValue) => Promise<void>; onCancel: () => void }) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const field = (key: keyof CategoryFormValue, label: string, placeholder = '', errorKey: string = key, wide = false) => (
    <View className={`cf-field ${wide ? 'wide' : ''}`}>
      <Text className='cf-label' id={`cf-${key}`}>{label}</Text>
      <Input className='f-input' value={v[key]} placeholder={placeholder} onInput={(e) => setV({ ...v, [key]: e.detail.value })} data-testid={`cat-${key}`} {...({ 'aria-labelledby': `cf-${key}` } as object)} />
      {errors[errorKey] && <Text className='error-text' data-testid={`cat-error-${errorKey}`}>{errors[errorKey]}</Text>}
    </View>
  );
  const submit = async () => {
    setErrors({});
    setMessage('');
    setBusy(true);
    try {
      await onSubmit(v);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setMessage(err.message);
      } else setMessage('保存失败');
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className='panel cf' data-testid='cat-editor'>
      <Text className='panel-title'>{title}</Text>
      <View className='cf-grid'>
        {withCode && field('code', '编码（小写字母、数字、下划线，保存后不可修改）', '例如 drone_noise')}
        {field('name', '名称', '例如 无人机扰民')}
        {field('nameEn', '英文名（英文界面显示）', 'e.g. Drone noise', 'nameEn')}
        {field('department', '默认承办部门', '区生态环境局')}
        {field('normal', '办理时限（小时）', '120', 'deadlineHours.normal')}
        {field('urgent', '紧急时限（小时）', '24', 'deadlineHours.urgent')}
        {field('semiUrgent', '次紧急时限（小时，留空按一天）', semiUrgentPlaceholder(v), 'deadlineHours.semiUrgent')}
        {field('keywords', '关键词（用顿号或逗号分隔；保存前会试算对最近 1,000 条诉求的影响）', '无人机、航拍', 'keywords', true)}
        {field('negativeKeywords', '排除词（出现则降低匹配）', '例如 无人机表演', 'negativeKeywords', true)}
      </View>
      {message && <Text className='error-text'>{message}</Text>}
      <View className='form-row'>
        <View className='c-btn' role='button' onClick={() => !busy && void submit()} data-testid='cat-save'>{busy ? '处理中…' : '保存'}</View>
        <View className='c-btn ghost' role='button' onClick={onCancel}>取消</View>
      </View>
    </View>
  );
}
