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
      {form.similar.length > 0 && (
        <View className='card similar' data-testid='similar'>
          <Text className='card-title'>附近已有人反映</Text>
          <Text className='hint'>附近 200 米内，最近 7 天已有相似的诉求正在办理。加入后您会收到它的办理进度，不必重复提交。</Text>
          {form.similar.map((t) => (
            <View key={t.id} className='similar-item' data-testid='similar-item'>
              <View className='row'>
                <Text className='similar-category'>{t.category}</Text>
                <Text className='muted'>
                  {t.statusLabel} · {t.place}
                </Text>
              </View>
              {t.description && <Text className='similar-desc'>{t.description}</Text>}
              {t.supporters > 0 && <Text className='muted'>已有 {t.supporters + 1} 位市民反映</Text>}
              <Button className='btn small' onClick={() => void form.join(t.id, t.offer)} data-testid='similar-join'>
                是同一问题，加入关注（+1）
              </Button>
            </View>
          ))}
          <Button className='btn small secondary' onClick={() => void form.submit(true)} data-testid='similar-submit-anyway'>
            不是同一问题，仍然提交
          </Button>
        </View>
      )}
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
