import { Button, Text, View } from '@tarojs/components';
import type { useReportDraft } from './useReportDraft';

const FIELD_NAMES: Record<string, string> = {
  description: '问题描述',
  mediaIds: '照片',
  location: '地点',
  contactPhone: '联系电话',
};

/** The submit button, why it is disabled, and what happened to the last attempt. */
export function SubmitBar({ form }: { form: ReturnType<typeof useReportDraft> }) {
  const { draft, valid, fieldErrors } = form;
  const submitting = draft.submit.state === 'submitting';
  const missing = Object.keys(fieldErrors).map((k) => FIELD_NAMES[k] ?? k);
  return (
    <View className='submit-bar'>
      {draft.submit.state === 'failed' && (
        <View className='banner error' data-testid='submit-error'>
          <Text>
            {draft.submit.network ? '提交未成功：' : ''}
            {draft.submit.message}
            {draft.submit.network ? '。草稿已保存，可放心重试，不会重复提交。' : ''}
          </Text>
        </View>
      )}
      <Button className={`btn ${!valid || submitting ? 'disabled' : ''}`} disabled={!valid || submitting} loading={submitting} onClick={() => void form.submit()} data-testid='submit'>
        {submitting ? '正在提交…' : draft.submit.state === 'failed' ? '重新提交' : '提交诉求'}
      </Button>
      {!valid && missing.length > 0 && <Text className='hint submit-hint'>还需完善：{missing.join('、')}</Text>}
      <Text className='hint submit-hint'>草稿会自动保存在本机</Text>
    </View>
  );
}
