import type { ZoneView } from '@ssp/shared';
import { API_BASE } from './api';
import Taro from '@tarojs/taro';

/** Active 专区 for the home page (public, no sign-in needed). */
export async function activeZones(): Promise<ZoneView[]> {
  const res = await Taro.request<{ items: ZoneView[] }>({ url: `${API_BASE}/zones`, method: 'GET', timeout: 10_000 });
  return res.statusCode === 200 ? res.data.items : [];
}
