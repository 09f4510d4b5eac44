import { Input, Picker, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { QUESTION_TYPES, type Question, type QuestionType } from '@ssp/shared';
import { ApiError } from '../../services/api';

const TYPE_LABELS: Record<QuestionType, string> = {
  text: '文字',
  single: '单选',
  multi: '多选',
  number: '数字',
  blocking: '紧急提示（是/否，答“是”时显示提示和一键拨打的电话，诉求仍可提交）',
  notice: '提示（只显示，不用回答）',
};

interface OptionDraft {
  value: string;
  label: string;
  labelEn: string;
}

interface Draft {
  code: string;
  type: QuestionType;
  label: string;
  labelEn: string;
  required: boolean;
  options: OptionDraft[];
  blockMessage: string;
  blockMessageEn: string;
  min: string;
  max: string;
}

function toDraft(q: Question): Draft {
  return {
    code: q.code,
    type: q.type,
    label: q.label,
    labelEn: q.labelEn ?? '',
    required: q.required,
    options: (q.options ?? []).map((o) => ({ value: o.value, label: o.label, labelEn: o.labelEn ?? '' })),
    blockMessage: q.blockMessage ?? '',
    blockMessageEn: q.blockMessageEn ?? '',
    min: q.min === undefined ? '' : String(q.min),
    max: q.max === undefined ? '' : String(q.max),
  };
}

/** The draft as the API takes it: empty optional fields left out, so the shared zod schema judges only what was written. */
function toQuestion(d: Draft): Question {
  const q: Question = { code: d.code.trim(), type: d.type, label: d.label.trim(), required: d.type === 'notice' ? false : d.required };
  if (d.labelEn.trim()) q.labelEn = d.labelEn.trim();
  if (d.type === 'single' || d.type === 'multi' || d.type === 'text') {
    const options = d.options.filter((o) => o.label.trim() || o.value.trim()).map((o) => ({ value: (o.value.trim() || o.label.trim()), label: o.label.trim(), ...(o.labelEn.trim() ? { labelEn: o.labelEn.trim() } : {}) }));
    if (options.length || d.type !== 'text') q.options = options;
  }
  if (d.type === 'blocking') {
    q.blockMessage = d.blockMessage.trim();
    if (d.blockMessageEn.trim()) q.blockMessageEn = d.blockMessageEn.trim();
  }
  if (d.type === 'number') {
    if (d.min.trim()) q.min = Number(d.min);
    if (d.max.trim()) q.max = Number(d.max);
  }
  return q;
}

function freshCode(drafts: Draft[]): string {
  for (let i = drafts.length + 1; ; i++) if (!drafts.some((d) => d.code === `q${i}`)) return `q${i}`;
}

/**
 * 补充问题 of a second-level category: what the resident's form asks once the
 * category is known. Saved as a whole list (`PATCH /admin/categories/:code
 * {questions}`), which makes a new tree version and an audit entry; the
 * server's field errors (`questions.<i>.<field>`) show at the question.
 */
export function QuestionEditor({ title, initial, onSave, onCancel }: { title: string; initial: Question[]; onSave: (questions: Question[]) => Promise<void>; onCancel: () => void }) {
  const [drafts, setDrafts] = useState<Draft[]>(initial.map(toDraft));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const set = (i: number, patch: Partial<Draft>) => {
    setDrafts(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
    // An answered complaint goes away as the admin fixes the field.
    const stale = Object.keys(patch).map((k) => `questions.${i}.${k}`).filter((k) => errors[k]);
    if (stale.length) setErrors(Object.fromEntries(Object.entries(errors).filter(([k]) => !stale.includes(k))));
  };
  const move = (i: number, delta: number) => {
    const j = i + delta;
    if (j < 0 || j >= drafts.length) return;
    const next = [...drafts];
    [next[i], next[j]] = [next[j], next[i]];
    setDrafts(next);
  };
  const add = () => setDrafts([...drafts, { code: freshCode(drafts), type: 'text', label: '', labelEn: '', required: false, options: [], blockMessage: '', blockMessageEn: '', min: '', max: '' }]);
  const err = (i: number, field?: string) => errors[field ? `questions.${i}.${field}` : `questions.${i}`];

  const save = async () => {
    setErrors({});
    setMessage('');
    setBusy(true);
    try {
      await onSave(drafts.map(toQuestion));
    } catch (e) {
      if (e instanceof ApiError) {
        setErrors(e.fieldErrors());
        setMessage(e.details.length ? `${e.message}：${e.details.map((d) => `第 ${Number(d.path.split('.')[1] ?? 0) + 1} 题 ${d.message}`).join('；')}` : e.message);
      } else setMessage('保存失败');
    } finally {
      setBusy(false);
    }
  };

  const text = (i: number, key: 'code' | 'label' | 'labelEn' | 'blockMessage' | 'blockMessageEn' | 'min' | 'max', label: string, placeholder = '') => (
    <View className='cf-field'>
      <Text className='cf-label' id={`q-${key}-${i}-l`}>{label}</Text>
      <Input className='f-input' value={drafts[i][key]} placeholder={placeholder} onInput={(e) => set(i, { [key]: e.detail.value })} data-testid={`q-${key}-${i}`} {...({ 'aria-labelledby': `q-${key}-${i}-l` } as object)} />
      {err(i, key) && <Text className='error-text'>{err(i, key)}</Text>}
    </View>
  );

  return (
    <View className='panel qe' data-testid='question-editor'>
      <Text className='panel-title'>{title}</Text>
      <Text className='hint-text'>市民选定或系统推荐这个分类后，表单会依次询问下面的问题；保存后生成新的分类版本，并记入操作日志。</Text>
      {drafts.length === 0 && <Text className='empty'>还没有补充问题</Text>}
      {drafts.map((d, i) => (
        <View key={i} className='qe-item' data-testid={`question-${i}`}>
          <View className='qe-head'>
            <Text className='qe-no'>第 {i + 1} 题</Text>
            <Picker mode='selector' range={QUESTION_TYPES.map((t) => TYPE_LABELS[t])} value={QUESTION_TYPES.indexOf(d.type)} onChange={(e) => set(i, { type: QUESTION_TYPES[Number(e.detail.value)] })}>
              <View className='f-picker' data-testid={`q-type-${i}`} role='button'>类型：{TYPE_LABELS[d.type]}</View>
            </Picker>
            {d.type !== 'notice' && (
              <View className={`f-check ${d.required ? 'on' : ''}`} role='checkbox' aria-checked={d.required} onClick={() => set(i, { required: !d.required })} data-testid={`q-required-${i}`}>必答</View>
            )}
            <View className='qe-tools'>
              <View className='cell-link' role='button' onClick={() => move(i, -1)}>上移</View>
              <View className='cell-link' role='button' onClick={() => move(i, 1)}>下移</View>
              <View className='cell-link danger' role='button' onClick={() => setDrafts(drafts.filter((_, j) => j !== i))} data-testid={`q-remove-${i}`}>删除</View>
            </View>
          </View>
          {err(i) && <Text className='error-text'>{err(i)}</Text>}
          <View className='cf-grid'>
            {text(i, 'label', d.type === 'notice' ? '提示文字' : '问题', d.type === 'blocking' ? '例如 现在是否闻到燃气味？' : '例如 灯杆编号')}
            {text(i, 'labelEn', '英文', 'e.g. Lamp-post number')}
            {text(i, 'code', '编码（字母开头，推送给工单系统）', 'pole_number')}
            {d.type === 'number' && text(i, 'min', '最小值', '不限')}
            {d.type === 'number' && text(i, 'max', '最大值', '不限')}
            {d.type === 'blocking' && text(i, 'blockMessage', '答“是”时的说明（必填）', '燃气泄漏请立即拨打 962777')}
            {d.type === 'blocking' && text(i, 'blockMessageEn', '说明（英文）', 'Call 962777 at once')}
          </View>
          {(d.type === 'single' || d.type === 'multi' || d.type === 'text') && (
            <View className='qe-options'>
              <Text className='cf-label'>{d.type === 'text' ? '快捷答案（可选，例如“看不到编号”）' : '选项'}</Text>
              {err(i, 'options') && <Text className='error-text'>{err(i, 'options')}</Text>}
              {d.options.map((o, k) => (
                <View key={k} className='form-row'>
                  <Input className='f-input' value={o.label} placeholder='选项文字' aria-label={`第 ${i + 1} 题选项 ${k + 1}`} onInput={(e) => set(i, { options: d.options.map((x, m) => (m === k ? { ...x, label: e.detail.value } : x)) })} data-testid={`q-opt-label-${i}-${k}`} />
                  <Input className='f-input' value={o.labelEn} placeholder='英文' aria-label={`第 ${i + 1} 题选项 ${k + 1} 英文`} onInput={(e) => set(i, { options: d.options.map((x, m) => (m === k ? { ...x, labelEn: e.detail.value } : x)) })} data-testid={`q-opt-en-${i}-${k}`} />
                  <Input className='f-input' value={o.value} placeholder='值（留空用选项文字）' aria-label={`第 ${i + 1} 题选项 ${k + 1} 的值`} onInput={(e) => set(i, { options: d.options.map((x, m) => (m === k ? { ...x, value: e.detail.value } : x)) })} />
                  <View className='cell-link danger' role='button' onClick={() => set(i, { options: d.options.filter((_, m) => m !== k) })}>删除</View>
                </View>
              ))}
              <View className='cell-link' role='button' onClick={() => set(i, { options: [...d.options, { value: '', label: '', labelEn: '' }] })} data-testid={`q-opt-add-${i}`}>添加选项</View>
            </View>
          )}
        </View>
      ))}
      {message && <Text className='error-text' data-testid='question-error'>{message}</Text>}
      <View className='form-row'>
        <View className='c-btn ghost' role='button' onClick={add} data-testid='q-add'>添加问题</View>
        <View className='c-btn' role='button' onClick={() => !busy && void save()} data-testid='q-save'>{busy ? '保存中…' : '保存问题'}</View>
        <View className='c-btn ghost' role='button' onClick={onCancel}>取消</View>
      </View>
    </View>
  );
}
