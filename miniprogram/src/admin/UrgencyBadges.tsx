import { Text } from '@tarojs/components';
import type { Urgency } from '@ssp/shared';

/**
 * A report's 紧急 / 次紧急 badges, alike in every staff list (诉求检索, 工单处理, 待分拣): 紧急 by the `urgent` flag
 * (which old reports also carry), 次紧急 by the level.
 */
export function UrgencyBadges({ r }: { r: { urgent: boolean; urgency?: Urgency; ticketNo: string } }) {
  return (
    <>
      {r.urgent && <Text className='badge red'>紧急</Text>}
      {r.urgency === 'semi_urgent' && (
        <Text className='badge amber' data-testid='badge-semi-urgent' data-ticket={r.ticketNo}>
          次紧急
        </Text>
      )}
    </>
  );
}
