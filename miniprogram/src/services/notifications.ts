import Taro from '@tarojs/taro';
import type { MessageTemplatesView, MessageView } from '@ssp/shared';
import { call, currentSession } from './api';

export const messages = {
  list: (cursor?: string | null) => call<{ items: MessageView[]; nextCursor: string | null; unread: number }>('GET', `/me/messages${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  unread: () => call<{ unread: number }>('GET', '/me/messages/unread'),
  markRead: (ids?: string[]) => call<{ unread: number }>('POST', '/me/messages/read', ids ? { ids } : {}),
};

/** WeChat subscribe messages exist only in the mini-program; on the web the in-app list is the channel. */
export const canSubscribe = () => process.env.TARO_ENV === 'weapp';

/**
 * Asks the resident (must run inside a tap handler: WeChat requires a user
 * gesture) to allow status messages, and tells the server which templates
 * were allowed. Returns how many were allowed.
 */
export async function askForStatusMessages(reportId: string): Promise<number> {
  const { templateIds } = await call<MessageTemplatesView>('GET', '/notifications/templates');
  if (!templateIds.length) return 0;
  const answer = (await Taro.requestSubscribeMessage({ tmplIds: templateIds } as Parameters<typeof Taro.requestSubscribeMessage>[0])) as unknown as Record<string, string>;
  const results = Object.fromEntries(templateIds.filter((t) => typeof answer[t] === 'string').map((t) => [t, answer[t]]));
  if (!Object.keys(results).length) return 0;
  const { granted } = await call<{ granted: number }>('POST', '/me/subscriptions', { reportId, results });
  return granted;
}

/** The unread count as a badge on the home tab (and the number, for the page itself). */
export async function refreshUnreadBadge(): Promise<number> {
  if (currentSession()?.user.role !== 'citizen') return 0;
  const { unread } = await messages.unread();
  try {
    if (unread > 0) await Taro.setTabBarBadge({ index: 0, text: unread > 99 ? '99+' : String(unread) });
    else await Taro.removeTabBarBadge({ index: 0 });
  } catch {
    // not on a tab page right now: the next tab page refreshes it
  }
  return unread;
}
