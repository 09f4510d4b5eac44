import { districtByCode } from '@ssp/shared';
import { distanceMeters } from '../geo/coords';
import type { HotspotDoc } from './insightModel';

/** The district most members are in (the first of equals, in the order districts joined): what a district scope filters on. */
export function hotspotDistrictCode(h: HotspotDoc): string {
  return Object.entries(h.dc ?? {}).reduce<[string, number] | null>((best, e) => (!best || e[1] > best[1] ? e : best), null)?.[0] ?? 'none';
}

/** Centre, radius and district of a hotspot, derived from its stored statistics (see HotspotDoc). */
export function hotspotShape(h: HotspotDoc) {
  const lat = h.sLat / h.count;
  const lng = h.sLng / h.count;
  const corners = [
    { lat: h.minLat, lng: h.minLng },
    { lat: h.minLat, lng: h.maxLng },
    { lat: h.maxLat, lng: h.minLng },
    { lat: h.maxLat, lng: h.maxLng },
  ];
  const radiusM = Math.round(Math.max(...corners.map((c) => distanceMeters({ lat, lng }, c))));
  const code = hotspotDistrictCode(h);
  return {
    center: { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 },
    radiusM,
    district: { code, name: districtByCode(code)?.name ?? '未定位' },
  };
}

/**
 * A hotspot as the console and the pipeline's `event: "hotspot"` message show it (one shape for both).
 * `reportIds`: all its members' report ids, oldest first (read from `insight_hotspot_members`).
 */
export function presentHotspot(h: HotspotDoc, reportIds: string[]) {
  const { center, radiusM, district } = hotspotShape(h);
  return {
    id: h._id,
    category: { code: h.parent, name: h.parentName },
    district,
    center,
    radiusM,
    count: h.count,
    firstAt: new Date(h.firstAt).toISOString(),
    lastAt: new Date(h.lastAt).toISOString(),
    reportIds,
    createdAt: new Date(h.createdAt).toISOString(),
  };
}
