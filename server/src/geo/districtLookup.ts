import { districtByName, type District } from '@ssp/shared';
import data from './shanghai-districts.json' with { type: 'json' };
import { distanceMeters, type LatLng } from './coords';

type Ring = [number, number][];
interface Area {
  district: District;
  polygons: Ring[][];
  bbox: [number, number, number, number];
}

/**
 * The boundary data is quantised to 1/1024° (~100 m), so points on a shared
 * edge or just off the coast can fall in no polygon. Those snap to the nearest
 * district when it is this close; anything further is outside Shanghai.
 */
const SNAP_METERS = 1500;

function bboxOf(polygons: Ring[][]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const ring of polygons.flat()) {
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

const AREAS: Area[] = data.districts.map((d) => {
  const district = districtByName(d.name);
  if (!district) throw new Error(`boundary data names an unknown district: ${d.name}`);
  const polygons = d.polygons as Ring[][];
  return { district, polygons, bbox: bboxOf(polygons) };
});

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd over the outer ring and its holes. */
function inPolygon(x: number, y: number, rings: Ring[]): boolean {
  let inside = false;
  for (const ring of rings) if (inRing(x, y, ring)) inside = !inside;
  return inside;
}

function distanceToSegment(p: LatLng, a: [number, number], b: [number, number]): number {
  // Project in a local equirectangular frame; fine at these distances.
  const k = Math.cos((p.lat * Math.PI) / 180);
  const ax = (a[0] - p.lng) * k, ay = a[1] - p.lat;
  const bx = (b[0] - p.lng) * k, by = b[1] - p.lat;
  const dx = bx - ax, dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
  const cx = ax + t * dx, cy = ay + t * dy;
  return distanceMeters(p, { lat: p.lat + cy, lng: p.lng + cx / k });
}

/** Offline lookup of the Shanghai district containing a GCJ-02 point, or null. */
export function lookupDistrict(point: LatLng): District | null {
  const { lng: x, lat: y } = point;
  for (const area of AREAS) {
    const [minX, minY, maxX, maxY] = area.bbox;
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    if (area.polygons.some((rings) => inPolygon(x, y, rings))) return area.district;
  }
  let best: { district: District; meters: number } | null = null;
  const pad = SNAP_METERS / 90000; // degrees, generous at this latitude
  for (const area of AREAS) {
    const [minX, minY, maxX, maxY] = area.bbox;
    if (x < minX - pad || x > maxX + pad || y < minY - pad || y > maxY + pad) continue;
    for (const ring of area.polygons.flat()) {
      for (let i = 1; i < ring.length; i++) {
        const meters = distanceToSegment(point, ring[i - 1], ring[i]);
        if (meters <= SNAP_METERS && (!best || meters < best.meters)) best = { district: area.district, meters };
      }
    }
  }
  return best?.district ?? null;
}
