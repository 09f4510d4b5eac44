import Taro from '@tarojs/taro';
import type { ApiErrorBody, MediaView } from '@ssp/shared';
import { API_BASE, ApiError, ensureSession } from './api';
import { currentLanguage, t } from '../i18n';
import { ensurePrivacyAuthorized } from './privacy';

/** Uploads one local image (already compressed by the picker); reports progress 0–100. */
export async function uploadImage(filePath: string, onProgress?: (percent: number) => void): Promise<MediaView> {
  const session = await ensureSession();
  return new Promise((resolve, reject) => {
    const task = Taro.uploadFile({
      url: `${API_BASE}/media`,
      filePath,
      name: 'file',
      header: { Authorization: `Bearer ${session.token}`, 'Accept-Language': currentLanguage() },
      success(res) {
        let body: unknown;
        try {
          body = JSON.parse(res.data);
        } catch {
          return reject(new ApiError(res.statusCode, 'INTERNAL', t('common.uploadFailed')));
        }
        if (res.statusCode === 201) return resolve(body as MediaView);
        const err = (body as ApiErrorBody).error;
        reject(new ApiError(res.statusCode, err?.code ?? 'INTERNAL', err?.message ?? t('common.uploadFailed')));
      },
      fail() {
        reject(new ApiError(0, 'NETWORK', t('common.uploadNetwork')));
      },
    });
    task.progress?.((p) => onProgress?.(p.progress));
  });
}

/** Signed image links come back relative; the mini-program needs an absolute URL. */
export function absoluteUrl(url: string): string {
  return url.startsWith('/') && process.env.TARO_ENV !== 'h5' ? API_BASE.replace(/\/api\/v1$/, '') + url : url;
}

/** Pick photos: camera or album, compressed by the platform before upload. */
export async function choosePhotos(max: number, sources: ('camera' | 'album')[] = ['album', 'camera']): Promise<string[]> {
  // Camera and album need WeChat's privacy authorisation; a refusal files without photos.
  if (!(await ensurePrivacyAuthorized())) throw new Error('privacy not authorised');
  const res = await Taro.chooseImage({ count: max, sizeType: ['compressed'], sourceType: sources });
  return res.tempFilePaths;
}
