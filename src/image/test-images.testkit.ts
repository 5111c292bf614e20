// Synthetic photos for unit tests: values from a function of the pixel position.
import type { RGBAImage } from './geometry';

/** A grey photo: each pixel's red, green and blue are f(x, y), alpha opaque. */
export function grayImage(w: number, h: number, f: (x: number, y: number) => number): RGBAImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = f(x, y);
      data.set([v, v, v, 255], 4 * (y * w + x));
    }
  return { width: w, height: h, data };
}

/** A colour photo with structure on both axes (a mirror or a crop changes what a network sees), varied by `seed`. */
export function patternImage(w: number, h: number, seed = 1): RGBAImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = 4 * (y * w + x);
      data[p] = (x * 7 + y * 3 * seed) % 256;
      data[p + 1] = (x * y + seed * 40) % 256;
      data[p + 2] = (255 * Math.abs(Math.sin(x / 9 + y / 17 + seed))) | 0;
      data[p + 3] = 255;
    }
  return { width: w, height: h, data };
}
