import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { RATING_LABELS, type ReportView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { followUp } from '../../services/reports';

type Mode = null | 'withdraw' | 'supplement' | 'rate' | 'reopen';

/** The follow-up actions the rules allow right now (the server decides; hidden otherwise). */
export function Actions({ report, onChange }: { report: ReportView; onChange: (r: ReportView) => void }) {
  const [mode, setMode] = useState<Mode>(null);
  const [text, setText] = useState('');
  const [rating, setRating] = useState<keyof typeof RATING_LABELS | null>(null);
  const [error, setError] = useState('');
  const a = report.allowedActions;

  const run = async (fn: () => Promise<ReportView>, done: string) => {
    setError('');
    try {
      onChange(await fn());
      setMode(null);
      setText('');
      void Taro.showToast({ title: done, icon: 'success' });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
    }
  };

  if (!a.withdraw && !a.urge && !a.supplement && !a.rate && !a.reopen) return null;
  return (
    <View className='card' data-testid='actions'>
      <Text className='card-title'>我可以</Text>
      {!mode && (
        <View className='detail-actions'>
          {a.rate && <Button className='btn small' onClick={() => setMode('rate')} data-testid='action-rate'>评价</Button>}
          {a.reopen && <Button className='btn small secondary' onClick={() => setMode('reopen')} data-testid='action-reopen'>重新办理</Button>}
          {a.urge && <Button className='btn small secondary' onClick={() => void run(() => followUp.urge(report.id), '已催办')} data-testid='action-urge'>催办</Button>}
          {a.supplement && <Button className='btn small secondary' onClick={() => setMode('supplement')} data-testid='action-supplement'>补充信息</Button>}
          {a.withdraw && <Button className='btn small secondary' onClick={() => setMode('withdraw')} data-testid='action-withdraw'>撤回</Button>}
        </View>
      )}
      {mode === 'rate' && (
        <View>
          <View className='detail-actions'>
            {(Object.keys(RATING_LABELS) as (keyof typeof RATING_LABELS)[]).map((k) => (
              <Text key={k} className={`chip ${rating === k ? 'active' : ''}`} onClick={() => setRating(k)} data-testid={`rating-${k}`}>{RATING_LABELS[k]}</Text>
            ))}
          </View>
          <Textarea className='textarea' value={text} placeholder='说说办理情况（可选）' onInput={(e) => setText(e.detail.value)} />
          {rating === 'unsatisfied' && <Text className='hint'>选择「不满意」后，7 天内可以申请重新办理。</Text>}
          <View className='detail-actions'>
            <Button className={`btn small ${rating ? '' : 'disabled'}`} disabled={!rating} onClick={() => rating && void run(() => followUp.rate(report.id, rating, text || undefined), '感谢评价')} data-testid='rate-submit'>提交评价</Button>
            <Button className='btn small secondary' onClick={() => setMode(null)}>取消</Button>
          </View>
        </View>
      )}
      {(mode === 'withdraw' || mode === 'supplement' || mode === 'reopen') && (
        <View>
          <Textarea
            className='textarea'
            value={text}
            placeholder={mode === 'withdraw' ? '请说明撤回原因' : mode === 'reopen' ? '请说明哪里没有解决' : '补充说明'}
            onInput={(e) => setText(e.detail.value)}
            data-testid='action-text'
          />
          <View className='detail-actions'>
            <Button
              className='btn small'
              onClick={() =>
                void run(
                  () => (mode === 'withdraw' ? followUp.withdraw(report.id, text) : mode === 'reopen' ? followUp.reopen(report.id, text) : followUp.supplement(report.id, text)),
                  mode === 'withdraw' ? '已撤回' : mode === 'reopen' ? '已申请重新办理' : '已补充',
                )
              }
              data-testid='action-submit'
            >
              提交
            </Button>
            <Button className='btn small secondary' onClick={() => setMode(null)}>取消</Button>
          </View>
        </View>
      )}
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
