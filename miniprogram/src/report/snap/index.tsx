import { Input, Text, View } from '@tarojs/components';
import { useEffect, useRef } from 'react';
import { LIMITS } from '@ssp/shared';
import { ReportLocation } from '../ReportLocation';
import { EmergencyCallBanner } from '../../components/EmergencyCallBanner';
import { PhotoPicker } from '../../components/PhotoPicker';
import { SubmitBar } from '../SubmitBar';
import { useReportDraft } from '../useReportDraft';
import '../report.scss';
import { localName, useT } from '../../i18n';
import { usePageMode } from '../../lib/elder';
import { findLeaf } from '../../services/categories';
import { Questions } from '../Questions';
import { usePageTitle } from '../../lib/pageTitle';
import { PrivacyNotice } from '../../components/PrivacyNotice';

/**
 * Camera first: the picker opens as the page does, location fills itself in,
 * and the note is optional, so a report is: open 随申拍 → shoot → 提交.
 */
export default function SnapPage() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('snap');
  const form = useReportDraft('snap');
  const { draft, fieldErrors } = form;
  const opened = useRef(false);

  useEffect(() => {
    if (!form.ready || opened.current || draft.photos.length > 0) return;
    opened.current = true;
    void form.addPhotos(['camera', 'album']);
  }, [form.ready, draft.photos.length, form]);

  return (
    <View className={`page report-form ${mode}`}>
      <PrivacyNotice />
      <View className='card'>
        <Text className='card-title'>{t('form.snapTitle')}</Text>
        <PhotoPicker photos={draft.photos} onAdd={() => void form.addPhotos(['camera', 'album'])} onRetry={form.retryPhoto} onRemove={form.removePhoto} error={draft.photos.length ? fieldErrors.mediaIds : undefined} />
      </View>
      <View className='card'>
        <Text className='card-title'>{t('form.snapWhere')}</Text>
        <ReportLocation form={form} showError={false} />
      </View>
      {form.chips.length > 0 && (
        <View className='card'>
          <Text className='card-title'>{t('form.whatIsIt')}</Text>
          <View className='chip-row'>
            {form.chips.map((c) => (
              <View key={c.code} className={`chip ${draft.category?.code === c.code ? 'active' : ''}`} role='button' aria-pressed={draft.category?.code === c.code} onClick={() => form.chooseCategory(draft.category?.code === c.code ? null : c)} data-testid='category-chip'>
                <Text>{localName(findLeaf(form.tree, c.code) ?? c)}</Text>
              </View>
            ))}
          </View>
          <Text className='hint'>{t('form.notSure')}</Text>
        </View>
      )}
      <View className='card'>
        <Text className='card-title'>{t('form.oneLine')}</Text>
        <Input
          className='input snap-note'
          value={draft.description}
          maxlength={LIMITS.snapDescription.max}
          placeholder={t('form.oneLinePlaceholder')}
          aria-label={t('form.oneLine')}
          onInput={(e) => form.update((d) => ({ ...d, description: e.detail.value }))}
          data-testid='snap-note'
        />
        {/* One banner: a 紧急提示 question answered 「是」 shows its own (in the questions), with the same buttons. */}
        {!form.questions.some((q) => q.type === 'blocking' && draft.answers[q.code] === true) && <EmergencyCallBanner suggestion={form.suggestion} />}
      </View>
      <Questions questions={form.questions} answers={draft.answers} onAnswer={form.setAnswer} errors={fieldErrors} showErrors={draft.submit.state === 'failed'} />
      <SubmitBar form={form} />
    </View>
  );
}
