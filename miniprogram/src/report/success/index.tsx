import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import './success.scss';

export default function SuccessPage() {
  const { params } = useRouter();
  const ticketNo = decodeURIComponent(params.ticketNo ?? '');
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
        <Text className='hint'>您可以随时在「我的诉求」查看进度、补充信息。</Text>
      </View>
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
