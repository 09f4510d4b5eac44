import { z } from 'zod';
import type { ReportStatus } from './status';

/** Status changes a resident can subscribe to as WeChat subscribe messages (one template each, from config). */
export const SUBSCRIBABLE_EVENTS = ['accepted', 'dispatched', 'resolved', 'reopened'] as const satisfies readonly ReportStatus[];
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];

/** What `Taro.requestSubscribeMessage` answered, per template id. */
export const subscriptionResultSchema = z.object({
  reportId: z.string().max(64).optional(),
  results: z.record(z.string().min(1).max(128), z.enum(['accept', 'reject', 'ban', 'filter'])).refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 10, '请提供 1–10 个模板的订阅结果'),
});
export type SubscriptionResult = z.infer<typeof subscriptionResultSchema>;

export const markReadSchema = z.object({ ids: z.array(z.string().min(1).max(128)).max(200).optional() });

export interface MessageView {
  id: string;
  reportId: string;
  ticketNo: string;
  status: ReportStatus;
  title: string;
  body: string;
  createdAt: string;
  read: boolean;
  /** true when this is about a ticket the resident joined (+1) rather than filed */
  following: boolean;
}

export interface MessageTemplatesView {
  /** template ids the app should ask the resident to subscribe to, in order (at most 3 per request) */
  templateIds: string[];
  events: { event: SubscribableEvent; templateId: string }[];
}
