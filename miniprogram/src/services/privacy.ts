import Taro from '@tarojs/taro';
import { load, save } from './storage';

/**
 * Privacy consent. At first use the app shows a short notice (what is
 * collected, why, for how long). In the mini-program, WeChat's own privacy
 * authorisation (required since 2023-09 for getLocation, chooseImage /
 * chooseMedia, getPhoneNumber…) is asked for through `requirePrivacyAuthorize`
 * before any of them is used; `onNeedPrivacyAuthorization` answers WeChat
 * when it asks on its own. A resident who refuses still files a report:
 * typed address, no photo.
 */
const KEY = 'privacyConsent';
export type Consent = 'agreed' | 'refused' | null;

export function consent(): Consent {
  const v = load<string>(KEY);
  return v === 'agreed' || v === 'refused' ? v : null;
}

export function recordConsent(value: 'agreed' | 'refused'): void {
  save(KEY, value);
  const resolve = pendingWechatResolve;
  pendingWechatResolve = null;
  // WeChat waits for our answer after onNeedPrivacyAuthorization: pass the resident's choice on.
  resolve?.({ event: value === 'agreed' ? 'agree' : 'disagree', buttonId: 'privacy-agree' });
}

type WechatResolve = (r: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void;
let pendingWechatResolve: WechatResolve | null = null;
let onAsk: (() => void) | null = null;

/** The home page registers how to show the notice when WeChat asks for it. */
export function whenPrivacyNoticeNeeded(show: () => void): void {
  onAsk = show;
}

if (process.env.TARO_ENV === 'weapp') {
  const wxApi = Taro as unknown as { onNeedPrivacyAuthorization?: (cb: (resolve: WechatResolve) => void) => void };
  wxApi.onNeedPrivacyAuthorization?.((resolve) => {
    if (consent() === 'agreed') return resolve({ event: 'agree' });
    pendingWechatResolve = resolve;
    onAsk?.();
  });
}

/**
 * Before location, camera/album or phone: true when the resident has
 * agreed (and, in WeChat, the platform's authorisation went through).
 */
export async function ensurePrivacyAuthorized(): Promise<boolean> {
  if (consent() === 'refused') return false;
  if (process.env.TARO_ENV !== 'weapp') return true;
  const wxApi = Taro as unknown as { requirePrivacyAuthorize?: (o: { success: () => void; fail: () => void }) => void };
  if (!wxApi.requirePrivacyAuthorize) return true; // base library < 2.32.3: no privacy API
  return new Promise((resolve) => wxApi.requirePrivacyAuthorize!({ success: () => resolve(true), fail: () => resolve(false) }));
}
