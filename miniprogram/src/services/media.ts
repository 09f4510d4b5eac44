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
    watchH5Picks();
    notPhotos = 0;
  }
  const res = await Taro.chooseImage({ count: max, sizeType: ['compressed'], sourceType });
  if (notPhotos > 0) {
    // Said where the resident is looking, and it waits for them (a toast may pass unseen).
    void Taro.showModal({ title: t('photos.notPhotoTitle'), content: t(res.tempFilePaths.length ? 'photos.notPhotoSome' : 'photos.notPhoto', { count: notPhotos }), showCancel: false, confirmText: t('photos.notPhotoOk') });
  }
  return res.tempFilePaths;
}

/** H5: files of the last pick that were not photos the server takes (set by watchH5Picks). */
let notPhotos = 0;
let watching = false;

/** The formats the server accepts, told by their first bytes as the server does (server/src/media/imageProcessing.ts), not by the name. */
async function isPhoto(file: Blob): Promise<boolean> {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true; // JPEG
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === 'PNG') return true;
  return b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP';
}

/**
 * Taro's H5 picker loads each chosen file as an image; one that is not (a text file named .jpg) fails
 * there with an `Event` in the console and is dropped without a word. So the pick is looked at first: the
 * change event is held back (capture phase, on the document, before Taro's handler on the input), files
 * that are not photos are taken out and counted, and the event is sent on with the rest.
 */
function watchH5Picks(): void {
  if (watching || typeof document === 'undefined' || typeof DataTransfer === 'undefined') return;
  watching = true;
  const checked = new WeakSet<Event>();
  document.addEventListener(
    'change',
    (e) => {
      const input = e.target as HTMLInputElement | null;
      if (!input || input.id !== 'taroChooseImage' || checked.has(e) || !input.files?.length) return;
      e.stopImmediatePropagation();
      const files = Array.from(input.files);
      void Promise.all(files.map((f) => isPhoto(f).catch(() => false))).then((ok) => {
        notPhotos = ok.filter((x) => !x).length;
        const keep = new DataTransfer();
        files.forEach((f, i) => ok[i] && keep.items.add(f));
        input.files = keep.files;
        const again = new Event('change', { bubbles: true });
        checked.add(again);
        input.dispatchEvent(again);
      });
    },
    true,
  );
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
