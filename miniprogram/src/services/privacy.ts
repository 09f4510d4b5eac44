import Taro from '@tarojs/taro';
import { load, save } from './storage';

/**
 * Privacy consent. At first use the app shows a short notice (what is
 * collected, why, for how long). In the mini-program, WeChat's own privacy
 * authorisation (required since 2023-09 for getLocation, chooseLocation,
 * chooseImage / chooseMedia, getPhoneNumber…) is asked for through
 * `requirePrivacyAuthorize` before any of them is used, and WeChat's
 * `onNeedPrivacyAuthorization` is answered with our notice: its 同意 button
 * has `open-type="agreePrivacyAuthorization"`, and WeChat is told "agree"
 * only after that button's agreeprivacyauthorization event (the base library
 * checks that the button was tapped). A resident who refuses still files a
 * report: typed address, no photo.
 */
const KEY = 'privacyConsent';
export type Consent = 'agreed' | 'refused' | null;
/** the id of the notice's 同意 button: WeChat checks that this button was tapped */
export const AGREE_BUTTON_ID = 'privacy-agree';

type WechatAnswer = { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string };
type WechatResolve = (r: WechatAnswer) => void;

let pendingWechatResolve: WechatResolve | null = null;
/** Pages that show the notice register here; the one registered last (the page on top) shows it. */
const noticeShowers: (() => void)[] = [];
/** Callers waiting for the resident's answer (a location or camera use asked for before the first answer). */
let waiting: ((c: 'agreed' | 'refused') => void)[] = [];

export function consent(): Consent {
  const v = load<string>(KEY);
  return v === 'agreed' || v === 'refused' ? v : null;
}

/** The resident answered the notice: remember it, and pass it on to WeChat and to whoever waited for it. */
export function recordConsent(value: 'agreed' | 'refused'): void {
  save(KEY, value);
  const resolve = pendingWechatResolve;
  pendingWechatResolve = null;
  resolve?.(value === 'agreed' ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' });
  const waiters = waiting;
  waiting = [];
  for (const w of waiters) w(value);
}

/** A page with the notice registers how to show it; returns the unregister function (call it on unmount). */
export function whenPrivacyNoticeNeeded(show: () => void): () => void {
  noticeShowers.push(show);
  return () => {
    const i = noticeShowers.lastIndexOf(show);
    if (i >= 0) noticeShowers.splice(i, 1);
  };
}

function showNotice(): boolean {
  const show = noticeShowers[noticeShowers.length - 1];
  show?.();
  return Boolean(show);
}

/**
 * WeChat asks (a privacy API was called and the resident has not agreed to the current privacy guide,
 * which also happens after the guide changed): always show the notice — never answer "agree" for the resident.
 */
export function handleWechatPrivacyRequest(resolve: WechatResolve): void {
  pendingWechatResolve = resolve;
  if (showNotice()) resolve({ event: 'exposureAuthorization' });
}

if (process.env.TARO_ENV === 'weapp') {
  const wxApi = Taro as unknown as { onNeedPrivacyAuthorization?: (cb: (resolve: WechatResolve) => void) => void };
  wxApi.onNeedPrivacyAuthorization?.(handleWechatPrivacyRequest);
}

/** In WeChat: whether the platform still needs the resident's agreement (first use, or a new privacy guide). */
export async function wechatNeedsAuthorization(): Promise<boolean> {
  if (process.env.TARO_ENV !== 'weapp') return false;
  const wxApi = Taro as unknown as { getPrivacySetting?: (o: { success: (r: { needAuthorization: boolean }) => void; fail: () => void }) => void };
  if (!wxApi.getPrivacySetting) return false;
  return new Promise((resolve) => wxApi.getPrivacySetting!({ success: (r) => resolve(r.needAuthorization), fail: () => resolve(false) }));
}

/**
 * Before location, camera/album or phone: true when the resident has agreed
 * (and, in WeChat, the platform's authorisation went through). Asked before
 * the resident has answered the notice, it shows the notice and waits.
 */
export async function ensurePrivacyAuthorized(): Promise<boolean> {
  let answer = consent();
  if (answer === null && showNotice()) answer = await new Promise<'agreed' | 'refused'>((resolve) => waiting.push(resolve));
  if (answer === 'refused') return false;
  if (process.env.TARO_ENV !== 'weapp') return true;
  const wxApi = Taro as unknown as { requirePrivacyAuthorize?: (o: { success: () => void; fail: () => void }) => void };
  if (!wxApi.requirePrivacyAuthorize) return true; // base library < 2.32.3: no privacy API
  return new Promise((resolve) => wxApi.requirePrivacyAuthorize!({ success: () => resolve(true), fail: () => resolve(false) }));
}
