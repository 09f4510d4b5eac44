import { Button, Input, Text, View } from '@tarojs/components';
import type { ReportLocation } from '@ssp/shared';
import { canChooseOnMap, type Place } from '../services/geo';
import './LocationCard.scss';
import { districtName, useT } from '../i18n';

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
  const t = useT();
  const address = location?.address || place?.address || '';
  return (
    <View className='location-card' data-testid='location-card'>
      {status.kind === 'locating' && <Text className='muted'>{t('location.locating')}</Text>}
      {location && status.kind !== 'locating' && (
        <View>
          <Text className='location-address'>{address || (location.lat != null && location.lng != null ? t('location.coords', { lat: location.lat.toFixed(5), lon: location.lng.toFixed(5) }) : t('location.typeAddress'))}</Text>
          <View className='location-meta'>
            {place?.district ? (
              <Text className='tag' data-testid='district'>{districtName(place.district)}</Text>
            ) : place ? (
              <Text className='tag warn-tag'>{t('location.outside')}</Text>
            ) : null}
            {location.accuracy ? <Text className='muted'>{t('location.accuracy', { meters: location.accuracy })}</Text> : null}
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
          <Text className='muted'>{status.kind === 'failed' ? t('location.detailRequired') : t('location.detailOptional')}</Text>
          <Input className='input' value={location?.address ?? ''} maxlength={200} placeholder={t('location.addressPlaceholder')} aria-label={t('location.addressLabel')} data-testid='address' onInput={(e) => onAddressInput(e.detail.value)} />
        </View>
      )}
      <View className='location-actions'>
        <Button className='btn small secondary' onClick={onRelocate}>{t('location.relocate')}</Button>
        {canChooseOnMap && <Button className='btn small secondary' onClick={onChooseOnMap}>{t('location.onMap')}</Button>}
        {status.kind === 'failed' && status.reason === 'denied' && canChooseOnMap && (
          <Button className='btn small secondary' onClick={onOpenSettings}>{t('location.openSettings')}</Button>
        )}
      </View>
      {error && <Text className='error-text'>{error}</Text>}
    </View>
  );
}
