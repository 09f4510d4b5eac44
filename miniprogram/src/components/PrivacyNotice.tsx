import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { AGREE_BUTTON_ID, consent, recordConsent, wechatNeedsAuthorization, whenPrivacyNoticeNeeded } from '../services/privacy';

const WEAPP = process.env.TARO_ENV === 'weapp';

/**
 * The privacy notice at first use, and whenever WeChat asks for the privacy
 * authorisation or a page needs location or the camera before the resident
 * answered. On every page that can use them (home, both report forms, the
 * ticket detail with its photo supplement). A refusal is remembered and
 * respected: no location, no camera; the resident can still file with a
 * typed address, and can read the notice again to change their mind.
 */
export function PrivacyNotice({ refusedBanner = true }: { refusedBanner?: boolean }) {
  const t = useT();
  const [open, setOpen] = useState(() => consent() === null);
  const [refused, setRefused] = useState(() => consent() === 'refused');
  useEffect(
    () =>
      whenPrivacyNoticeNeeded(() => {
        setOpen(true);
        // Asked for from further down the page (the photo tile, the map): the notice is at the top.
        void Promise.resolve(Taro.pageScrollTo({ scrollTop: 0, duration: 0 })).catch(() => {});
      }),
    [],
  );
  useEffect(() => {
    // A new privacy guide (or storage cleared in WeChat): WeChat needs the agreement again.
    wechatNeedsAuthorization().then((needed) => needed && setOpen(true), () => {});
  }, []);
  const answer = (value: 'agreed' | 'refused') => {
    recordConsent(value);
    setOpen(false);
    setRefused(value === 'refused');
  };
  if (!open) {
    if (!refused || !refusedBanner) return null;
    return (
      <View className='banner warn' data-testid='privacy-refused'>
        <Text>{t('privacy.refusedHint')}</Text>
        <View className='link privacy-change' role='button' onClick={() => setOpen(true)} data-testid='privacy-change'>
          <Text>{t('privacy.change')}</Text>
        </View>
      </View>
    );
  }
  return (
    <View className='privacy-notice card' role='dialog' aria-modal='true' aria-labelledby='privacy-title' data-testid='privacy-notice'>
      <Text className='card-title' id='privacy-title'>{t('privacy.title')}</Text>
      <Text className='privacy-body'>{t('privacy.body')}</Text>
      {/* open-type agreePrivacyAuthorization: WeChat counts this tap as the resident's consent, and is told "agree" only after its event. */}
      <Button
        className='btn'
        id={AGREE_BUTTON_ID}
        openType={'agreePrivacyAuthorization' as never}
        {...(WEAPP ? { onAgreePrivacyAuthorization: () => answer('agreed') } : { onClick: () => answer('agreed') })}
        data-testid='privacy-agree'
      >
        {t('privacy.agree')}
      </Button>
      <View style={{ height: '16px' }} />
      <Button className='btn secondary' onClick={() => answer('refused')} data-testid='privacy-refuse'>
        {t('privacy.refuse')}
      </Button>
    </View>
  );
}
