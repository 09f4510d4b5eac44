import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { emergencyCallsFor, type ClassificationView, type EmergencyCall } from '@ssp/shared';
import { useT } from '../i18n';
import './EmergencyCallBanner.scss';

/**
 * When the text the resident is typing reads as 紧急 (life or safety at risk
 * now), a report is too slow: offer the right emergency number(s) as one tap
 * (119 fire/smoke; a gas smell 119 and the gas company's 962777; 120 someone
 * unconscious or hurt, 110 otherwise). The form stays as it is, and the report
 * can still be submitted afterwards.
 */
export function EmergencyCallBanner({ suggestion }: { suggestion: ClassificationView | null }) {
  const level = suggestion ? suggestion.urgency ?? (suggestion.urgent ? 'urgent' : 'normal') : 'normal';
  if (!suggestion || level !== 'urgent') return null;
  return <CallBanner calls={emergencyCallsFor(suggestion.urgentReasons)} reason={suggestion.urgentReasons.join('、')} />;
}

/**
 * The one way the app says "call now": also for a category question answered 「是」 (现在是否闻到燃气味？),
 * with that question's message as the reason. It never stops the report from going in.
 */
export function CallBanner({ calls, reason, testId = 'emergency-call' }: { calls: EmergencyCall[]; reason: string; testId?: string }) {
  const t = useT();
  if (!calls.length) return null;
  return (
    <View className='emergency-call' data-testid={testId} data-number={calls[0].number} data-numbers={calls.map((c) => c.number).join(' ')}>
      <Text className='emergency-call__title'>{t('emergency.title')}</Text>
      {reason && <Text className='emergency-call__reason'>{reason}</Text>}
      {calls.map((c) => {
        const label = c.labelKey ? t(`emergency.${c.labelKey}`) : c.number;
        return (
          <View
            key={c.number}
            className='emergency-call__button'
            role='button'
            aria-label={t('emergency.call', { label })}
            data-testid='emergency-call-button'
            data-number={c.number}
            onClick={() => void Taro.makePhoneCall({ phoneNumber: c.number }).catch(() => {})}
          >
            <Text>{t('emergency.call', { label })}</Text>
          </View>
        );
      })}
      <Text className='emergency-call__hint'>{t('emergency.hint')}</Text>
    </View>
  );
}
