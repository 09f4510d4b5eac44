import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { LIMITS } from '@ssp/shared';
import type { PhotoDraft } from '../services/drafts';
import { absoluteUrl } from '../services/media';
import './PhotoPicker.scss';
import { useT } from '../i18n';

interface Props {
  photos: PhotoDraft[];
  onAdd: () => void;
  onRetry: (index: number) => void;
  onRemove: (index: number) => void;
  error?: string;
}

/** Thumbnails with upload progress, retry and remove; the add tile opens camera or album. */
export function PhotoPicker({ photos, onAdd, onRetry, onRemove, error }: Props) {
  const t = useT();
  const preview = (p: PhotoDraft) => (p.previewUrl ? absoluteUrl(p.previewUrl) : p.localPath);
  return (
    <View>
      <View className='photo-grid'>
        {photos.map((p, i) => (
          <View key={`${p.localPath}-${i}`} className='photo-tile' data-testid='photo-tile'>
            <Image
              className='photo-img'
              src={preview(p)}
              mode='aspectFill'
              aria-hidden='true'
              onClick={() => Taro.previewImage({ urls: photos.map(preview), current: preview(p) })}
            />
            {p.status === 'uploading' && (
              <View className='photo-overlay'>
                <Text>{p.progress}%</Text>
              </View>
            )}
            {p.status === 'failed' && (
              <View className='photo-overlay failed' role='button' aria-label={`${t('photos.failed')} ${t('photos.retry')}`} onClick={() => onRetry(i)}>
                <Text>{t('photos.failed')}</Text>
                <Text className='photo-retry'>{t('photos.retry')}</Text>
              </View>
            )}
            <View className='photo-remove' role='button' onClick={() => onRemove(i)} aria-label={t('photos.remove')}>
              <Text>×</Text>
            </View>
          </View>
        ))}
        {photos.length < LIMITS.mediaPerReport.max && (
          <View className='photo-tile photo-add' role='button' onClick={onAdd} data-testid='photo-add'>
            <Text className='photo-add-plus'>＋</Text>
            <Text className='muted'>{t('photos.add')}</Text>
          </View>
        )}
      </View>
      <Text className='hint'>{t('photos.hint', { max: LIMITS.mediaPerReport.max })}</Text>
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
