import { Message } from '../notifications/notificationModels';
import { Report } from '../reports/reportModel';
import type { BacklogCounts } from './metrics';

/** The counts behind the backlog gauges (indexed fields on MongoDB; cached by the caller). */
export async function countBacklogs(): Promise<BacklogCounts> {
  const [deliveryPending, deliveryDead, effectsPending, notificationsPending] = await Promise.all([
    Report.countDocuments({ 'delivery.state': 'pending' }),
    Report.countDocuments({ 'delivery.state': 'dead' }),
    Report.countDocuments({ effectsPending: true }),
    Message.countDocuments({ 'wechat.state': 'pending' }),
  ]);
  return { deliveryPending, deliveryDead, effectsPending, notificationsPending };
}
