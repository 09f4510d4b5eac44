import { Image, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { absoluteUrl } from '../services/media';
import './ReportPhotos.scss';

export type SignedMedia = { id: string; url: string; previewUrl: string };

/**
 * When the first of these signed links stops working (`exp=` in seconds, see server/src/media/mediaSigner.ts).
 * Links last about an hour; a console page left open longer must fetch fresh ones before it shows a photo.
 */
export function linksExpireAt(media: SignedMedia[]): number {
  const times = media.map((m) => Number(/[?&]exp=(\d+)/.exec(m.url)?.[1] ?? 0) * 1000);
  return times.length ? Math.min(...times) : Infinity;
}

/**
 * A report's photos as thumbnails that open full size (Taro.previewImage: the platform viewer in the
 * mini-program, an overlay in H5). Each thumbnail is a button named for what it shows, so a screen reader
 * says 「市民照片 1/2，点按查看大图」 rather than nothing.
 *
 * `fresh` is asked for the links just before opening (the page may have been open past their expiry);
 * `onBroken` is told when a thumbnail fails to load, so the page can fetch new links once.
 */
export function ReportPhotos({ media, label, size = 'normal', fresh, onBroken, testId = 'report-photo' }: {
  media: SignedMedia[];
  label: string;
  size?: 'normal' | 'small';
  fresh?: () => Promise<SignedMedia[]>;
  onBroken?: () => void;
  testId?: string;
}) {
  if (media.length === 0) return null;
  const open = async (i: number) => {
    let list = media;
    if (fresh && linksExpireAt(list) < Date.now() + 60_000) list = await fresh().catch(() => media);
    const urls = list.map((m) => absoluteUrl(m.url));
    await Taro.previewImage({ urls, current: urls[Math.min(i, urls.length - 1)] });
    if (process.env.TARO_ENV === 'h5') labelH5Viewer(label, urls.length);
  };
  return (
    <View className={`rp-strip ${size}`}>
      {media.map((m, i) => (
        <View
          key={m.id}
          className='rp-thumb'
          role='button'
          aria-label={`${label} ${i + 1}/${media.length}，点按查看大图`}
          data-testid={testId}
          onClick={(e) => { e.stopPropagation(); void open(i); }}
        >
          <Image className='rp-img' src={absoluteUrl(m.previewUrl)} mode='aspectFill' aria-hidden='true' onError={() => onBroken?.()} />
        </View>
      ))}
    </View>
  );
}

/**
 * Taro's H5 viewer is a bare overlay (div.preview-image, closed by a click): give it a name, alt text on each
 * photo, and Esc to close, so keyboard and screen-reader users can use it too. H5 only; WeChat's viewer is native.
 */
function labelH5Viewer(label: string, count: number) {
  const boxes = document.querySelectorAll<HTMLElement>('.preview-image');
  const box = boxes[boxes.length - 1];
  if (!box) return;
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', `${label}大图（点按或按 Esc 关闭）`);
  box.setAttribute('data-testid', 'photo-viewer');
  box.tabIndex = -1;
  box.querySelectorAll('img').forEach((img, i) => img.setAttribute('alt', `${label} ${i + 1}/${count}`));
  const back = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    document.removeEventListener('keydown', onKey);
    box.click();
    back?.focus?.();
  };
  document.addEventListener('keydown', onKey);
  box.addEventListener('click', () => document.removeEventListener('keydown', onKey), { once: true });
  box.focus();
}
