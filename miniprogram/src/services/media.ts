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
  let sourceType = sources;
  if (process.env.TARO_ENV === 'h5') {
    // Taro's H5 picker asks "camera or album?" in Chinese on phones: ask in the resident's language first.
    if (sources.length > 1 && isPhoneBrowser()) {
      const { tapIndex } = await Taro.showActionSheet({ itemList: [t('photos.camera'), t('photos.album')] });
      sourceType = [tapIndex === 0 ? 'camera' : 'album'];
    }
    labelH5FileInput();
  }
  const res = await Taro.chooseImage({ count: max, sizeType: ['compressed'], sourceType });
  return res.tempFilePaths;
}

/** The same test Taro's H5 picker makes before it shows its own (Chinese) action sheet. */
function isPhoneBrowser(): boolean {
  return typeof navigator !== 'undefined' && /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent);
}

/**
 * Taro's H5 picker is a file input it adds to the page (id taroChooseImage) and reuses if one is there;
 * created here first, it carries an accessible name (axe: every form element has a label).
 */
function labelH5FileInput(): void {
  if (typeof document === 'undefined') return;
  let input = document.getElementById('taroChooseImage');
  if (!input) {
    input = document.createElement('input');
    input.setAttribute('type', 'file');
    input.setAttribute('id', 'taroChooseImage');
    input.setAttribute('style', 'position: fixed; top: -4000px; left: -3000px; z-index: -300;');
    document.body.appendChild(input);
  }
  input.setAttribute('aria-label', t('photos.addLabel'));
  input.setAttribute('tabindex', '-1');
}
