import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { absoluteUrl } from '../services/media';
import { STATUS_LABELS, STATUS_LABELS_EN, type TimelineEntry } from '@ssp/shared';
import { formatTime } from '../lib/format';
import './Timeline.scss';
import { currentLanguage, useT } from '../i18n';

/** Newest first: residents look for the latest news. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const t = useT();
  const ordered = [...entries].reverse();
  return (
    <View className='timeline'>
      {ordered.map((e, i) => (
        <View key={`${e.at}-${i}`} className={`timeline-item ${i === 0 ? 'latest' : ''}`}>
          <View className='timeline-dot' />
          <View className='timeline-body'>
            <View className='row'>
              <Text className='timeline-status'>{currentLanguage() === 'en' ? STATUS_LABELS_EN[e.status] : STATUS_LABELS[e.status]}</Text>
              <Text className='muted'>{formatTime(e.at)}</Text>
            </View>
            <Text className='timeline-message'>{e.message}</Text>
            {e.media && e.media.length > 0 && (
              <View className='timeline-photos'>
                {e.media.map((m) => (
                  <Image key={m.id} className='timeline-photo' aria-hidden='true' src={absoluteUrl(m.previewUrl)} mode='aspectFill' onClick={() => Taro.previewImage({ urls: e.media!.map((x) => absoluteUrl(x.url)), current: absoluteUrl(m.url) })} data-testid='timeline-photo' />
                ))}
              </View>
            )}
            <Text className='muted'>{['citizen', 'system', 'admin', 'pipeline'].includes(e.actor) ? t(`timeline.${e.actor}`) : e.actor}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}
