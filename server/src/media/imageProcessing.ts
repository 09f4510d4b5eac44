import sharp from 'sharp';
import { LIMITS, type AcceptedImageType } from '@ssp/shared';

/** The real type from the first bytes; the file name and declared type are not trusted. */
export function sniffImageType(bytes: Buffer): AcceptedImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export interface ProcessedImage {
  original: Buffer;
  preview: Buffer;
  contentType: AcceptedImageType;
  previewType: 'image/jpeg';
  width: number;
  height: number;
}

export class CorruptImageError extends Error {}

/**
 * Re-encodes the image so nothing of the upload's metadata survives (sharp
 * writes no EXIF/XMP/ICC unless asked; GPS lives in EXIF), after turning the
 * pixels upright per the EXIF orientation the resident's camera recorded.
 */
export async function processImage(bytes: Buffer, contentType: AcceptedImageType): Promise<ProcessedImage> {
  try {
    const upright = sharp(bytes, { failOn: 'error', limitInputPixels: 80_000_000 }).rotate();
    const encoded =
      contentType === 'image/png'
        ? upright.png({ compressionLevel: 8 })
        : contentType === 'image/webp'
          ? upright.webp({ quality: 85 })
          : upright.jpeg({ quality: 85, mozjpeg: true });
    const { data: original, info } = await encoded.toBuffer({ resolveWithObject: true });
    const preview = await sharp(original)
      .resize({ width: LIMITS.previewMaxEdge, height: LIMITS.previewMaxEdge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    return { original, preview, contentType, previewType: 'image/jpeg', width: info.width, height: info.height };
  } catch (err) {
    throw new CorruptImageError((err as Error).message);
  }
}
