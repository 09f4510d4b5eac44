import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { LIMITS } from '@ssp/shared';
import type { PhotoDraft } from '../services/drafts';
import { absoluteUrl } from '../services/media';
import './PhotoPicker.scss';

interface Props {
  photos: PhotoDraft[];
  onAdd: () => void;
  onRetry: (index: number) => void;
  onRemove: (index: number) => void;
  error?: string;
}

/** Thumbnails with upload progress, retry and remove; the add tile opens camera or album. */
export function PhotoPicker({ photos, onAdd, onRetry, onRemove, error }: Props) {
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
              onClick={() => Taro.previewImage({ urls: photos.map(preview), current: preview(p) })}
            />
            {p.status === 'uploading' && (
              <View className='photo-overlay'>
                <Text>{p.progress}%</Text>
              </View>
            )}
            {p.status === 'failed' && (
              <View className='photo-overlay failed' onClick={() => onRetry(i)}>
                <Text>上传失败</Text>
                <Text className='photo-retry'>点此重试</Text>
              </View>
            )}
            <View className='photo-remove' onClick={() => onRemove(i)} aria-label='删除照片'>
              <Text>×</Text>
            </View>
          </View>
        ))}
        {photos.length < LIMITS.mediaPerReport.max && (
          <View className='photo-tile photo-add' onClick={onAdd} data-testid='photo-add'>
            <Text className='photo-add-plus'>＋</Text>
            <Text className='muted'>拍照/相册</Text>
          </View>
        )}
      </View>
      <Text className='hint'>最多 {LIMITS.mediaPerReport.max} 张，照片会自动压缩，位置等隐私信息会被清除</Text>
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
