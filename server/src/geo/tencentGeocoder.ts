import type { LatLng } from './coords';

/**
 * Client for Tencent Location Service reverse geocoding
 * (`GET /ws/geocoder/v1/?location=lat,lng&key=KEY`, GCJ-02 in and out).
 * Errors come back as HTTP 200 with a non-zero `status`.
 */
export interface ReverseGeocodeResult {
  address: string;
  /** 6-digit administrative code of the district, e.g. 310101 */
  adcode: string;
  district: string;
  city: string;
}

export class GeocoderError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'GeocoderError';
  }
}

export interface TencentGeocoderOptions {
  baseUrl: string;
  key: string;
  timeoutMs: number;
}

export function createTencentGeocoder(options: TencentGeocoderOptions) {
  return {
    async reverse(point: LatLng): Promise<ReverseGeocodeResult> {
      const url = new URL('/ws/geocoder/v1/', options.baseUrl);
      url.searchParams.set('location', `${point.lat},${point.lng}`);
      url.searchParams.set('key', options.key);
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (err) {
        throw new GeocoderError(`geocoder unreachable: ${(err as Error).name}`);
      }
      if (!res.ok) throw new GeocoderError(`geocoder HTTP ${res.status}`);
      const body = (await res.json()) as {
        status: number;
        message?: string;
        result?: { address?: string; ad_info?: { adcode?: string; district?: string; city?: string } };
      };
      if (body.status !== 0 || !body.result) {
        throw new GeocoderError(`geocoder status ${body.status}: ${body.message ?? ''}`, body.status);
      }
      const ad = body.result.ad_info ?? {};
      return {
        address: body.result.address ?? '',
        adcode: ad.adcode ?? '',
        district: ad.district ?? '',
        city: ad.city ?? '',
      };
    },
  };
}

export type TencentGeocoder = ReturnType<typeof createTencentGeocoder>;
