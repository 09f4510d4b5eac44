import { Text, Textarea, Input, View } from '@tarojs/components';
import { Toggle } from '../../components/Toggle';
import { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import { LIMITS } from '@ssp/shared';
import { ReportLocation } from '../ReportLocation';
import { EmergencyCallBanner } from '../../components/EmergencyCallBanner';
import { PhotoPicker } from '../../components/PhotoPicker';
import { SubmitBar } from '../SubmitBar';
import { Questions } from '../Questions';
import { useReportDraft } from '../useReportDraft';
import { localName, useT, zoneBanner } from '../../i18n';
import { usePageTitle } from '../../lib/pageTitle';
import { PrivacyNotice } from '../../components/PrivacyNotice';
import { usePageMode } from '../../lib/elder';
import { findLeaf } from '../../services/categories';
import { activeZones } from '../../services/zones';
import '../report.scss';

export default function ComplaintPage() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('complaint');
  const form = useReportDraft('complaint');
  const { draft, fieldErrors, touched } = form;
  const length = draft.description.trim().length;
  const shown = (field: string) => (touched[field] ? fieldErrors[field] : undefined);
  const { params } = useRouter();
  const zoneId = params.zone;
  const { setZone } = form;

  // Opened from a 专区 entry: the zone limits the categories and may add questions.
  useEffect(() => {
    if (!zoneId) return;
    activeZones().then((zones) => setZone(zones.find((z) => z.id === zoneId) ?? null), () => {});
  }, [zoneId, setZone]);

  const categoryName = (code: string, fallback: string) => {
    const leaf = findLeaf(form.tree, code);
    return leaf ? `${localName(leaf.parent)} / ${localName(leaf)}` : fallback;
  };

  return (
    <View className={`page report-form ${mode}`}>
      <PrivacyNotice />
      {form.zone && (
        <View className='banner info' data-testid='zone-banner'>
          <Text>{t('form.zone', { title: localName(form.zone) })}{zoneBanner(form.zone) ? ` · ${zoneBanner(form.zone)}` : ''}</Text>
        </View>
      )}
      <View className='card'>
        <Text className='card-title' id='desc-label'>{t('form.whatProblem')}</Text>
        <Textarea
          className={`textarea ${shown('description') ? 'invalid' : ''}`}
          value={draft.description}
          maxlength={LIMITS.complaintDescription.max}
          placeholder={t('form.descPlaceholder')}
          aria-label={t('form.whatProblem')}
          onInput={(e) => form.update((d) => ({ ...d, description: e.detail.value }))}
          onBlur={() => form.touch('description')}
          data-testid='description'
        />
        <Text className={`counter muted ${length > LIMITS.complaintDescription.max ? 'error-text' : ''}`}>
          {length}/{LIMITS.complaintDescription.max}
        </Text>
        {shown('description') && <Text className='error-text'>{shown('description')}</Text>}
        {form.zone && form.zone.categoryCodes.length > 1 && (
          <View className='chip-row' data-testid='zone-categories'>
            {form.zone.categoryCodes.map((code) => (
              <View key={code} className={`chip ${draft.category?.code === code ? 'active' : ''}`} role='button' aria-pressed={draft.category?.code === code} onClick={() => form.chooseCategory({ code, name: categoryName(code, code) })} data-testid='zone-category'>
                <Text>{categoryName(code, code)}</Text>
              </View>
            ))}
          </View>
        )}
        {draft.category ? (
          <View className='banner ok category-line' data-testid='category-chosen'>
            <Text>{t('form.chosen', { name: categoryName(draft.category.code, draft.category.name) })}　</Text>
            {!(form.zone && form.zone.categoryCodes.length === 1) && (
              <Text className='link' onClick={() => form.chooseCategory(null)}>{t('common.cancel')}</Text>
            )}
          </View>
        ) : form.suggestion && !form.zone ? (
          <View
            className='banner info category-line'
            role='button'
            data-testid='category-suggestion'
            onClick={() => form.chooseCategory({ code: form.suggestion!.top3[0].code, name: `${form.suggestion!.top3[0].parentName} / ${form.suggestion!.top3[0].name}` })}
          >
            <Text>{t('form.suggested', { name: categoryName(form.suggestion.top3[0].code, `${form.suggestion.top3[0].parentName} / ${form.suggestion.top3[0].name}`) })}　</Text>
            <Text className='link'>{t('form.use')}</Text>
          </View>
        ) : null}
        {/* One banner: a 紧急提示 question answered 「是」 shows its own (in the questions), with the same buttons. */}
        {!form.questions.some((q) => q.type === 'blocking' && draft.answers[q.code] === true) && <EmergencyCallBanner suggestion={form.suggestion} />}
      </View>

      <Questions questions={form.questions} answers={draft.answers} onAnswer={form.setAnswer} errors={fieldErrors} showErrors={Boolean(touched.answers) || draft.submit.state === 'failed'} />

      <View className='card'>
        <Text className='card-title'>{t('form.photosOptional')}</Text>
        <PhotoPicker photos={draft.photos} onAdd={() => void form.addPhotos()} onRetry={form.retryPhoto} onRemove={form.removePhoto} error={fieldErrors.mediaIds} />
      </View>

      <View className='card'>
        <Text className='card-title'>{t('form.where')}</Text>
        <ReportLocation form={form} showError={Boolean(touched.location)} />
      </View>

      <View className='card'>
        <Text className='card-title'>{t('form.contact')}</Text>
        <View className='field'>
          <Text className='field-label'>{t('form.phoneLabel')}</Text>
          <Input
            className={`input ${shown('contactPhone') ? 'invalid' : ''}`}
            type='text'
            maxlength={20}
            value={draft.contactPhone}
            placeholder={t('form.phonePlaceholder')}
            aria-label={t('form.phoneLabel')}
            onInput={(e) => form.update((d) => ({ ...d, contactPhone: e.detail.value }))}
            onBlur={() => form.touch('contactPhone')}
            data-testid='phone'
          />
          {shown('contactPhone') && <Text className='error-text'>{shown('contactPhone')}</Text>}
          <Text className='hint'>{t('form.phoneHint')}</Text>
        </View>
        <View className='row'>
          <View>
            <Text className='field-label'>{t('form.anonymous')}</Text>
            <Text className='hint'>{t('form.anonymousHint')}</Text>
          </View>
          <Toggle checked={draft.anonymous} label={t('form.anonymous')} onChange={(on) => form.update((d) => ({ ...d, anonymous: on }))} testId='anonymous' />
        </View>
      </View>

      <SubmitBar form={form} />
    </View>
  );
}
