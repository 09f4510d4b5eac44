import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { answerText, AUDIT_ACTIONS, type AuditEntryView, type ReportView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi } from '../../services/console';
import { formatTime } from '../../lib/format';
import { ConsoleLayout } from '../ConsoleLayout';
import { useAdminGuard } from '../useAdmin';

/** One report as staff see it: timeline, the classifier's explanation, delivery, followers and the audit entries about it. */
export default function ReportDetailPage() {
  const ok = useAdminGuard();
  const { params } = useRouter();
  const [data, setData] = useState<{ report: ReportView; followers: { via: string; at: string }[]; audit: AuditEntryView[] } | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!ok || !params.id) return;
    consoleApi.report(params.id).then(setData).catch((err) => setError(err instanceof ApiError ? err.message : '加载失败'));
  }, [ok, params.id]);

  if (!ok) return <View />;
  const r = data?.report;
  const c = r?.classification;
  return (
    <ConsoleLayout active='search' title={r ? `诉求 ${r.ticketNo}` : '诉求详情'}>
      {error && <View className='panel' data-testid='report-not-found'><Text className='error-text'>{error}</Text></View>}
      {r && (
        <View className='grid2'>
          <View>
            <View className='panel' data-testid='report-detail'>
              <Text className='panel-title'>基本信息</Text>
              <View className='kv'><Text className='kv-k'>状态</Text><Text>{r.statusLabel}{r.urgent ? '（紧急）' : ''}{r.overdue ? '（超期）' : ''}</Text></View>
              <View className='kv'><Text className='kv-k'>分类</Text><Text>{r.category ? `${r.category.parentName} / ${r.category.name}` : '待分拣'}</Text></View>
              <View className='kv'><Text className='kv-k'>区</Text><Text data-testid='detail-district'>{r.district?.name ?? '需人工派单'}</Text></View>
              <View className='kv'><Text className='kv-k'>地址</Text><Text>{r.location.address ?? '—'}</Text></View>
              <View className='kv'><Text className='kv-k'>内容</Text><Text>{r.description || '（随申拍照片）'}</Text></View>
              <View className='kv'><Text className='kv-k'>联系电话</Text><Text>{r.contactPhone ?? '—'}</Text></View>
              <View className='kv'><Text className='kv-k'>承办部门</Text><Text>{r.department ?? '—'}</Text></View>
              <View className='kv'><Text className='kv-k'>办理时限</Text><Text>{r.dueAt ? formatTime(r.dueAt) : '—'}</Text></View>
              <View className='kv'><Text className='kv-k'>专区</Text><Text data-testid='detail-zone'>{r.zone?.title ?? '—'}</Text></View>
            </View>
            {Object.keys(r.answers ?? {}).length > 0 && (
              <View className='panel' data-testid='report-answers'>
                <Text className='panel-title'>补充信息（市民填写）</Text>
                {/* Labelled with the questions as they were asked: the tree may have changed since. */}
                {Object.entries(r.answers).map(([code, value]) => {
                  const q = r.questions.find((x) => x.code === code);
                  return (
                    <View key={code} className='kv' data-testid='answer'>
                      <Text className='kv-k'>{q?.label ?? code}</Text>
                      <Text>{answerText(q, value)}</Text>
                    </View>
                  );
                })}
              </View>
            )}
            <View className='panel'>
              <Text className='panel-title'>办理过程</Text>
              {r.timeline.map((e, i) => (
                <View key={i} className='tl-item'>
                  <Text className='tl-at'>{formatTime(e.at)} · {e.actor}</Text>
                  <Text>{e.message}</Text>
                </View>
              ))}
            </View>
          </View>
          <View>
            <View className='panel'>
              <Text className='panel-title'>分类依据</Text>
              {c ? (
                <>
                  {c.top3.map((t) => <View key={t.code} className='kv'><Text className='kv-k'>{Math.round(t.probability * 100)}%</Text><Text>{t.parentName} / {t.name}</Text></View>)}
                  <View className='kv'><Text className='kv-k'>关键词</Text><Text>{c.explanation.join('、') || '—'}</Text></View>
                  <View className='kv'><Text className='kv-k'>模型</Text><Text>{c.modelVersion}（分类树 v{c.taxonomyVersion}）</Text></View>
                  {r.triage && <View className='kv'><Text className='kv-k'>分拣</Text><Text>{{ auto: '自动分类', pending: '待人工分拣', confirmed: '人工确认', corrected: '人工改分类' }[r.triage.state]}{r.triage.reason ? `：${r.triage.reason}` : ''}</Text></View>}
                </>
              ) : <Text>无</Text>}
            </View>
            <View className='panel'>
              <Text className='panel-title'>推送状态</Text>
              <View className='kv'><Text className='kv-k'>状态</Text><Text>{{ pending: '待推送', delivered: '已推送', dead: '推送失败（待重试）' }[r.delivery?.state ?? 'pending']}（尝试 {r.delivery?.attempts ?? 0} 次）</Text></View>
              {r.delivery?.lastError && <View className='kv'><Text className='kv-k'>最近错误</Text><Text>{r.delivery.lastError}</Text></View>}
            </View>
            <View className='panel'>
              <Text className='panel-title'>关注的市民（{data!.followers.length}）</Text>
              {data!.followers.length === 0 ? <Text>无</Text> : data!.followers.map((f, i) => <View key={i} className='kv'><Text>{formatTime(f.at)}</Text><Text>{f.via === 'merge' ? '合并加入' : '+1 加入'}</Text></View>)}
            </View>
            <View className='panel' data-testid='report-audit'>
              <Text className='panel-title'>操作记录</Text>
              {data!.audit.length === 0 ? <Text>无</Text> : data!.audit.map((a) => (
                <View key={a.id} className='tl-item'>
                  <Text className='tl-at'>{formatTime(a.at)} · {a.actor.name}</Text>
                  <Text>{AUDIT_ACTIONS[a.action as keyof typeof AUDIT_ACTIONS] ?? a.action}</Text>
                </View>
              ))}
            </View>
          </View>
        </View>
      )}
    </ConsoleLayout>
  );
}
