import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { ReportView } from '@ssp/shared';
import { askForStatusMessages, canSubscribe } from '../../services/notifications';
import { getReport } from '../../services/reports';
import './success.scss';
import { localName, useT } from '../../i18n';
import { usePageMode } from '../../lib/elder';
import { usePageTitle } from '../../lib/pageTitle';

export default function SuccessPage() {
  const t = useT();
  const mode = usePageMode();
  const { params } = useRouter();
  const ticketNo = decodeURIComponent(params.ticketNo ?? '');
  const [subscribed, setSubscribed] = useState<'idle' | 'yes' | 'no' | 'failed'>('idle');
  usePageTitle('success');
  // Filed through a 专区: its own message (in the resident's language, as it was when filed) comes with the report.
  const [zone, setZone] = useState<ReportView['zone']>(null);
  useEffect(() => {
    if (params.zone !== '1' || !params.id) return;
    getReport(params.id).then((r) => setZone(r.zone), () => setZone(null));
  }, [params.zone, params.id]);
  // WeChat only lets us ask inside a tap, so this is a button rather than a prompt on arrival.
  const subscribe = () => {
    askForStatusMessages(params.id ?? '').then(
      (n) => setSubscribed(n > 0 ? 'yes' : 'no'),
      () => setSubscribed('failed'),
    );
  };
  return (
    <View className={`page success ${mode}`}>
      <View className='card success-card'>
        <View className='success-icon'>
          <Text>✓</Text>
        </View>
        <Text className='success-title'>{t('success.title')}</Text>
        <Text className='muted success-label'>{t('success.ticketNo')}</Text>
        <Text className='success-ticket' data-testid='ticket-no' userSelect>
          {ticketNo}
        </Text>
      </View>
      {zone?.successMessage ? (
        <View className='card zone-message' role='status' data-testid='zone-success-message'>
          <Text className='card-title'>{localName(zone)}</Text>
          <Text className='success-step'>{zone.successMessage}</Text>
        </View>
      ) : null}
      <View className='card'>
        <Text className='card-title'>{t('success.next')}</Text>
        <Text className='success-step'>{t('success.step1')}</Text>
        <Text className='success-step'>{t('success.step2')}</Text>
        <Text className='success-step'>{t('success.step3')}</Text>
        <Text className='hint'>{t('success.follow')}</Text>
      </View>
      {canSubscribe() && subscribed !== 'yes' && (
        <View className='card'>
          <Text className='card-title'>{t('success.wechat')}</Text>
          <Text className='hint'>{t('success.wechatHint')}</Text>
          <Button className='btn secondary' onClick={subscribe} data-testid='subscribe'>
            {subscribed === 'failed' ? t('success.subscribeRetry') : t('success.subscribe')}
          </Button>
          {subscribed === 'no' && <Text className='hint'>{t('success.notAllowed')}</Text>}
        </View>
      )}
      {subscribed === 'yes' && (
        <View className='banner ok'>
          <Text>{t('success.subscribed')}</Text>
        </View>
      )}
      <Button className='btn' onClick={() => void Taro.redirectTo({ url: `/tickets/detail/index?id=${params.id}` })} data-testid='view-ticket'>
        {t('success.view')}
      </Button>
      <View style={{ height: '24px' }} />
      <Button className='btn secondary' onClick={() => void Taro.switchTab({ url: '/pages/index/index' })}>
        {t('common.back')}
      </Button>
    </View>
  );
}
