import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { askForStatusMessages, canSubscribe } from '../../services/notifications';
import './success.scss';

export default function SuccessPage() {
  const { params } = useRouter();
  const ticketNo = decodeURIComponent(params.ticketNo ?? '');
  const [subscribed, setSubscribed] = useState<'idle' | 'yes' | 'no' | 'failed'>('idle');
  // WeChat only lets us ask inside a tap, so this is a button rather than a prompt on arrival.
  const subscribe = () => {
    askForStatusMessages(params.id ?? '').then(
      (n) => setSubscribed(n > 0 ? 'yes' : 'no'),
      () => setSubscribed('failed'),
    );
  };
  return (
    <View className='page success'>
      <View className='card success-card'>
        <View className='success-icon'>
          <Text>✓</Text>
        </View>
        <Text className='success-title'>诉求已提交</Text>
        <Text className='muted success-label'>工单号</Text>
        <Text className='success-ticket' data-testid='ticket-no' userSelect>
          {ticketNo}
        </Text>
      </View>
      <View className='card'>
        <Text className='card-title'>接下来会怎样</Text>
        <Text className='success-step'>1. 12345 热线工作人员审核受理，一般在 1 个工作日内。</Text>
        <Text className='success-step'>2. 受理后派发至所在区的承办部门，按时限办理。</Text>
        <Text className='success-step'>3. 办结后您会收到答复，并可对办理结果进行评价。</Text>
        <Text className='hint'>您可以随时在「我的诉求」查看进度、补充信息；每一步进展都会出现在首页的「消息通知」里。</Text>
      </View>
      {canSubscribe() && subscribed !== 'yes' && (
        <View className='card'>
          <Text className='card-title'>微信通知</Text>
          <Text className='hint'>允许后，受理、派单、办结时会在微信里提醒您（每次允许可收到一次）。</Text>
          <Button className='btn secondary' onClick={subscribe} data-testid='subscribe'>
            {subscribed === 'failed' ? '订阅未成功，点此重试' : '订阅办理进度通知'}
          </Button>
          {subscribed === 'no' && <Text className='hint'>您没有允许微信通知，进度仍会出现在「消息通知」里。</Text>}
        </View>
      )}
      {subscribed === 'yes' && (
        <View className='banner ok'>
          <Text>已订阅，办理有进展时会通过微信通知您</Text>
        </View>
      )}
      <Button className='btn' onClick={() => void Taro.redirectTo({ url: `/tickets/detail/index?id=${params.id}` })} data-testid='view-ticket'>
        查看办理进度
      </Button>
      <View style={{ height: '24px' }} />
      <Button className='btn secondary' onClick={() => void Taro.switchTab({ url: '/pages/index/index' })}>
        返回首页
      </Button>
    </View>
  );
}
