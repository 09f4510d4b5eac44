import sharp from 'sharp';

/** Small real images made on the fly; `withGps` carries EXIF with GPS and a marker string. */
export const EXIF_MARKER = 'SSP-EXIF-MARKER-Camera';

export async function makeJpeg(opts: { width?: number; height?: number; withGps?: boolean } = {}): Promise<Buffer> {
  let img = sharp({ create: { width: opts.width ?? 640, height: opts.height ?? 480, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg();
  if (opts.withGps) {
    img = img.withExif({
      IFD0: { Make: EXIF_MARKER, Model: 'TestPhone' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 13/1 49/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 25/1' },
    });
  }
  return img.toBuffer();
}

export async function makePng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 120, b: 255, alpha: 0.5 } } }).png().toBuffer();
}

export async function makeWebp(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a3' } }).webp().toBuffer();
}

export function multipart(field: string, filename: string, bytes: Buffer, type = 'image/jpeg'): FormData {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), filename);
  return form;
}
