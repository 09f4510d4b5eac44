import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { emergencyNumberFor, type ClassificationView } from '@ssp/shared';
import './EmergencyCallBanner.scss';

/**
 * When the text the resident is typing reads as 紧急 (life or safety at risk
 * now), a report is too slow: offer the right emergency number as one tap
 * (119 fire/gas/smoke, 120 someone unconscious or hurt, 110 otherwise). The
 * form stays as it is, and the report can still be submitted afterwards.
 */
export function EmergencyCallBanner({ suggestion }: { suggestion: ClassificationView | null }) {
  const level = suggestion ? suggestion.urgency ?? (suggestion.urgent ? 'urgent' : 'normal') : 'normal';
  if (!suggestion || level !== 'urgent') return null;
  const { number, label } = emergencyNumberFor(suggestion.urgentReasons);
  const call = () => void Taro.makePhoneCall({ phoneNumber: number }).catch(() => {});
  return (
    <View className='emergency-call' data-testid='emergency-call' data-number={number}>
      <Text className='emergency-call__title'>情况紧急？请先打电话</Text>
      <Text className='emergency-call__reason'>{suggestion.urgentReasons.join('、')}</Text>
      <View className='emergency-call__button' data-testid='emergency-call-button' onClick={call}>
        <Text>一键拨打 {label}</Text>
      </View>
      <Text className='emergency-call__hint'>诉求仍可照常提交，相关部门会跟进处理。</Text>
    </View>
  );
}
