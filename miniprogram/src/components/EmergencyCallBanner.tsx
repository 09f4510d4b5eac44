import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { emergencyNumberFor, type ClassificationView } from '@ssp/shared';
import { useT } from '../i18n';
import './EmergencyCallBanner.scss';

/**
 * When the text the resident is typing reads as 紧急 (life or safety at risk
 * now), a report is too slow: offer the right emergency number as one tap
 * (119 fire/gas/smoke, 120 someone unconscious or hurt, 110 otherwise). The
 * form stays as it is, and the report can still be submitted afterwards.
 */
export function EmergencyCallBanner({ suggestion }: { suggestion: ClassificationView | null }) {
  const t = useT();
  const level = suggestion ? suggestion.urgency ?? (suggestion.urgent ? 'urgent' : 'normal') : 'normal';
  if (!suggestion || level !== 'urgent') return null;
  const { number } = emergencyNumberFor(suggestion.urgentReasons);
  const label = t(`emergency.n${number}`);
  const call = () => void Taro.makePhoneCall({ phoneNumber: number }).catch(() => {});
  return (
    <View className='emergency-call' data-testid='emergency-call' data-number={number}>
      <Text className='emergency-call__title'>{t('emergency.title')}</Text>
      <Text className='emergency-call__reason'>{suggestion.urgentReasons.join('、')}</Text>
      <View className='emergency-call__button' role='button' aria-label={t('emergency.call', { label })} data-testid='emergency-call-button' onClick={call}>
        <Text>{t('emergency.call', { label })}</Text>
      </View>
      <Text className='emergency-call__hint'>{t('emergency.hint')}</Text>
    </View>
  );
}
