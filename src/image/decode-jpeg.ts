// JPEG files to upright RGBA pixels with the pure-JS decoder the CLI uses, so that a folder
// evaluated in the page sees exactly the pixels `eval` sees: browsers' JPEG decoders round their
// IDCT and chroma upsampling differently, by a level or two, which can flip a borderline image.
import jpeg from 'jpeg-js';
import { applyOrientation, jpegOrientation } from './exif';
import type { RGBAImage } from './geometry';

/**
 * Decoding stops above this (a 250-MP photo is ~1 GB of RGBA); anything over MAX_PIXELS is then
 * downscaled for analysis, as the page does (photo-rules.ts).
 */
export const MAX_MEGAPIXELS = 250;

/** Throws the decoder's own error; callers name the file. */
export function decodeJpeg(bytes: Uint8Array): RGBAImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 4096 });
  if (!img.width || !img.height) throw new Error('no image data');
  return applyOrientation({ width: img.width, height: img.height, data: img.data }, jpegOrientation(bytes));
}
