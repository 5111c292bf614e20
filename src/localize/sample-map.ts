// A class map's value at each pixel of a photo (or of any rendering of it): the link from map cells
// back to pixels that drawing and the faithfulness curves both use.
import type { InputTransform } from '../image/geometry';

/** The map grid: cells across and down, and input pixels per cell. */
export interface Grid {
  width: number;
  height: number;
  cellSize: number;
}

/**
 * Samples a map grid at every pixel of an outW x outH rendering of the photo. Bilinear between
 * cell centres when `smooth`, else nearest cell (the "raw grid" view). Pixels that fall outside
 * the network's input (a centre crop) are NaN.
 */
export function sampleMap(map: Float32Array, grid: Grid, t: InputTransform, outW: number, outH: number, smooth: boolean): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = t.imageWidth / outW,
    sy = t.imageHeight / outH;
  for (let y = 0; y < outH; y++) {
    const iy = ((y + 0.5) * sy * t.scaleY - t.offsetY) / grid.cellSize;
    for (let x = 0; x < outW; x++) {
      const ix = ((x + 0.5) * sx * t.scaleX - t.offsetX) / grid.cellSize;
      const o = y * outW + x;
      if (ix < 0 || iy < 0 || ix >= grid.width || iy >= grid.height) {
        out[o] = NaN;
        continue;
      }
      if (!smooth) {
        out[o] = map[Math.floor(iy) * grid.width + Math.floor(ix)];
        continue;
      }
      const fx = Math.min(grid.width - 1, Math.max(0, ix - 0.5)),
        fy = Math.min(grid.height - 1, Math.max(0, iy - 0.5));
      const x0 = Math.floor(fx),
        y0 = Math.floor(fy);
      const x1 = Math.min(grid.width - 1, x0 + 1),
        y1 = Math.min(grid.height - 1, y0 + 1);
      const ax = fx - x0,
        ay = fy - y0;
      const top = map[y0 * grid.width + x0] * (1 - ax) + map[y0 * grid.width + x1] * ax;
      const bot = map[y1 * grid.width + x0] * (1 - ax) + map[y1 * grid.width + x1] * ax;
      out[o] = top * (1 - ay) + bot * ay;
    }
  }
  return out;
}
