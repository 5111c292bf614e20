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
