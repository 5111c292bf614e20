// Heatmaps over photos as pure RGBA pixel math, so the CLI's --overlay and the page draw the
// same thing and tests can check it without a canvas.
import type { InputTransform, RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';
import type { Grid } from '../localize/sample-map';
import { colormapTable, type Colormap, type RGB } from './colormap';

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
