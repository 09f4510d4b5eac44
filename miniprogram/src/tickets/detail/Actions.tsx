import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { LIMITS, RATING_LABELS, reopenSchema, supplementSchema, toFieldIssues, validate, withdrawSchema, type ReportView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { followUp } from '../../services/reports';
import { choosePhotos, uploadImage } from '../../services/media';
import type { PhotoDraft } from '../../services/drafts';
import { PhotoPicker } from '../../components/PhotoPicker';
import { fieldMessage, useT } from '../../i18n';
import { formatTime } from '../../lib/format';

type Mode = null | 'withdraw' | 'supplement' | 'rate' | 'reopen';

/** The follow-up actions the rules allow right now (the server decides; hidden otherwise). */
export function Actions({ report, onChange, initialSupplement }: { report: ReportView; onChange: (r: ReportView) => void; initialSupplement?: string }) {
  const t = useT();
  // A draft's edited text kept after it turned out to be filed already: offered as 补充信息, ready to send.
  const prefill = initialSupplement && report.allowedActions.supplement ? initialSupplement.slice(0, 500) : '';
  const [mode, setMode] = useState<Mode>(prefill ? 'supplement' : null);
  const [text, setText] = useState(prefill);
  const [rating, setRating] = useState<keyof typeof RATING_LABELS | null>(null);
  const [error, setError] = useState('');
  /** what is wrong with the text box, shown under it (checked here first; the server's answer for it too) */
  const [textError, setTextError] = useState('');
  const a = report.allowedActions;

  // 补充信息 may bring photos (the API takes mediaIds): the report form's picker and uploads, kept here.
  const [photos, setPhotos] = useState<PhotoDraft[]>([]);
  const setPhoto = (localPath: string, change: Partial<PhotoDraft>) => setPhotos((ps) => ps.map((p) => (p.localPath === localPath ? { ...p, ...change } : p)));
  const upload = async (localPath: string) => {
    setPhoto(localPath, { status: 'uploading', progress: 0, error: undefined });
    try {
      const media = await uploadImage(localPath, (progress) => setPhoto(localPath, { progress }));
      setPhoto(localPath, { status: 'done', progress: 100, mediaId: media.id, previewUrl: media.previewUrl });
    } catch (err) {
      setPhoto(localPath, { status: 'failed', error: (err as Error).message });
    }
  };
  const addPhotos = async () => {
    const room = LIMITS.mediaPerReport.max - photos.length;
    if (room <= 0) return;
    let paths: string[];
    try {
      paths = await choosePhotos(room);
    } catch {
      return; // the picker was cancelled
    }
    setPhotos((ps) => [...ps, ...paths.map((localPath) => ({ localPath, status: 'uploading' as const, progress: 0 }))]);
    if (paths.length) setTextError('');
    await Promise.all(paths.map(upload));
  };
  const mediaIds = photos.filter((p) => p.mediaId).map((p) => p.mediaId!);
  const photoError = photos.some((p) => p.status === 'uploading') ? t('form.uploading') : photos.some((p) => p.status === 'failed') ? t('form.uploadFailedSome') : '';

  const run = async (fn: () => Promise<ReportView>, done: string) => {
    setError('');
    setTextError('');
    try {
      onChange(await fn());
      setMode(null);
      setText('');
      setPhotos([]);
      void Taro.showToast({ title: done, icon: 'success' });
    } catch (err) {
      const issue = err instanceof ApiError ? err.details.find((d) => d.path === 'text' || d.path === 'reason' || d.path.startsWith('mediaIds')) : undefined;
      if (issue) setTextError(fieldMessage(issue));
      else setError(err instanceof ApiError ? err.message : t('common.actionFailed'));
    }
  };

  /** The same check the server makes, before sending: an empty 补充信息 or reason is named at the box. */
  const sendText = () => {
    const checked = mode === 'withdraw' ? validate(withdrawSchema, { reason: text }) : mode === 'reopen' ? validate(reopenSchema, { reason: text }) : validate(supplementSchema, { text, mediaIds });
    if (mode === 'supplement' && photoError) return; // shown under the photos
    if (!checked.success) {
      setError('');
      setTextError(fieldMessage(toFieldIssues(checked.error)[0]));
      return;
    }
    void run(
      () => (mode === 'withdraw' ? followUp.withdraw(report.id, text) : mode === 'reopen' ? followUp.reopen(report.id, text) : followUp.supplement(report.id, text, mediaIds)),
      mode === 'withdraw' ? t('actions.withdrawn') : mode === 'reopen' ? t('actions.reopened') : t('actions.supplemented'),
    );
  };
  const closeForm = () => {
    setMode(null);
    setTextError('');
    setError('');
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
      {!mode && report.urgeFrom && <Text className='hint' data-testid='urge-from'>{t('actions.urgeFrom', { time: formatTime(report.urgeFrom) })}</Text>}
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
            <Button className='btn small secondary' onClick={closeForm}>{t('common.cancel')}</Button>
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
            onInput={(e) => {
              setText(e.detail.value);
              if (textError) setTextError('');
            }}
            data-testid='action-text'
          />
          {textError && <Text className='error-text' data-testid='action-text-error'>{textError}</Text>}
          {mode === 'supplement' && (
            <PhotoPicker photos={photos} onAdd={() => void addPhotos()} onRetry={(i) => void upload(photos[i].localPath)} onRemove={(i) => setPhotos((ps) => ps.filter((_, j) => j !== i))} error={photoError || undefined} />
          )}
          <View className='detail-actions'>
            <Button className='btn small' onClick={sendText} data-testid='action-submit'>
              {t('common.submit')}
            </Button>
            <Button className='btn small secondary' onClick={closeForm}>{t('common.cancel')}</Button>
          </View>
        </View>
      )}
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
