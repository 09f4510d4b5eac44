import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { ReportView } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { formatTime } from '../../lib/format';
import { usePagedList } from '../../lib/usePagedList';
import { absoluteUrl } from '../../services/media';
import { listFollowing, listMyReports } from '../../services/reports';
import '../../components/HomeEntry.scss';
import './index.scss';
import { categoryName, districtName, useT } from '../../i18n';
import { usePageTitle } from '../../lib/pageTitle';
import { useCategoryTree } from '../../lib/useCategoryTree';
import { usePageMode } from '../../lib/elder';
import { Settings } from '../../components/Settings';

export default function MyReports() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('tickets');
  const tree = useCategoryTree();
  const [following, setFollowing] = useState<ReportView[]>([]);
  const { items, state, error, load } = usePagedList(listMyReports, (_page, reset) => {
    if (reset) listFollowing().then((r) => setFollowing(r.items), () => {});
  });

  return (
    <View className={`page tickets ${mode}`}>
      <View className='home-entry profile' role='button' onClick={() => void Taro.navigateTo({ url: '/me/profile/index' })} data-testid='entry-profile'>
        <View className='home-entry-text'>
          <Text className='home-entry-title'>{t('tickets.profile')}</Text>
        </View>
        <Text className='home-chevron' aria-hidden='true'>›</Text>
      </View>
      <Settings />
      {following.length > 0 && (
        <View className='following' data-testid='following'>
          <Text className='section-title'>{t('tickets.following', { count: following.length })}</Text>
          {following.map((r) => (
            <View key={r.id} className='ticket-item card' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${r.id}` })} data-testid='following-item'>
              <View className='ticket-main'>
                <View className='row'>
                  <Text className='ticket-no'>{r.ticketNo}</Text>
                  <StatusTag status={r.status} />
                </View>
                <Text className='ticket-desc'>{r.description}</Text>
                <Text className='muted'>
                  {t('tickets.othersReported', { category: r.category ? categoryName(tree, r.category) : '', count: r.supporters + 1 })}
                </Text>
              </View>
            </View>
          ))}
          <Text className='section-title'>{t('tickets.mine')}</Text>
        </View>
      )}
      {items.map((r) => (
        <View key={r.id} className='ticket-item card' onClick={() => void Taro.navigateTo({ url: `/tickets/detail/index?id=${r.id}` })} data-testid='ticket-item'>
          <View className='ticket-main'>
            <View className='row'>
              <Text className='ticket-no'>{r.ticketNo}</Text>
              <StatusTag status={r.status} />
            </View>
            <Text className='ticket-desc'>{r.description || (r.kind === 'snap' ? t('tickets.snapFallback') : '')}</Text>
            <Text className='muted'>
              {r.kind === 'snap' ? t('common.kindSnap') : t('common.kindComplaint')}
              {r.citizenCategory ? ` · ${categoryName(tree, r.citizenCategory)}` : ''}
              {r.district ? ` · ${districtName(r.district)}` : ''} · {formatTime(r.createdAt)}
            </Text>
          </View>
          {r.media[0] && <Image className='ticket-thumb' src={absoluteUrl(r.media[0].previewUrl)} mode='aspectFill' aria-hidden='true' />}
        </View>
      ))}
      {state === 'loading' && <Text className='hint list-foot'>{t('common.loading')}</Text>}
      {state === 'end' && items.length > 0 && <Text className='hint list-foot'>{t('common.noMore')}</Text>}
      {state === 'error' && (
        <View className='banner error' onClick={() => void load(items.length === 0)}>
          <Text>{t('common.retryTap', { error })}</Text>
        </View>
      )}
      {state === 'end' && items.length === 0 && (
        <View className='empty'>
          <Text className='muted'>{t('tickets.empty')}</Text>
          <View style={{ height: '24px' }} />
          <View className='btn' onClick={() => void Taro.navigateTo({ url: '/report/complaint/index' })}>
            <Text>{t('home.complaint')}</Text>
          </View>
        </View>
      )}
    </View>
  );
}
