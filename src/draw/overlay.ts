// Heatmaps over photos as pure RGBA pixel math, so the CLI's --overlay and the page draw the
// same thing and tests can check it without a canvas.
import type { InputTransform, RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';
import { colormapTable, type Colormap, type RGB } from './colormap';

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

/** Blends a colormapped heat field (values in [0, 1]) over RGBA pixels in place. */
export function blendColormap(img: RGBAImage, heat: Float32Array, cmap: Colormap, opacity: number): void {
  const lut = colormapTable(cmap);
  for (let i = 0; i < heat.length; i++) {
    const v = heat[i];
    if (!(v >= 0)) continue;
    const c = 3 * Math.round(255 * Math.min(1, v));
    for (let k = 0; k < 3; k++) img.data[4 * i + k] = img.data[4 * i + k] * (1 - opacity) + lut[c + k] * opacity;
  }
}

/** The map cell under photo pixel (x, y), or null outside the network's input (a centre crop). */
export function cellAt(t: InputTransform, grid: Grid, x: number, y: number): [number, number] | null {
  const cx = Math.floor((x * t.scaleX - t.offsetX) / grid.cellSize);
  const cy = Math.floor((y * t.scaleY - t.offsetY) / grid.cellSize);
  return cx >= 0 && cy >= 0 && cx < grid.width && cy < grid.height ? [cx, cy] : null;
}

/** Draws a box outline (photo pixel coordinates scaled to the rendering) in place. */
export function strokeBox(img: RGBAImage, box: Box, scale: number, color: RGB, thickness = 2): void {
  const [x0, y0, x1, y1] = box.map((v) => Math.round(v * scale));
  const put = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const p = 4 * (y * img.width + x);
    img.data[p] = color[0];
    img.data[p + 1] = color[1];
    img.data[p + 2] = color[2];
    img.data[p + 3] = 255;
  };
  for (let d = 0; d < thickness; d++) {
    for (let x = x0; x < x1; x++) {
      put(x, y0 + d);
      put(x, y1 - 1 - d);
    }
    for (let y = y0; y < y1; y++) {
      put(x0 + d, y);
      put(x1 - 1 - d, y);
    }
  }
}
