import Taro from '@tarojs/taro';

/**
 * Non-UI data kept on the device (token, drafts, H5 device code). UI state
 * lives in components; this module is the only place that touches storage.
 */
export function load<T>(key: string): T | null {
  try {
    const value = Taro.getStorageSync(key);
    return value === '' || value == null ? null : (value as T);
  } catch {
    return null;
  }
}

export function save<T>(key: string, value: T): void {
  Taro.setStorageSync(key, value);
}

export function remove(key: string): void {
  Taro.removeStorageSync(key);
}
