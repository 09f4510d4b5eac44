import { Input, Text, View } from '@tarojs/components';
import { useEffect, useRef } from 'react';
import { LIMITS } from '@ssp/shared';
import { ReportLocation } from '../ReportLocation';
import { EmergencyCallBanner } from '../../components/EmergencyCallBanner';
import { PhotoPicker } from '../../components/PhotoPicker';
import { SubmitBar } from '../SubmitBar';
import { useReportDraft } from '../useReportDraft';
import '../report.scss';

/**
 * Camera first: the picker opens as the page does, location fills itself in,
 * and the note is optional, so a report is: open 随申拍 → shoot → 提交.
 */
export default function SnapPage() {
  const form = useReportDraft('snap');
  const { draft, fieldErrors } = form;
  const opened = useRef(false);

  useEffect(() => {
    if (!form.ready || opened.current || draft.photos.length > 0) return;
    opened.current = true;
    void form.addPhotos(['camera', 'album']);
  }, [form.ready, draft.photos.length, form]);

  return (
    <View className='page report-form'>
      <View className='card'>
        <Text className='card-title'>拍下问题</Text>
        <PhotoPicker photos={draft.photos} onAdd={() => void form.addPhotos(['camera', 'album'])} onRetry={form.retryPhoto} onRemove={form.removePhoto} error={draft.photos.length ? fieldErrors.mediaIds : undefined} />
      </View>
      <View className='card'>
        <Text className='card-title'>位置</Text>
        <ReportLocation form={form} showError={false} />
      </View>
      {form.chips.length > 0 && (
        <View className='card'>
          <Text className='card-title'>这是什么问题？（可选）</Text>
          <View className='chip-row'>
            {form.chips.map((c) => (
              <Text key={c.code} className={`chip ${draft.category?.code === c.code ? 'active' : ''}`} onClick={() => form.chooseCategory(draft.category?.code === c.code ? null : c)} data-testid='category-chip'>
                {c.name}
              </Text>
            ))}
          </View>
          <Text className='hint'>不确定可以不选，工作人员会帮您归类</Text>
        </View>
      )}
      <View className='card'>
        <Text className='card-title'>一句话说明（可选）</Text>
        <Input
          className='input snap-note'
          value={draft.description}
          maxlength={LIMITS.snapDescription.max}
          placeholder='例如：人行道地砖松动'
          onInput={(e) => form.update((d) => ({ ...d, description: e.detail.value }))}
          data-testid='snap-note'
        />
        <EmergencyCallBanner suggestion={form.suggestion} />
      </View>
      <SubmitBar form={form} />
    </View>
  );
}
