import Taro from '@tarojs/taro';
import type { District, ReportLocation } from '@ssp/shared';
import { call } from './api';
import { t } from '../i18n';
import { ensurePrivacyAuthorized } from './privacy';

export interface Place {
  district: District | null;
  address: string | null;
  source: 'tencent' | 'offline';
  outsideShanghai: boolean;
}

export function reverseGeocode(loc: Pick<ReportLocation, 'lat' | 'lng' | 'coordSystem'>): Promise<Place> {
  return call<Place>('GET', `/geo/reverse?lat=${loc.lat}&lng=${loc.lng}&coordSystem=${loc.coordSystem}`);
}

export type LocateResult =
  | { ok: true; location: ReportLocation }
  | { ok: false; reason: 'denied' | 'unavailable'; message: string };

/**
 * The mini-program gets GCJ-02 from WeChat; a browser only gives WGS-84
 * (the server converts). A refusal is reported, not thrown, so the page can
 * explain and offer settings or a typed address.
 */
export async function locate(): Promise<LocateResult> {
  const type = process.env.TARO_ENV === 'weapp' ? 'gcj02' : 'wgs84';
  // WeChat's privacy authorisation comes first; refusing leaves the typed address.
  if (!(await ensurePrivacyAuthorized())) return { ok: false, reason: 'denied', message: t('location.denied') };
  try {
    const res = await Taro.getLocation({ type, isHighAccuracy: true, highAccuracyExpireTime: 4000 });
    return {
      ok: true,
      location: { lat: res.latitude, lng: res.longitude, coordSystem: type, accuracy: Math.round(res.accuracy ?? 0) },
    };
  } catch (err) {
    const msg = String((err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message ?? '');
    const denied = /auth deny|authorize|denied|permission/i.test(msg);
    return {
      ok: false,
      reason: denied ? 'denied' : 'unavailable',
      message: denied ? t('location.denied') : t('location.unavailable'),
    };
  }
}

/** 地图选点: WeChat's map picker. The H5 picker needs a Tencent map key, so it is offered on weapp only. */
export const canChooseOnMap = process.env.TARO_ENV === 'weapp';

export async function chooseOnMap(near?: ReportLocation): Promise<ReportLocation | null> {
  try {
    const res = await Taro.chooseLocation(near ? { latitude: near.lat, longitude: near.lng } : {});
    return { lat: res.latitude, lng: res.longitude, coordSystem: 'gcj02', address: [res.address, res.name].filter(Boolean).join(' ') };
  } catch {
    return null;
  }
}

export function openLocationSettings(): void {
  if (process.env.TARO_ENV === 'weapp') void Taro.openSetting();
}
