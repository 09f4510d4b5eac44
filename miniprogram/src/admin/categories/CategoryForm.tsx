import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { CategoryNodeView } from '@ssp/shared';
import { ApiError } from '../../services/api';

export interface CategoryFormValue {
  code: string;
  name: string;
  keywords: string;
  negativeKeywords: string;
  department: string;
  normal: string;
  urgent: string;
}

const split = (s: string) => s.split(/[,，、\s]+/).map((k) => k.trim()).filter(Boolean);

export function toPayload(v: CategoryFormValue) {
  return {
    name: v.name.trim(),
    keywords: split(v.keywords),
    negativeKeywords: split(v.negativeKeywords),
    department: v.department.trim(),
    deadlineHours: { normal: Number(v.normal), urgent: Number(v.urgent) },
  };
}

export function fromNode(n?: CategoryNodeView, parent?: CategoryNodeView): CategoryFormValue {
  return {
    code: n?.code ?? '',
    name: n?.name ?? '',
    keywords: (n?.keywords ?? []).join('、'),
    negativeKeywords: (n?.negativeKeywords ?? []).join('、'),
    department: n?.department ?? parent?.department ?? '',
    normal: String(n?.deadlineHours.normal ?? parent?.deadlineHours.normal ?? 120),
    urgent: String(n?.deadlineHours.urgent ?? parent?.deadlineHours.urgent ?? 24),
  };
}

/** Add/edit form; shows the server's field errors next to the fields they concern. */
export function CategoryForm({ initial, withCode, onSubmit, onCancel }: { initial: CategoryFormValue; withCode: boolean; onSubmit: (v: CategoryFormValue) => Promise<void>; onCancel: () => void }) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const field = (key: keyof CategoryFormValue, label: string, placeholder = '', errorKey: string = key) => (
    <View className='field'>
      <Text className='field-label'>{label}</Text>
      <Input className='input' value={v[key]} placeholder={placeholder} onInput={(e) => setV({ ...v, [key]: e.detail.value })} data-testid={`cat-${key}`} />
      {errors[errorKey] && <Text className='error-text'>{errors[errorKey]}</Text>}
    </View>
  );
  const submit = async () => {
    setErrors({});
    setMessage('');
    try {
      await onSubmit(v);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setMessage(err.message);
      } else setMessage('保存失败');
    }
  };
  return (
    <View className='form'>
      {withCode && field('code', '编码（小写字母、数字、下划线，保存后不可修改）', '例如 drone_noise')}
      {field('name', '名称', '例如 无人机扰民')}
      {field('keywords', '关键词（用顿号或逗号分隔）', '无人机、航拍')}
      {field('negativeKeywords', '排除词（出现则降低匹配）', '')}
      {field('department', '默认承办部门', '区生态环境局')}
      {field('normal', '办理时限（小时）', '120', 'deadlineHours.normal')}
      {field('urgent', '紧急时限（小时）', '24', 'deadlineHours.urgent')}
      {message && <Text className='error-text'>{message}</Text>}
      <View className='actions'>
        <Button className='btn small' onClick={() => void submit()} data-testid='cat-save'>保存</Button>
        <Button className='btn small secondary' onClick={onCancel}>取消</Button>
      </View>
    </View>
  );
}
