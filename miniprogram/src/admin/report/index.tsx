import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { answerText, AUDIT_ACTIONS, type AuditEntryView, type CategoryNodeView, type ReportView } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi } from '../../services/console';
import { formatTime } from '../../lib/format';
import { ConsoleLayout } from '../ConsoleLayout';
import { can, useAdminGuard } from '../useAdmin';
import { admin } from '../../services/classification';
import { CategoryChooser } from '../CategoryChooser';
import { ReportPhotos } from '../ReportPhotos';

/** One report as staff see it: timeline, the classifier's explanation, delivery, followers and the audit entries about it. */
export default function ReportDetailPage() {
  const ok = useAdminGuard();
  const { params } = useRouter();
  const [data, setData] = useState<{ report: ReportView; followers: { via: string; at: string }[]; audit: AuditEntryView[] } | null>(null);
  const [error, setError] = useState('');
  // 更正分类: the tree is fetched when the chooser first opens.
  const [tree, setTree] = useState<CategoryNodeView[] | null>(null);
  const [correcting, setCorrecting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [correctError, setCorrectError] = useState('');
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    const next = await consoleApi.report(params.id!);
    setData(next);
    return next;
  }, [params.id]);
  useEffect(() => {
    if (!ok || !params.id) return;
    load().catch((err) => setError(err instanceof ApiError ? err.message : '加载失败'));
  }, [ok, params.id, load]);
  // Photo links are signed for about an hour: a thumbnail that no longer loads fetches the report again, at most once a minute.
  const lastRefresh = useRef(0);
  const refreshLinks = useCallback(() => {
    if (Date.now() - lastRefresh.current < 60_000) return;
    lastRefresh.current = Date.now();
    void load().catch(() => undefined);
  }, [load]);

  const openCorrection = async () => {
    setCorrectError('');
    setNotice('');
    try {
      if (!tree) setTree((await admin.tree()).categories);
      setCorrecting(true);
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : '分类加载失败，请重试');
    }
  };
  const correct = async (code: string, label: string, reason: string) => {
    const r = data!.report;
    setSaving(true);
    setCorrectError('');
    try {
      // A report still in 待分拣 is decided there the same way; `expectedCategoryCode` stops us overwriting a change made meanwhile.
      await admin.correct(r.id, code, reason, r.category?.code ?? null);
      setCorrecting(false);
      await load();
      setNotice(`已更正为「${label}」`);
    } catch (err) {
      setCorrectError(err instanceof ApiError ? err.details[0]?.message ?? err.message : '未能保存，请重试');
      if (err instanceof ApiError && err.code === 'CATEGORY_CHANGED') void load();
    } finally {
      setSaving(false);
    }
  };

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
              <View className='kv'><Text className='kv-k'>状态</Text><Text>{r.statusLabel}{r.urgent ? '（紧急）' : r.urgency === 'semi_urgent' ? '（次紧急）' : ''}{r.overdue ? '（超期）' : ''}</Text></View>
              <View className='kv'>
                <Text className='kv-k'>分类</Text>
                <Text data-testid='detail-category'>{r.category ? `${r.category.parentName} / ${r.category.name}` : '待分拣'}</Text>
                {can('category_admin', 'operator') && r.status !== 'merged' && (
                  <View className='cell-link' role='button' onClick={() => void openCorrection()} data-testid='correct-category'>{r.triage?.state === 'pending' ? '分拣…' : '更正分类…'}</View>
                )}
              </View>
              {notice && <View className='kv' role='status'><Text className='muted-text' data-testid='detail-notice'>{notice}</Text></View>}
              <View className='kv'><Text className='kv-k'>区</Text><Text data-testid='detail-district'>{r.district?.name ?? '需人工派单'}</Text></View>
              <View className='kv'><Text className='kv-k'>地址</Text><Text>{r.location.address ?? '—'}</Text></View>
              <View className='kv'><Text className='kv-k'>内容</Text><Text>{r.description || (r.media.length ? '（无文字，见照片）' : '（无文字）')}</Text></View>
              {r.media.length > 0 && (
                <View className='kv' data-testid='report-photos'>
                  <Text className='kv-k'>照片（{r.media.length}）</Text>
                  <ReportPhotos media={r.media} label='市民照片' fresh={async () => (await load()).report.media} onBroken={refreshLinks} />
                </View>
              )}
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
                  {/* The resident's supplement photos and staff's completion photos come with their timeline entry. */}
                  {e.media && e.media.length > 0 && (
                    <ReportPhotos
                      media={e.media}
                      label={e.actor === 'citizen' ? '市民补充照片' : '办理照片'}
                      size='small'
                      testId='timeline-photo'
                      fresh={async () => (await load()).report.timeline[i]?.media ?? e.media!}
                      onBroken={refreshLinks}
                    />
                  )}
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
      {correcting && r && tree && (
        <CategoryChooser
          title={r.triage?.state === 'pending' ? `为 ${r.ticketNo} 选择分类` : `更正 ${r.ticketNo} 的分类`}
          tree={tree}
          current={r.category?.code ?? null}
          askReason={r.triage?.state !== 'pending'}
          busy={saving}
          error={correctError}
          onCancel={() => setCorrecting(false)}
          onConfirm={(c, reason) => void correct(c.code, c.name, reason)}
        />
      )}
    </ConsoleLayout>
  );
}
