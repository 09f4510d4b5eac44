import { Button, Input, Text, View } from '@tarojs/components';
import type { ReportLocation } from '@ssp/shared';
import { canChooseOnMap, type Place } from '../services/geo';
import './LocationCard.scss';

export type LocateStatus = { kind: 'idle' } | { kind: 'locating' } | { kind: 'ok' } | { kind: 'failed'; reason: 'denied' | 'unavailable'; message: string };

interface Props {
  location: ReportLocation | null;
  place: Place | null;
  status: LocateStatus;
  onRelocate: () => void;
  onChooseOnMap: () => void;
  onOpenSettings: () => void;
  onAddressInput: (address: string) => void;
  error?: string;
}

/** Where the problem is: address + district, with re-locate, map pick, and a typed address when location is refused. */
export function LocationCard({ location, place, status, onRelocate, onChooseOnMap, onOpenSettings, onAddressInput, error }: Props) {
  const address = location?.address || place?.address || '';
  return (
    <View className='location-card' data-testid='location-card'>
      {status.kind === 'locating' && <Text className='muted'>正在获取位置…</Text>}
      {location && status.kind !== 'locating' && (
        <View>
          <Text className='location-address'>{address || (location.lat != null && location.lng != null ? `经纬度 ${location.lat.toFixed(5)}, ${location.lng.toFixed(5)}` : '请填写地址')}</Text>
          <View className='location-meta'>
            {place?.district ? (
              <Text className='tag' data-testid='district'>{place.district.name}</Text>
            ) : place ? (
              <Text className='tag warn-tag'>不在上海市范围，将人工分派</Text>
            ) : null}
            {location.accuracy ? <Text className='muted'> 精度约 {location.accuracy} 米</Text> : null}
          </View>
        </View>
      )}
      {status.kind === 'failed' && (
        <View className='banner warn'>
          <Text>{status.message}</Text>
        </View>
      )}
      {(status.kind === 'failed' || location) && (
        <View className='field'>
          <Text className='muted'>{status.kind === 'failed' ? '请填写问题发生的详细地址' : '补充门牌号、楼层等（可选）'}</Text>
          <Input className='input' value={location?.address ?? ''} maxlength={200} placeholder='例如：黄浦区人民大道200号东侧' onInput={(e) => onAddressInput(e.detail.value)} />
        </View>
      )}
      <View className='location-actions'>
        <Button className='btn small secondary' onClick={onRelocate}>重新定位</Button>
        {canChooseOnMap && <Button className='btn small secondary' onClick={onChooseOnMap}>地图选点</Button>}
        {status.kind === 'failed' && status.reason === 'denied' && canChooseOnMap && (
          <Button className='btn small secondary' onClick={onOpenSettings}>去开启定位</Button>
        )}
      </View>
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
