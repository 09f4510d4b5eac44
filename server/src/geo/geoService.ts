import { districtByCode, districtInText, hasCoordinates, type District, type ReportLocation } from '@ssp/shared';
import type { Logger } from '../log';
import { toGcj02 } from './coords';
import { lookupDistrict } from './districtLookup';
import type { TencentGeocoder } from './tencentGeocoder';

export interface ResolvedPlace {
  district: District | null;
  address: string | null;
  source: 'tencent' | 'offline';
}

export function createGeoService(deps: { geocoder: TencentGeocoder | null; log: Logger }) {
  /** Never calls out: used on report create so a slow map service cannot slow a submit. */
  function resolveOffline(location: ReportLocation): ResolvedPlace {
    const district = hasCoordinates(location)
      ? lookupDistrict(toGcj02(location))
      : location.address
        ? districtInText(location.address)
        : null;
    return { district, address: location.address ?? null, source: 'offline' };
  }

  /** For filling in the location card: Tencent when configured, offline lookup when it fails. */
  async function reverse(location: ReportLocation): Promise<ResolvedPlace> {
    const offline = resolveOffline(location);
    if (!deps.geocoder || !hasCoordinates(location)) return offline;
    try {
      const hit = await deps.geocoder.reverse(toGcj02(location));
      const district = districtByCode(hit.adcode);
      return { district, address: hit.address || offline.address, source: 'tencent' };
    } catch (err) {
      deps.log.warn('geocoder failed, using offline district lookup', { error: (err as Error).message });
      return offline;
    }
  }

  return { resolveOffline, reverse };
}

export type GeoService = ReturnType<typeof createGeoService>;
