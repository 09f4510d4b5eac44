import { Button, Text, Textarea, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { ClassificationView } from '@ssp/shared';
import { formatTime } from '../../lib/format';
import { ApiError } from '../../services/api';
import { admin, suggestCategory, type ClassifierInfo } from '../../services/classification';
import { useAdminGuard } from '../useAdmin';
import { ConsoleLayout } from '../ConsoleLayout';
import '../admin.scss';

const pct = (n: number | null | undefined) => (n == null ? '—' : `${(n * 100).toFixed(1)}%`);

function Metrics({ title, info }: { title: string; info: ClassifierInfo | null }) {
  if (!info) return null;
  const h = info.heldOut;
  return (
    <View className='card' data-testid={`metrics-${title}`}>
      <Text className='card-title'>{title}</Text>
      <Text className='muted'>版本 {info.version} · 训练于 {formatTime(info.createdAt)} · {info.trainedOn} 条样本 · 分类版本 v{info.taxonomyVersion}</Text>
      {h && (
        <View>
          <View className='metric'><Text className='metric-value'>{pct(h.accuracy)}</Text><Text className='muted'>一级准确率（留出集 {h.n} 条）</Text></View>
          <View className='metric'><Text className='metric-value'>{pct(h.top3)}</Text><Text className='muted'>前三命中率</Text></View>
          <View className='metric'><Text className='metric-value'>{pct(h.urgentRecall)}</Text><Text className='muted'>紧急召回率</Text></View>
          <View className='metric'><Text className='metric-value'>{pct(h.urgentPrecision)}</Text><Text className='muted'>紧急精确率</Text></View>
        </View>
      )}
    </View>
  );
}

export default function ClassifierAdmin() {
  const ok = useAdminGuard();
  const [info, setInfo] = useState<ClassifierInfo | null>(null);
  const [before, setBefore] = useState<ClassifierInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<ClassificationView | null>(null);

  const load = useCallback(async () => setInfo((await admin.classifier()).current), []);
  useEffect(() => {
    if (ok) void load();
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

  if (!ok) return <View className='page' />;
  return (
    <ConsoleLayout active='classifier' title='分类模型'>
    <View className='page admin console-legacy'>
      {before && <Metrics title='训练前' info={before} />}
      <Metrics title={before ? '训练后（已启用）' : '当前模型'} info={info} />
      <Button className={`btn ${busy ? 'disabled' : ''}`} disabled={busy} loading={busy} onClick={() => void retrain()} data-testid='retrain'>
        {busy ? '正在训练…' : '重新训练'}
      </Button>
      {error && <Text className='error-text'>{error}</Text>}
      <View style={{ height: '24px' }} />
      <View className='card'>
        <Text className='card-title'>试一试</Text>
        <Textarea className='textarea' value={text} placeholder='输入一段诉求文字' onInput={(e) => setText(e.detail.value)} data-testid='try-text' />
        <View style={{ height: '16px' }} />
        <Button className='btn small' onClick={() => void suggestCategory(text).then(setResult)} data-testid='try-classify'>分类</Button>
        {result && (
          <View data-testid='try-result' style={{ marginTop: '16px' }}>
            {result.top3.map((c) => (
              <Text key={c.code} className='muted' style={{ display: 'block' }}>{c.parentName} / {c.name}（{c.code}）{pct(c.probability)}</Text>
            ))}
            <Text className='muted' style={{ display: 'block' }}>把握：{pct(result.confidence)} · 依据：{result.explanation.join('、') || '—'}</Text>
            {result.urgent && <Text className='error-text'>紧急：{result.urgentReasons.join('、')}</Text>}
            {result.urgency === 'semi_urgent' && <Text className='error-text'>次紧急：{result.urgentReasons.join('、')}</Text>}
          </View>
        )}
      </View>
    </View>
    </ConsoleLayout>
  );
}
