/**
 * WGS-84 ↔ GCJ-02. Chinese map data (Tencent, AMap, our district boundaries)
 * is in GCJ-02; browsers and GPS give WGS-84. The offset is ~500 m in Shanghai,
 * enough to put a point on the wrong side of a district line.
 */
const A = 6378245.0;
const EE = 0.006693421622965943; // 0.00669342162296594323, rounded to the nearest double (the same value)

function outOfChina(lat: number, lng: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

export interface LatLng {
  lat: number;
  lng: number;
}

export function wgs84ToGcj02({ lat, lng }: LatLng): LatLng {
  if (outOfChina(lat, lng)) return { lat, lng };
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lng: lng + dLng };
}

/** GCJ-02 → WGS-84 by fixed-point iteration (the forward transform is smooth; 5 rounds give < 1 cm). */
export function gcj02ToWgs84(p: LatLng): LatLng {
  let guess = { ...p };
  for (let i = 0; i < 5; i++) {
    const f = wgs84ToGcj02(guess);
    guess = { lat: guess.lat + (p.lat - f.lat), lng: guess.lng + (p.lng - f.lng) };
  }
  return guess;
}

export function toGcj02(point: LatLng & { coordSystem: 'gcj02' | 'wgs84' }): LatLng {
  return point.coordSystem === 'wgs84' ? wgs84ToGcj02(point) : { lat: point.lat, lng: point.lng };
}

/** Great-circle distance in metres (haversine); good to well under 1 % at city scale. */
const toRad = (d: number) => (d * Math.PI) / 180;

export function distanceMeters(a: LatLng, b: LatLng): number {
  // (toRad outside: a closure made per call is wrapped again per call by the TypeScript loader, and the
  // hotspot detection measures thousands of distances per flush)
  const R = 6371008.8;
  const dLat = toRad(b.lat - a.lat);
  const dLng = toRad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
