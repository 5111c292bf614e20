// Photo files to RGBA pixels in Node, with pure-JS decoders (no native modules) and messages
// that say what is wrong with the file rather than how the decoder failed.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RGBAImage } from './geometry';

/** Decoding stops above this (a 100-MP photo is ~400 MB of RGBA); callers downscale anything big. */
export const MAX_MEGAPIXELS = 100;

export class ImageError extends Error {
  override name = 'ImageError';
}

export function sniff(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

export function decodeImage(bytes: Uint8Array, name: string): RGBAImage {
  const kind = sniff(bytes);
  if (!kind) throw new ImageError(`${name}: not a PNG or JPEG image (${bytes.length} bytes, starts ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 2048 });
    if (!img.width || !img.height) throw new Error('no image data');
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new ImageError(`${name}: corrupt or truncated ${kind.toUpperCase()} (${(e as Error).message})`);
  }
}
