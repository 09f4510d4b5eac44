import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { RATING_LABELS, type ReportView } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { Timeline } from '../../components/Timeline';
import { formatTime } from '../../lib/format';
import { requireLogin } from '../../lib/session';
import { ApiError } from '../../services/api';
import { absoluteUrl } from '../../services/media';
import { getReport } from '../../services/reports';
import { Actions } from './Actions';
import './detail.scss';

export default function ReportDetail() {
  const { params } = useRouter();
  const [report, setReport] = useState<ReportView | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      if (!(await requireLogin())) return;
      setReport(await getReport(params.id ?? ''));
      setError('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '加载失败，请重试');
    } finally {
      Taro.stopPullDownRefresh();
    }
  }, [params.id]);

  useDidShow(() => void load());
  usePullDownRefresh(() => void load());

  if (error) return <View className='page'><View className='banner error' onClick={() => void load()}><Text>{error}</Text></View></View>;
  if (!report) return <View className='page'><Text className='hint'>加载中…</Text></View>;

  const urls = report.media.map((m) => absoluteUrl(m.url));
  const loc = report.location;
  return (
    <View className='page detail'>
      {report.viewer === 'follower' && (
        <View className='banner info' data-testid='follower-banner'>
          <Text>{params.joined ? '已加入！' : ''}这是其他市民提交的诉求，您已关注，办理进展会通知您。</Text>
        </View>
      )}
      {report.mergedInto && (
        <View className='banner info' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${report.mergedInto!.id}` })} data-testid='merged-banner'>
          <Text>已与诉求 {report.mergedInto.ticketNo} 合并办理，点此查看它的进度 ›</Text>
        </View>
      )}
      <View className='card'>
        <View className='row'>
          <Text className='detail-ticket' data-testid='detail-ticket'>{report.ticketNo}</Text>
          <StatusTag status={report.status} />
        </View>
        <Text className='muted'>{report.kind === 'snap' ? '随申拍' : '我要反映'} · 提交于 {formatTime(report.createdAt)}</Text>
        {report.supporters > 0 && (
          <Text className='muted detail-line' data-testid='supporters'>
            另有 {report.supporters} 位市民反映了同一问题
          </Text>
        )}
      </View>

      <View className='card'>
        <Text className='card-title'>问题描述</Text>
        <Text className='detail-desc' data-testid='detail-description'>{report.description || (report.viewer === 'follower' ? '（诉求内容仅提交人可见）' : '（未填写文字说明）')}</Text>
        {report.media.length > 0 && (
          <View className='detail-photos'>
            {report.media.map((m, i) => (
              <Image key={m.id} className='detail-photo' src={absoluteUrl(m.previewUrl)} mode='aspectFill' onClick={() => Taro.previewImage({ urls, current: urls[i] })} />
            ))}
          </View>
        )}
      </View>

      <View className='card'>
        <Text className='card-title'>地点</Text>
        <Text className='detail-address'>{loc.address || (loc.lat != null ? `经纬度 ${loc.lat.toFixed(5)}, ${loc.lng!.toFixed(5)}` : '未提供')}</Text>
        <View style={{ marginTop: '8px' }}>
          {report.district ? (
            <Text className='tag' data-testid='detail-district'>{report.district.name}</Text>
          ) : (
            <Text className='tag warn-tag'>待人工确定所属区</Text>
          )}
        </View>
        {report.citizenCategory && <Text className='muted'>您选择的分类：{report.citizenCategory.name}</Text>}
        {report.contactPhone && <Text className='muted detail-line'>联系电话：{report.contactPhone}</Text>}
        {report.anonymous && <Text className='muted detail-line'>匿名反映</Text>}
      </View>

      {(report.department || report.dueAt) && (
        <View className='card'>
          <Text className='card-title'>办理信息</Text>
          {report.department && <Text className='muted detail-line'>承办部门：{report.department}</Text>}
          {report.dueAt && <Text className='muted detail-line'>办理时限：{formatTime(report.dueAt)} 前</Text>}
          {report.rating && <Text className='muted detail-line'>我的评价：{RATING_LABELS[report.rating.value]}</Text>}
        </View>
      )}

      <Actions report={report} onChange={setReport} />

      <View className='card' data-testid='timeline'>
        <Text className='card-title'>办理进度</Text>
        <Timeline entries={report.timeline} />
      </View>
    </View>
  );
}
