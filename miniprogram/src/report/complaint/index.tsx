import { Switch, Text, Textarea, Input, View } from '@tarojs/components';
import { LIMITS } from '@ssp/shared';
import { ReportLocation } from '../ReportLocation';
import { EmergencyCallBanner } from '../../components/EmergencyCallBanner';
import { PhotoPicker } from '../../components/PhotoPicker';
import { SubmitBar } from '../SubmitBar';
import { useReportDraft } from '../useReportDraft';
import '../report.scss';

export default function ComplaintPage() {
  const form = useReportDraft('complaint');
  const { draft, fieldErrors, touched } = form;
  const length = draft.description.trim().length;
  const shown = (field: string) => (touched[field] ? fieldErrors[field] : undefined);

  return (
    <View className='page report-form'>
      <View className='card'>
        <Text className='card-title'>遇到了什么问题？</Text>
        <Textarea
          className={`textarea ${shown('description') ? 'invalid' : ''}`}
          value={draft.description}
          maxlength={LIMITS.complaintDescription.max}
          placeholder='请描述问题的时间、地点和具体情况，例如：每天晚上10点后小区旁工地仍在施工，噪声很大。'
          onInput={(e) => form.update((d) => ({ ...d, description: e.detail.value }))}
          onBlur={() => form.touch('description')}
          data-testid='description'
        />
        <Text className={`counter muted ${length > LIMITS.complaintDescription.max ? 'error-text' : ''}`}>
          {length}/{LIMITS.complaintDescription.max}
        </Text>
        {shown('description') && <Text className='error-text'>{shown('description')}</Text>}
        {draft.category ? (
          <View className='banner ok category-line' data-testid='category-chosen'>
            <Text>已选分类：{draft.category.name}　</Text>
            <Text className='link' onClick={() => form.chooseCategory(null)}>取消</Text>
          </View>
        ) : form.suggestion ? (
          <View className='banner info category-line' data-testid='category-suggestion' onClick={() => form.chooseCategory({ code: form.suggestion!.top3[0].code, name: `${form.suggestion!.top3[0].parentName} / ${form.suggestion!.top3[0].name}` })}>
            <Text>推荐分类：{form.suggestion.top3[0].parentName} / {form.suggestion.top3[0].name}　</Text>
            <Text className='link'>选用</Text>
          </View>
        ) : null}
        <EmergencyCallBanner suggestion={form.suggestion} />
      </View>

      <View className='card'>
        <Text className='card-title'>现场照片（可选）</Text>
        <PhotoPicker photos={draft.photos} onAdd={() => void form.addPhotos()} onRetry={form.retryPhoto} onRemove={form.removePhoto} error={fieldErrors.mediaIds} />
      </View>

      <View className='card'>
        <Text className='card-title'>问题发生地点</Text>
        <ReportLocation form={form} showError={Boolean(touched.location)} />
      </View>

      <View className='card'>
        <Text className='card-title'>联系方式</Text>
        <View className='field'>
          <Text className='field-label'>联系电话（可选）</Text>
          <Input
            className={`input ${shown('contactPhone') ? 'invalid' : ''}`}
            type='text'
            maxlength={20}
            value={draft.contactPhone}
            placeholder='便于工作人员联系您核实情况'
            onInput={(e) => form.update((d) => ({ ...d, contactPhone: e.detail.value }))}
            onBlur={() => form.touch('contactPhone')}
            data-testid='phone'
          />
          {shown('contactPhone') && <Text className='error-text'>{shown('contactPhone')}</Text>}
          <Text className='hint'>号码仅用于办理本诉求，页面上只显示部分数字</Text>
        </View>
        <View className='row'>
          <View>
            <Text className='field-label'>匿名反映</Text>
            <Text className='hint'>承办部门将看不到您的身份信息</Text>
          </View>
          <Switch checked={draft.anonymous} color='#1a5fb4' onChange={(e) => form.update((d) => ({ ...d, anonymous: e.detail.value }))} />
        </View>
      </View>

      <SubmitBar form={form} />
    </View>
  );
}
