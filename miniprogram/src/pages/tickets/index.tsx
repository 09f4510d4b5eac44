import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { ReportView } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { formatTime } from '../../lib/format';
import { usePagedList } from '../../lib/usePagedList';
import { absoluteUrl } from '../../services/media';
import { listFollowing, listMyReports } from '../../services/reports';
import './index.scss';

export default function MyReports() {
  const [following, setFollowing] = useState<ReportView[]>([]);
  const { items, state, error, load } = usePagedList(listMyReports, (_page, reset) => {
    if (reset) listFollowing().then((r) => setFollowing(r.items), () => {});
  });

  return (
    <View className='page tickets'>
      {following.length > 0 && (
        <View className='following' data-testid='following'>
          <Text className='section-title'>我关注的（{following.length}）</Text>
          {following.map((r) => (
            <View key={r.id} className='ticket-item card' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${r.id}` })} data-testid='following-item'>
              <View className='ticket-main'>
                <View className='row'>
                  <Text className='ticket-no'>{r.ticketNo}</Text>
                  <StatusTag status={r.status} />
                </View>
                <Text className='ticket-desc'>{r.description}</Text>
                <Text className='muted'>
                  {r.category?.name ?? ''} · {r.supporters + 1} 位市民反映
                </Text>
              </View>
            </View>
          ))}
          <Text className='section-title'>我提交的</Text>
        </View>
      )}
      {items.map((r) => (
        <View key={r.id} className='ticket-item card' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${r.id}` })} data-testid='ticket-item'>
          <View className='ticket-main'>
            <View className='row'>
              <Text className='ticket-no'>{r.ticketNo}</Text>
              <StatusTag status={r.status} />
            </View>
            <Text className='ticket-desc'>{r.description || (r.kind === 'snap' ? '随手拍照片反映' : '')}</Text>
            <Text className='muted'>
              {r.kind === 'snap' ? '随申拍' : '我要反映'}
              {r.citizenCategory ? ` · ${r.citizenCategory.name}` : ''}
              {r.district ? ` · ${r.district.name}` : ''} · {formatTime(r.createdAt)}
            </Text>
          </View>
          {r.media[0] && <Image className='ticket-thumb' src={absoluteUrl(r.media[0].previewUrl)} mode='aspectFill' />}
        </View>
      ))}
      {state === 'loading' && <Text className='hint list-foot'>加载中…</Text>}
      {state === 'end' && items.length > 0 && <Text className='hint list-foot'>没有更多了</Text>}
      {state === 'error' && (
        <View className='banner error' onClick={() => void load(items.length === 0)}>
          <Text>{error}，点此重试</Text>
        </View>
      )}
      {state === 'end' && items.length === 0 && (
        <View className='empty'>
          <Text className='muted'>您还没有反映过问题</Text>
          <View style={{ height: '24px' }} />
          <View className='btn' onClick={() => void Taro.navigateTo({ url: '/report/complaint/index' })}>
            <Text>我要反映</Text>
          </View>
        </View>
      )}
    </View>
  );
}
