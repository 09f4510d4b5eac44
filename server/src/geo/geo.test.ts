import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { decodeShanghai, loadSource, OUTPUT } from '../../scripts/build-districts';
import { silentLogger } from '../log';
import { distanceMeters, wgs84ToGcj02 } from './coords';
import { lookupDistrict } from './districtLookup';
import { createGeoService } from './geoService';
import { createTencentGeocoder } from './tencentGeocoder';

const places: [string, number, number, string | null][] = [
  ['人民广场', 31.2304, 121.4737, '黄浦区'],
  ['陆家嘴', 31.2397, 121.5055, '浦东新区'],
  ['徐家汇', 31.1951, 121.4375, '徐汇区'],
  ['中山公园', 31.2227, 121.4205, '长宁区'],
  ['静安寺', 31.2236, 121.4454, '静安区'],
  ['五角场', 31.3012, 121.5143, '杨浦区'],
  ['虹桥火车站', 31.1942, 121.3206, '闵行区'],
  ['松江大学城', 31.0486, 121.2192, '松江区'],
  ['嘉定新城', 31.3763, 121.2451, '嘉定区'],
  ['崇明城桥镇', 31.6230, 121.3970, '崇明区'],
  ['北京天安门', 39.9042, 116.4074, null],
  ['杭州西湖', 30.2431, 120.1504, null],
];

for (const [name, lat, lng, district] of places) {
  test(`offline lookup: ${name} → ${district ?? 'outside Shanghai'}`, (t) => {
    t.is(lookupDistrict({ lat, lng })?.name ?? null, district);
  });
}

test('WGS-84 → GCJ-02 shifts Shanghai points by a few hundred metres, leaves foreign points alone', (t) => {
  const gps = { lat: 31.2304, lng: 121.4737 };
  const shifted = wgs84ToGcj02(gps);
  const d = distanceMeters(gps, shifted);
  t.true(d > 300 && d < 700, `shift was ${d} m`);
  t.deepEqual(wgs84ToGcj02({ lat: 48.8566, lng: 2.3522 }), { lat: 48.8566, lng: 2.3522 });
});

test('distance: 1° of latitude is ~111 km', (t) => {
  const d = distanceMeters({ lat: 31, lng: 121 }, { lat: 32, lng: 121 });
  t.true(Math.abs(d - 111_195) < 200);
});

test('the committed boundary file is exactly what the build script decodes', (t) => {
  const committed = JSON.parse(readFileSync(OUTPUT, 'utf8'));
  t.deepEqual(committed.districts, JSON.parse(JSON.stringify(decodeShanghai(loadSource()))));
});

/** A local server speaking Tencent's /ws/geocoder/v1 format, with switches for failures. */
async function fakeTencent(mode: { value: 'ok' | 'bad-key' | 'slow' | 'http-500' }) {
  const seen: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.push(url.searchParams);
    if (url.pathname !== '/ws/geocoder/v1/') return void res.writeHead(404).end();
    if (mode.value === 'http-500') return void res.writeHead(500).end('oops');
    const body =
      mode.value === 'bad-key'
        ? { status: 311, message: 'key格式错误' }
        : {
            status: 0,
            message: 'query ok',
            result: {
              address: '上海市黄浦区人民大道200号',
              ad_info: { adcode: '310101', district: '黄浦区', city: '上海市' },
            },
          };
    const send = () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (mode.value === 'slow') setTimeout(send, 1500);
    else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => { server.closeAllConnections(); server.close(); } };
}

test('Tencent client sends location and key, and reads address and adcode', async (t) => {
  const mode = { value: 'ok' as const };
  const fake = await fakeTencent(mode);
  t.teardown(fake.close);
  const geocoder = createTencentGeocoder({ baseUrl: fake.url, key: 'KEY-123', timeoutMs: 1000 });
  const hit = await geocoder.reverse({ lat: 31.2304, lng: 121.4737 });
  t.is(hit.adcode, '310101');
  t.is(hit.address, '上海市黄浦区人民大道200号');
  t.is(fake.seen[0].get('location'), '31.2304,121.4737');
  t.is(fake.seen[0].get('key'), 'KEY-123');
});

test('geo service falls back to the offline lookup when Tencent errs, times out or fails', async (t) => {
  const mode: { value: 'ok' | 'bad-key' | 'slow' | 'http-500' } = { value: 'ok' };
  const fake = await fakeTencent(mode);
  t.teardown(fake.close);
  const geo = createGeoService({ geocoder: createTencentGeocoder({ baseUrl: fake.url, key: 'k', timeoutMs: 300 }), log: silentLogger });
  const where = { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02' as const };
  t.is((await geo.reverse(where)).source, 'tencent');
  for (const failure of ['bad-key', 'slow', 'http-500'] as const) {
    mode.value = failure;
    const started = Date.now();
    const place = await geo.reverse(where);
    t.is(place.source, 'offline', failure);
    t.is(place.district?.name, '黄浦区', failure);
    t.true(Date.now() - started < 1200, `${failure} respected the timeout`);
  }
});

test('geo service without a key never calls out', async (t) => {
  const geo = createGeoService({ geocoder: null, log: silentLogger });
  const place = await geo.reverse({ lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', address: '人民广场' });
  t.deepEqual(place, { district: { code: '310101', name: '黄浦区', nameEn: 'Huangpu District' }, address: '人民广场', source: 'offline' });
});
