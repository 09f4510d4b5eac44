import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { ZoneView } from '@ssp/shared';
import { hasContent, loadDraft } from '../../services/drafts';
import { currentSession } from '../../services/api';
import { refreshUnreadBadge } from '../../services/notifications';
import { activeZones } from '../../services/zones';
import { applyTabBar, localName, useT, zoneBanner } from '../../i18n';
import { usePageTitle } from '../../lib/pageTitle';
import { useElderMode } from '../../lib/elder';
import { PrivacyNotice } from '../../components/PrivacyNotice';
import { Settings } from '../../components/Settings';
import '../../components/HomeEntry.scss';
import './index.scss';

// Taro's View does not type tabIndex; H5 passes it to the element, so these entries take keyboard focus (axe: scrollable-region-focusable).
const KEYBOARD = { tabIndex: 0 } as object;

const ENTRIES = [
  { key: 'complaint', url: '/report/complaint/index', icon: '✎' },
  { key: 'snap', url: '/report/snap/index', icon: '◉' },
  { key: 'mine', url: '/pages/tickets/index', icon: '☰' },
] as const;

function call12345() {
  if (process.env.TARO_ENV === 'h5') window.location.href = 'tel:12345';
  else void Taro.makePhoneCall({ phoneNumber: '12345' }).catch(() => {});
}

export default function Home() {
  const t = useT();
  const [elder] = useElderMode();
  usePageTitle('home');
  const [draftWaiting, setDraftWaiting] = useState(false);
  const [isStaff, setIsStaff] = useState(false);
  const [unread, setUnread] = useState(0);
  const [zones, setZones] = useState<ZoneView[]>([]);
  useDidShow(() => {
    applyTabBar();
    setDraftWaiting(hasContent(loadDraft('complaint')));
    setIsStaff(currentSession()?.user.role === 'admin');
    refreshUnreadBadge().then(setUnread, () => {});
    activeZones().then(setZones, () => setZones([]));
  });

  const open = (entry: (typeof ENTRIES)[number]) => {
    if (entry.key === 'mine') void Taro.switchTab({ url: entry.url });
    else void Taro.navigateTo({ url: entry.url });
  };

  // 长辈模式: the three main actions in big type and plain words, and a call to 12345.
  if (elder) {
    return (
      <View className='page home elder'>
        <PrivacyNotice />
        <Text className='home-title elder-title'>{t('home.title')}</Text>
        {ENTRIES.map((e) => (
          <View key={e.key} className={`elder-entry ${e.key}`} role='button' {...KEYBOARD} onClick={() => open(e)} data-testid={`entry-${e.key}`}>
            <Text className='elder-icon' aria-hidden='true'>{e.icon}</Text>
            <Text className='elder-entry-title'>{t(`elder.${e.key}`)}</Text>
          </View>
        ))}
        <View className='elder-entry call' role='button' {...KEYBOARD} onClick={call12345} data-testid='call-12345'>
          <Text className='elder-icon' aria-hidden='true'>☎</Text>
          <Text className='elder-entry-title'>{t('home.call12345')}</Text>
        </View>
        <Settings />
      </View>
    );
  }

  return (
    <View className='page home'>
      <PrivacyNotice />
      <View className='home-hero'>
        <Text className='home-title'>{t('home.title')}</Text>
        <Text className='home-sub'>{t('home.sub')}</Text>
      </View>
      {draftWaiting && (
        <View className='banner warn' role='button' {...KEYBOARD} onClick={() => open(ENTRIES[0])}>
          <Text>{t('home.draftWaiting')}</Text>
        </View>
      )}
      {ENTRIES.map((e) => (
        <View key={e.key} className={`home-entry ${e.key}`} role='button' {...KEYBOARD} onClick={() => open(e)} data-testid={`entry-${e.key}`}>
          <View className='home-icon' aria-hidden='true'>
            <Text>{e.icon}</Text>
          </View>
          <View className='home-entry-text'>
            <Text className='home-entry-title'>{t(`home.${e.key}`)}</Text>
            <Text className='home-entry-desc'>{t(`home.${e.key}Desc`)}</Text>
          </View>
          <Text className='home-chevron' aria-hidden='true'>›</Text>
        </View>
      ))}
      {zones.length > 0 && (
        <View className='home-zones' data-testid='zones'>
          <Text className='section-title'>{t('home.zones')}</Text>
          {zones.map((z) => (
            <View key={z.id} className='home-entry zone' role='button' {...KEYBOARD} onClick={() => void Taro.navigateTo({ url: `/report/complaint/index?zone=${z.id}` })} data-testid='zone-entry'>
              <View className='home-icon' aria-hidden='true'>
                <Text>{z.icon}</Text>
              </View>
              <View className='home-entry-text'>
                <Text className='home-entry-title'>{localName(z)}</Text>
                {zoneBanner(z) ? <Text className='home-entry-desc'>{zoneBanner(z)}</Text> : null}
              </View>
              <Text className='home-chevron' aria-hidden='true'>›</Text>
            </View>
          ))}
        </View>
      )}
      {currentSession()?.user.role === 'citizen' && (
        <View className='home-entry messages' role='button' {...KEYBOARD} onClick={() => void Taro.navigateTo({ url: '/tickets/messages/index' })} data-testid='entry-messages'>
          <View className='home-icon' aria-hidden='true'>
            <Text>✉</Text>
          </View>
          <View className='home-entry-text'>
            <Text className='home-entry-title'>{t('home.messages')}</Text>
            <Text className='home-entry-desc'>{t('home.messagesDesc')}</Text>
          </View>
          {unread > 0 && (
            <Text className='unread-badge' aria-label={t('home.unread', { count: unread })} data-testid='unread-count'>
              {unread > 99 ? '99+' : unread}
            </Text>
          )}
          <Text className='home-chevron' aria-hidden='true'>›</Text>
        </View>
      )}
      {isStaff && (
        <View className='banner info' role='button' {...KEYBOARD} onClick={() => void Taro.navigateTo({ url: '/admin/index/index' })}>
          <Text>{t('home.staff')}</Text>
        </View>
      )}
      <Settings />
      <Text className='hint home-foot'>{t('home.emergency')}</Text>
      {/* The H5 build is also the staff console; residents use the mini-program, where this entry is not shown. */}
      {process.env.TARO_ENV === 'h5' && !isStaff && (
        <View className='staff-entry' role='link' {...KEYBOARD} onClick={() => void Taro.navigateTo({ url: '/auth/login/index' })} data-testid='staff-entry'>
          <Text>{t('home.staffEntry')}</Text>
        </View>
      )}
    </View>
  );
}
