import { Button, Text, View } from '@tarojs/components';
import type { useReportDraft } from './useReportDraft';
import { useT } from '../i18n';

/** The submit button, why it is disabled, and what happened to the last attempt. */
export function SubmitBar({ form }: { form: ReturnType<typeof useReportDraft> }) {
  const t = useT();
  const { draft, valid, fieldErrors } = form;
  const submitting = draft.submit.state === 'submitting';
  const missing = Object.keys(fieldErrors).filter((k) => !k.includes('.')).map((k) => t(`fields.${k}`));
  return (
    <View className='submit-bar'>
      {form.similar.length > 0 && (
        <View className='card similar' data-testid='similar'>
          <Text className='card-title'>{t('submit.similarTitle')}</Text>
          <Text className='hint'>{t('submit.similarHint')}</Text>
          {form.similar.map((s) => (
            <View key={s.id} className='similar-item' data-testid='similar-item'>
              <View className='row'>
                <Text className='similar-category'>{s.category}</Text>
                <Text className='muted'>
                  {t('submit.place', { status: s.statusLabel, place: s.place })}
                </Text>
              </View>
              {s.description && <Text className='similar-desc'>{s.description}</Text>}
              {s.supporters > 0 && <Text className='muted'>{t('submit.others', { count: s.supporters + 1 })}</Text>}
              <Button className='btn small' onClick={() => void form.join(s.id, s.offer)} data-testid='similar-join'>
                {t('submit.join')}
              </Button>
            </View>
          ))}
          <Button className='btn small secondary' onClick={() => void form.submit(true)} data-testid='similar-submit-anyway'>
            {t('submit.anyway')}
          </Button>
        </View>
      )}
      {draft.submit.state === 'failed' && (
        <View className='banner error' data-testid='submit-error'>
          <Text>
            {draft.submit.network ? t('submit.notSent') : ''}
            {draft.submit.message}
            {draft.submit.network ? t('submit.draftSafe') : ''}
          </Text>
        </View>
      )}
      <Button className={`btn ${!valid || submitting ? 'disabled' : ''}`} disabled={!valid || submitting} loading={submitting} onClick={() => void form.submit()} data-testid='submit'>
        {submitting ? t('submit.submitting') : draft.submit.state === 'failed' ? t('submit.resubmit') : t('submit.submit')}
      </Button>
      {!valid && missing.length > 0 && <Text className='hint submit-hint' data-testid='missing'>{t('submit.missing', { fields: missing.join(t('common.listSep')) })}</Text>}
      <Text className='hint submit-hint'>{t('submit.saved')}</Text>
    </View>
  );
}
