import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { RATING_LABELS, type ReportView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { followUp } from '../../services/reports';
import { useT } from '../../i18n';

type Mode = null | 'withdraw' | 'supplement' | 'rate' | 'reopen';

/** The follow-up actions the rules allow right now (the server decides; hidden otherwise). */
export function Actions({ report, onChange }: { report: ReportView; onChange: (r: ReportView) => void }) {
  const t = useT();
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
      setError(err instanceof ApiError ? err.message : t('common.actionFailed'));
    }
  };

  if (!a.withdraw && !a.urge && !a.supplement && !a.rate && !a.reopen) return null;
  return (
    <View className='card' data-testid='actions'>
      <Text className='card-title'>{t('actions.title')}</Text>
      {!mode && (
        <View className='detail-actions'>
          {a.rate && <Button className='btn small' onClick={() => setMode('rate')} data-testid='action-rate'>{t('actions.rate')}</Button>}
          {a.reopen && <Button className='btn small secondary' onClick={() => setMode('reopen')} data-testid='action-reopen'>{t('actions.reopen')}</Button>}
          {a.urge && <Button className='btn small secondary' onClick={() => void run(() => followUp.urge(report.id), t('actions.urged'))} data-testid='action-urge'>{t('actions.urge')}</Button>}
          {a.supplement && <Button className='btn small secondary' onClick={() => setMode('supplement')} data-testid='action-supplement'>{t('actions.supplement')}</Button>}
          {a.withdraw && <Button className='btn small secondary' onClick={() => setMode('withdraw')} data-testid='action-withdraw'>{t('actions.withdraw')}</Button>}
        </View>
      )}
      {mode === 'rate' && (
        <View>
          <View className='detail-actions'>
            {(Object.keys(RATING_LABELS) as (keyof typeof RATING_LABELS)[]).map((k) => (
              <View key={k} className={`chip ${rating === k ? 'active' : ''}`} role='button' aria-pressed={rating === k} onClick={() => setRating(k)} data-testid={`rating-${k}`}><Text>{t(`detail.ratings.${k}`)}</Text></View>
            ))}
          </View>
          <Textarea className='textarea' value={text} placeholder={t('actions.rateText')} aria-label={t('actions.rateText')} onInput={(e) => setText(e.detail.value)} />
          {rating === 'unsatisfied' && <Text className='hint'>{t('actions.reopenHint')}</Text>}
          <View className='detail-actions'>
            <Button className={`btn small ${rating ? '' : 'disabled'}`} disabled={!rating} onClick={() => rating && void run(() => followUp.rate(report.id, rating, text || undefined), t('actions.thanks'))} data-testid='rate-submit'>{t('actions.sendRating')}</Button>
            <Button className='btn small secondary' onClick={() => setMode(null)}>{t('common.cancel')}</Button>
          </View>
        </View>
      )}
      {(mode === 'withdraw' || mode === 'supplement' || mode === 'reopen') && (
        <View>
          <Textarea
            className='textarea'
            value={text}
            placeholder={mode === 'withdraw' ? t('actions.withdrawReason') : mode === 'reopen' ? t('actions.reopenReason') : t('actions.supplementText')}
            aria-label={mode === 'withdraw' ? t('actions.withdrawReason') : mode === 'reopen' ? t('actions.reopenReason') : t('actions.supplementText')}
            onInput={(e) => setText(e.detail.value)}
            data-testid='action-text'
          />
          <View className='detail-actions'>
            <Button
              className='btn small'
              onClick={() =>
                void run(
                  () => (mode === 'withdraw' ? followUp.withdraw(report.id, text) : mode === 'reopen' ? followUp.reopen(report.id, text) : followUp.supplement(report.id, text)),
                  mode === 'withdraw' ? t('actions.withdrawn') : mode === 'reopen' ? t('actions.reopened') : t('actions.supplemented'),
                )
              }
              data-testid='action-submit'
            >
              {t('common.submit')}
            </Button>
            <Button className='btn small secondary' onClick={() => setMode(null)}>{t('common.cancel')}</Button>
          </View>
        </View>
      )}
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
