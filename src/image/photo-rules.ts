// What the page and the CLI both do to a decoded photo before the network sees it, in one place
// so they cannot drift apart: transparency composited over white, photos above MAX_PIXELS
// downscaled, and photos too small for the maps said to be so. Pure.
import type { InputTransform, RGBAImage } from './geometry';
import { fitPixels } from './file-check';

/** Transparent pixels are composited over this (white: how a transparent PNG shows on a page). */
export const BACKDROP = 255;

/**
 * Composites straight (not premultiplied) RGBA over white, in place, and makes it opaque: what a
 * transparent pixel "is" must not depend on the colour a decoder happens to leave under alpha 0
 * (pngjs keeps the file's, a browser canvas keeps black). Returns whether anything was transparent.
 */
export function flattenAlpha(data: Uint8Array | Uint8ClampedArray): boolean {
  let any = false;
  for (let p = 0; p < data.length; p += 4) {
    const a = data[p + 3];
    if (a === 255) continue;
    any = true;
    for (let k = 0; k < 3; k++) data[p + k] = Math.round((data[p + k] * a + BACKDROP * (255 - a)) / 255);
    data[p + 3] = 255;
  }
  return any;
}

/** The note for a photo analysed at a smaller size than its own (null when it fits). */
export function downscaleNote(name: string, width: number, height: number): string | null {
  const fit = fitPixels(width, height);
  if (fit.width === width && fit.height === height) return null;
  return `${name} is ${width}×${height} (${((width * height) / 1e6).toFixed(1)} megapixels), over the 20-megapixel limit: it was downscaled to ${fit.width}×${fit.height} for analysis. Boxes are still given in the original's pixels.`;
}

/**
 * Below this many pixels on a side, a photo has fewer pixels than the finest map has cells
 * (DRN's 28x28 at the default 224 px input): each map cell then covers less than one photo pixel,
 * so the map's detail comes from upsampling the photo, not from the photo.
 */
export const MIN_SIDE = 28;

/** The note for a photo too small for its maps to mean anything (null when it is large enough). */
export function tooSmallNote(name: string, width: number, height: number): string | null {
  if (width >= MIN_SIDE && height >= MIN_SIDE) return null;
  return `${name} is only ${width}×${height} pixels, fewer than the ${MIN_SIDE}×${MIN_SIDE} cells of the finest map: it was analysed, but its maps and boxes say little (each map cell is smaller than one of its pixels).`;
}

/** A box filter over each target pixel's footprint: the CLI's downscale of a photo above MAX_PIXELS. */
export function downscale(img: RGBAImage, width: number, height: number): RGBAImage {
  const out = new Uint8Array(width * height * 4);
  const sx = img.width / width,
    sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy),
      y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx),
        x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const p = 4 * (yy * img.width + xx);
          r += img.data[p];
          g += img.data[p + 1];
          b += img.data[p + 2];
          a += img.data[p + 3];
        }
      const n = (y1 - y0) * (x1 - x0),
        q = 4 * (y * width + x);
      out[q] = Math.round(r / n);
      out[q + 1] = Math.round(g / n);
      out[q + 2] = Math.round(b / n);
      out[q + 3] = Math.round(a / n);
    }
  }
  return { width, height, data: out };
}

/**
 * The transform of an analysis of a downscaled copy, re-expressed in the original photo's
 * pixels (the copy has the original's aspect ratio, so only the scales change).
 */
export function toOriginalPixels(t: InputTransform, width: number, height: number): InputTransform {
  if (t.imageWidth === width && t.imageHeight === height) return t;
  const fx = t.imageWidth / width,
    fy = t.imageHeight / height;
  return { ...t, imageWidth: width, imageHeight: height, scaleX: t.scaleX * fx, scaleY: t.scaleY * fy };
}
