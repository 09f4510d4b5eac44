import { Text, Textarea, View } from '@tarojs/components';
import { Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import { useCallback, useEffect, useState } from 'react';
import type { ClassificationView } from '@ssp/shared';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { admin, suggestCategory, type ClassifierInfo } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { ConsoleLayout, TableWrap } from '../ConsoleLayout';
import '../categories/categories.scss';

const pct = (n: number | null | undefined) => (n == null ? '—' : `${(n * 100).toFixed(1)}%`);

const FIGURES: { key: 'accuracy' | 'top3' | 'macroF1' | 'urgentRecall' | 'urgentPrecision'; label: string }[] = [
  { key: 'accuracy', label: '一级准确率' },
  { key: 'top3', label: '前三命中率' },
  { key: 'macroF1', label: '宏平均 F1' },
  { key: 'urgentRecall', label: '紧急召回率' },
  { key: 'urgentPrecision', label: '紧急精确率' },
];

function Metrics({ title, info }: { title: string; info: ClassifierInfo | null }) {
  if (!info) return null;
  const h = info.heldOut;
  return (
    <View className='panel' data-testid={`metrics-${title}`}>
      <Text className='panel-title'>{title}</Text>
      <Text className='muted-text'>版本 {info.version} · 训练于 {formatTime(info.createdAt)} · {info.trainedOn} 条样本 · 分类版本 v{info.taxonomyVersion}{h ? ` · 留出集 ${h.n} 条` : ''}</Text>
      {h && (
        <View className='metrics'>
          {FIGURES.map((f) => (
            <View key={f.key} className='metric-box'><Text className='metric-v'>{pct(h[f.key])}</Text><Text className='muted-text'>{f.label}</Text></View>
          ))}
        </View>
      )}
    </View>
  );
}

/** 分类模型: the live model's held-out figures, retraining (with before/after), and a box to try a text. */
export default function ClassifierAdmin() {
  const ok = useAdminGuard();
  const [info, setInfo] = useState<ClassifierInfo | null>(null);
  const [threshold, setThreshold] = useState<number | null>(null);
  const [before, setBefore] = useState<ClassifierInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<ClassificationView | null>(null);

  const load = useCallback(async () => {
    const res = await admin.classifier();
    setInfo(res.current);
    setThreshold(res.confidenceThreshold);
  }, []);
  useEffect(() => {
    if (ok) void load().catch(() => setError('加载失败'));
  }, [ok, load]);

  const retrain = async () => {
    setBusy(true);
    setError('');
    try {
      const r = await admin.retrain();
      setBefore(r.before);
      setInfo(r.after);
      setResult(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '训练失败');
    } finally {
      setBusy(false);
    }
  };

  const compare = before?.heldOut && info?.heldOut
    ? FIGURES.map((f) => ({ label: f.label, before: pct(before.heldOut![f.key]), after: pct(info.heldOut![f.key]), change: before.heldOut![f.key] != null && info.heldOut![f.key] != null ? `${((info.heldOut![f.key]! - before.heldOut![f.key]!) * 100).toFixed(1)} 个百分点` : '—' }))
    : [];

  if (!ok) return <View />;
  return (
    <ConsoleLayout
      active='classifier'
      title='分类模型'
      actions={<View className={`c-btn ${busy ? 'ghost' : ''}`} role='button' aria-disabled={busy} onClick={() => !busy && void retrain()} data-testid='retrain'>{busy ? '正在训练…' : '重新训练'}</View>}
    >
      {error && <Text className='error-text'>{error}</Text>}
      <View className='grid2'>
        <View>
          {before && <Metrics title='训练前' info={before} />}
          <Metrics title={before ? '训练后（已启用）' : '当前模型'} info={info} />
          {compare.length > 0 && (
            <TableWrap label='训练前后对比'>
              <Table columns={[{ key: 'label', title: '指标' }, { key: 'before', title: '训练前' }, { key: 'after', title: '训练后' }, { key: 'change', title: '变化' }] as never} data={compare} bordered striped />
            </TableWrap>
          )}
          <View className='panel'>
            <Text className='panel-title'>说明</Text>
            <Text className='muted-text' style={{ display: 'block' }}>一级分类把握低于 {threshold == null ? '—' : `${Math.round(threshold * 100)}%`} 的诉求进入「待分拣」。分类树的关键词在分类时直接生效，无需重新训练；新增分类、例句和人工分拣的结果要重新训练后才会学到。</Text>
          </View>
        </View>
        <View className='panel'>
          <Text className='panel-title'>试一试</Text>
          <Textarea className='f-input tk-textarea' value={text} placeholder='输入一段诉求文字' onInput={(e) => setText(e.detail.value)} data-testid='try-text' {...({ 'aria-label': '试分类的文字' } as object)} />
          <View className='form-row' style={{ marginTop: '8PX' }}>
            <View className='c-btn' role='button' onClick={() => void suggestCategory(text).then(setResult).catch(() => setError('分类失败'))} data-testid='try-classify'>分类</View>
          </View>
          {result && (
            <View data-testid='try-result'>
              {result.top3.map((c) => (
                <Text key={c.code} className='kv' style={{ display: 'block' }}>{c.parentName} / {c.name}（{c.code}）{pct(c.probability)}</Text>
              ))}
              <Text className='muted-text' style={{ display: 'block' }}>把握：{pct(result.confidence)} · 依据：{result.explanation.join('、') || '—'}</Text>
              {result.urgent && <Text className='error-text'>紧急：{result.urgentReasons.join('、')}</Text>}
              {result.urgency === 'semi_urgent' && <Text className='error-text'>次紧急：{result.urgentReasons.join('、')}</Text>}
            </View>
          )}
        </View>
      </View>
    </ConsoleLayout>
  );
}
