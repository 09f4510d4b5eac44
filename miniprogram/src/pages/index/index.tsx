import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { hasContent, loadDraft } from '../../services/drafts';
import { currentSession } from '../../services/api';
import { refreshUnreadBadge } from '../../services/notifications';
import './index.scss';

const ENTRIES = [
  { key: 'complaint', title: '我要反映', desc: '描述问题，可附照片，12345 热线受理', url: '/report/complaint/index', icon: '✎' },
  { key: 'snap', title: '随申拍', desc: '拍下身边的问题，自动定位，三步提交', url: '/report/snap/index', icon: '◉' },
  { key: 'mine', title: '我的诉求', desc: '查看办理进度、补充信息、评价', url: '/pages/tickets/index', icon: '☰' },
] as const;

export default function Home() {
  const [draftWaiting, setDraftWaiting] = useState(false);
  const [isStaff, setIsStaff] = useState(false);
  const [unread, setUnread] = useState(0);
  useDidShow(() => {
    setDraftWaiting(hasContent(loadDraft('complaint')));
    setIsStaff(currentSession()?.user.role === 'admin');
    refreshUnreadBadge().then(setUnread, () => {});
  });

  const open = (entry: (typeof ENTRIES)[number]) => {
    if (entry.key === 'mine') void Taro.switchTab({ url: entry.url });
    else void Taro.navigateTo({ url: entry.url });
  };

  return (
    <View className='page home'>
      <View className='home-hero'>
        <Text className='home-title'>随申拍 · 12345 市民诉求</Text>
        <Text className='home-sub'>发现身边问题，随手反映，全程可查</Text>
      </View>
      {draftWaiting && (
        <View className='banner warn' onClick={() => open(ENTRIES[0])}>
          <Text>您有一条未提交的诉求草稿，点此继续填写</Text>
        </View>
      )}
      {ENTRIES.map((e) => (
        <View key={e.key} className={`home-entry ${e.key}`} onClick={() => open(e)} data-testid={`entry-${e.key}`}>
          <View className='home-icon'>
            <Text>{e.icon}</Text>
          </View>
          <View className='home-entry-text'>
            <Text className='home-entry-title'>{e.title}</Text>
            <Text className='home-entry-desc'>{e.desc}</Text>
          </View>
          <Text className='home-chevron'>›</Text>
        </View>
      ))}
      {currentSession()?.user.role === 'citizen' && (
        <View className='home-entry messages' onClick={() => void Taro.navigateTo({ url: '/tickets/messages/index' })} data-testid='entry-messages'>
          <View className='home-icon'>
            <Text>✉</Text>
          </View>
          <View className='home-entry-text'>
            <Text className='home-entry-title'>消息通知</Text>
            <Text className='home-entry-desc'>受理、派单、办结等进度提醒</Text>
          </View>
          {unread > 0 && (
            <Text className='unread-badge' data-testid='unread-count'>
              {unread > 99 ? '99+' : unread}
            </Text>
          )}
          <Text className='home-chevron'>›</Text>
        </View>
      )}
      {isStaff && (
        <View className='banner info' onClick={() => void Taro.navigateTo({ url: '/admin/index/index' })}>
          <Text>您已作为工作人员登录，点此进入管理后台</Text>
        </View>
      )}
      <Text className='hint home-foot'>紧急情况请直接拨打 110 / 119 / 120。非紧急诉求也可拨打 12345 热线。</Text>
    </View>
  );
}
