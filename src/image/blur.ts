// A blurred copy of a photo: the "removed" state of the faithfulness curves (deletion replaces
// pixels by it, insertion starts from it). Three box passes per axis approximate a Gaussian.
import type { RGBAImage } from './geometry';

/** One box pass of radius r along rows (step 1) or columns (step width), edges clamped. */
function boxPass(src: Float32Array, dst: Float32Array, width: number, height: number, r: number, horizontal: boolean): void {
  const n = horizontal ? width : height,
    lines = horizontal ? height : width;
  const stride = horizontal ? 4 : 4 * width,
    lineStride = horizontal ? 4 * width : 4;
  const norm = 1 / (2 * r + 1);
  for (let l = 0; l < lines; l++) {
    const base = l * lineStride;
    for (let c = 0; c < 4; c++) {
      const at = (i: number) => src[base + Math.min(n - 1, Math.max(0, i)) * stride + c];
      let sum = 0;
      for (let i = -r; i <= r; i++) sum += at(i);
      for (let i = 0; i < n; i++) {
        dst[base + i * stride + c] = sum * norm;
        sum += at(i + r + 1) - at(i - r);
      }
    }
  }
}

/** The box radius whose three passes have the standard deviation sigma (variance r(r+1) per axis). */
export function boxRadius(sigma: number): number {
  return Math.max(0, Math.round((Math.sqrt(1 + 4 * sigma * sigma) - 1) / 2));
}

/** A blurred copy (Gaussian-like, standard deviation ~sigma pixels); alpha is blurred too and stays 255 for opaque photos. */
export function blurImage(img: RGBAImage, sigma: number): RGBAImage {
  const r = boxRadius(sigma);
  const { width, height } = img;
  let a = Float32Array.from(img.data),
    b = new Float32Array(a.length);
  if (r > 0) {
    for (const horizontal of [true, false]) {
      for (let pass = 0; pass < 3; pass++) {
        boxPass(a, b, width, height, r, horizontal);
        [a, b] = [b, a];
      }
    }
  }
  return { width, height, data: Uint8ClampedArray.from(a, (v) => Math.round(v)) };
}
