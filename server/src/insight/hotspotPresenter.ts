import type { HotspotDoc } from './insightModel';

/** A hotspot as the console and the pipeline's `event: "hotspot"` message show it (one shape for both). */
export function presentHotspot(h: HotspotDoc) {
  return {
    id: h._id,
    category: { code: h.parent, name: h.parentName },
    district: h.district,
    center: h.center,
    radiusM: h.radiusM,
    count: h.count,
    firstAt: new Date(h.firstAt).toISOString(),
    lastAt: new Date(h.lastAt).toISOString(),
    reportIds: h.reportIds,
    createdAt: new Date(h.createdAt).toISOString(),
  };
}
