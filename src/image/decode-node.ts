// Photo files to RGBA pixels in Node, with pure-JS decoders (no native modules) and messages
// that say what is wrong with the file rather than how the decoder failed.
import { PNG } from 'pngjs';
import { applyOrientation, pngOrientation } from './exif';
import { decodeJpeg, MAX_MEGAPIXELS } from './decode-jpeg';
import { describeContent, sniffImage, truncation } from './file-check';
import type { RGBAImage } from './geometry';
import { fitPixels } from './file-check';
import { downscale, downscaleNote, flattenAlpha, tooSmallNote } from './photo-rules';

/** Decoding stops above this (a 100-MP photo is ~400 MB of RGBA); callers downscale anything big. */
export { MAX_MEGAPIXELS };

export class ImageError extends Error {
  override name = 'ImageError';
}

export function decodeImage(bytes: Uint8Array, name: string): RGBAImage {
  const kind = sniffImage(bytes);
  if (kind !== 'png' && kind !== 'jpeg') {
    throw new ImageError(
      `${name}: not a PNG or JPEG image (${kind ? `a ${kind.toUpperCase()} file, which the CLI does not decode` : describeContent(bytes)})`,
    );
  }
  // The decoders paint whatever part of a cut-short file arrived; refuse it as the page does.
  const cut = truncation(bytes, kind);
  if (cut) throw new ImageError(`${name}: corrupt or truncated ${kind.toUpperCase()} (${cut})`);
  // The page's createImageBitmap turns the photo upright by its EXIF orientation; so must the CLI.
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const pixels = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
      // Transparency over white, as the page does (photo-rules.ts).
      flattenAlpha(pixels.data);
      return applyOrientation(pixels, pngOrientation(bytes));
    }
    return decodeJpeg(bytes);
  } catch (e) {
    throw new ImageError(`${name}: corrupt or truncated ${kind.toUpperCase()} (${(e as Error).message})`);
  }
}

/** A photo as the CLI analyses it: as the page does, downscaled above MAX_PIXELS, with the page's notes. */
export interface DecodedPhoto {
  /** The pixels analysed (the photo's own, or a downscaled copy). */
  image: RGBAImage;
  /** The photo's own size: boxes are given in its pixels. */
  width: number;
  height: number;
  /** What the page says about such a photo (downscaled, too small), in its words. */
  notes: string[];
}

export function decodePhoto(bytes: Uint8Array, name: string): DecodedPhoto {
  const full = decodeImage(bytes, name);
  const { width, height } = full;
  const fit = fitPixels(width, height);
  const image = fit.width === width && fit.height === height ? full : downscale(full, fit.width, fit.height);
  const notes = [downscaleNote(name, width, height), tooSmallNote(name, width, height)].filter((n): n is string => n !== null);
  return { image, width, height, notes };
}
