import { Text, View } from '@tarojs/components';
import { STATUS_LABELS, type TimelineEntry } from '@ssp/shared';
import { formatTime } from '../lib/format';
import './Timeline.scss';

const ACTORS: Record<string, string> = { citizen: '我', system: '系统', admin: '工作人员', pipeline: '承办部门' };

/** Newest first: residents look for the latest news. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const ordered = [...entries].reverse();
  return (
    <View className='timeline'>
      {ordered.map((e, i) => (
        <View key={`${e.at}-${i}`} className={`timeline-item ${i === 0 ? 'latest' : ''}`}>
          <View className='timeline-dot' />
          <View className='timeline-body'>
            <View className='row'>
              <Text className='timeline-status'>{STATUS_LABELS[e.status]}</Text>
              <Text className='muted'>{formatTime(e.at)}</Text>
            </View>
            <Text className='timeline-message'>{e.message}</Text>
            <Text className='muted'>{ACTORS[e.actor] ?? e.actor}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}
