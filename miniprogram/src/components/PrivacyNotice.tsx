import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { consent, recordConsent, whenPrivacyNoticeNeeded } from '../services/privacy';

/**
 * The privacy notice at first use (and whenever WeChat asks for the privacy
 * authorisation). A refusal is remembered and respected: no location, no
 * camera; the resident can still file with a typed address.
 */
export function PrivacyNotice() {
  const t = useT();
  const [open, setOpen] = useState(() => consent() === null);
  const [refused, setRefused] = useState(() => consent() === 'refused');
  useEffect(() => whenPrivacyNoticeNeeded(() => setOpen(true)), []);
  if (!open) return refused ? <View className='banner warn' data-testid='privacy-refused'><Text>{t('privacy.refusedHint')}</Text></View> : null;
  return (
    <View className='privacy-notice card' role='dialog' aria-modal='true' aria-labelledby='privacy-title' data-testid='privacy-notice'>
      <Text className='card-title' id='privacy-title'>{t('privacy.title')}</Text>
      <Text className='privacy-body'>{t('privacy.body')}</Text>
      {/* open-type agreePrivacyAuthorization: WeChat counts this tap as the resident's consent. */}
      <Button
        className='btn'
        id='privacy-agree'
        openType={'agreePrivacyAuthorization' as never}
        onClick={() => {
          recordConsent('agreed');
          setOpen(false);
          setRefused(false);
        }}
        data-testid='privacy-agree'
      >
        {t('privacy.agree')}
      </Button>
      <View style={{ height: '16px' }} />
      <Button
        className='btn secondary'
        onClick={() => {
          recordConsent('refused');
          setOpen(false);
          setRefused(true);
        }}
        data-testid='privacy-refuse'
      >
        {t('privacy.refuse')}
      </Button>
    </View>
  );
}
