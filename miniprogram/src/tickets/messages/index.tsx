import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { MessageView } from '@ssp/shared';
import { StatusTag } from '../../components/StatusTag';
import { formatTime } from '../../lib/format';
import { usePagedList } from '../../lib/usePagedList';
import { messages } from '../../services/notifications';
import './messages.scss';
import { useT } from '../../i18n';
import { usePageMode } from '../../lib/elder';
import { usePageTitle } from '../../lib/pageTitle';

/** Every status change of the resident's tickets (and tickets they joined), whether or not WeChat messages are allowed. */
export default function Messages() {
  const t = useT();
  const mode = usePageMode();
  usePageTitle('messages');
  const [unread, setUnread] = useState(0);
  const { items, setItems, state, error, load } = usePagedList(messages.list, (page) => setUnread(page.unread));

  const open = (m: MessageView) => {
    if (!m.read) {
      setItems((prev) => prev.map((x) => (x.id === m.id ? { ...x, read: true } : x)));
      setUnread((n) => Math.max(0, n - 1));
      void messages.markRead([m.id]).catch(() => {});
    }
    void Taro.navigateTo({ url: `/tickets/detail/index?id=${m.reportId}` });
  };
  const readAll = async () => {
    const res = await messages.markRead().catch(() => null);
    if (!res) return;
    setItems((prev) => prev.map((x) => ({ ...x, read: true })));
    setUnread(res.unread);
  };

  return (
    <View className={`page messages ${mode}`}>
      {unread > 0 && (
        <View className='row messages-head'>
          <Text className='muted'>{t('messages.unread', { count: unread })}</Text>
          <Text className='link' onClick={() => void readAll()} data-testid='read-all'>
            {t('messages.markAll')}
          </Text>
        </View>
      )}
      {items.map((m) => (
        <View key={m.id} className={`card message ${m.read ? 'read' : 'unread'}`} onClick={() => open(m)} data-testid='message-item'>
          <View className='row'>
            <Text className='message-title'>
              {!m.read && <Text className='dot' />}
              {m.title}
            </Text>
            <StatusTag status={m.status} />
          </View>
          <Text className='message-body'>{m.body}</Text>
          <Text className='muted'>
            {m.ticketNo} · {formatTime(m.createdAt)}
          </Text>
        </View>
      ))}
      {state === 'loading' && <Text className='hint list-foot'>{t('common.loading')}</Text>}
      {state === 'end' && items.length === 0 && <Text className='hint list-foot'>{t('messages.empty')}</Text>}
      {state === 'error' && (
        <View className='banner error' onClick={() => void load(true)}>
          <Text>{t('common.retryTap', { error })}</Text>
        </View>
      )}
    </View>
  );
}
