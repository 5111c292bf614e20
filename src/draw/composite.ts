// Several class maps over one photo as pure RGBA math: the page's viewer, its PNG export and the
// CLI's --overlay all paint through these functions, so they cannot drift apart.
import type { InputTransform, RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';
import { colormapTable, type RGB } from './colormap';
import { sampleMap, type Grid } from '../localize/sample-map';

export type ColorScale = 'class' | 'shared';

export interface EvidenceLayer {
  /** Raw activations on the map grid. */
  plane: Float32Array;
  color: RGB;
  /** Cells the box rule keeps at its threshold; its outline is drawn as a contour. */
  mask: Uint8Array | null;
}

/**
 * The value each layer's evidence is divided by: its own positive maximum ('class', every map
 * reaches full colour somewhere) or the largest over all layers ('shared', so brightness compares
 * across classes). 0 when a layer has no positive evidence.
 */
export function scaleDenominators(planes: readonly Float32Array[], scale: ColorScale): number[] {
  const maxima = planes.map((p) => p.reduce((a, v) => Math.max(a, v), 0));
  if (scale === 'class') return maxima;
  const shared = Math.max(0, ...maxima);
  return maxima.map(() => shared);
}

/** Opacity for normalized evidence v in (0, 1]: ramps up so weak evidence fades out, no hard edge. */
export const evidenceAlpha = (v: number, opacity: number): number => opacity * Math.min(1, 2 * v);

/**
 * Paints evidence over the photo. One layer keeps the perceptual turbo colormap; with several,
 * each pixel takes the colour of the layer with the most normalized evidence there, so every class
 * shows where it leads instead of the last one painted covering the others. Pixels where no layer
 * has positive evidence (or outside the network's input) are left exactly as they were.
 */
export function paintEvidence(
  img: RGBAImage,
  layers: readonly EvidenceLayer[],
  grid: Grid,
  t: InputTransform,
  opts: { opacity: number; scale: ColorScale; smooth: boolean },
): void {
  if (layers.length === 0) return;
  const denominators = scaleDenominators(
    layers.map((l) => l.plane),
    opts.scale,
  );
  const fields = layers.map((l, i) => {
    const d = denominators[i];
    const scaled = l.plane.map((v) => (d > 0 && v > 0 ? v / d : 0));
    return sampleMap(scaled, grid, t, img.width, img.height, opts.smooth);
  });
  const lut = layers.length === 1 ? colormapTable('turbo') : null;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    let best = -1,
      v = 0;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k][p];
      if (f > v) {
        v = f;
        best = k;
      }
    }
    if (best < 0) continue;
    v = Math.min(1, v);
    const a = evidenceAlpha(v, opts.opacity);
    const c = lut ? lut.subarray(3 * Math.round(255 * v), 3 * Math.round(255 * v) + 3) : layers[best].color;
    for (let k = 0; k < 3; k++) img.data[4 * p + k] = img.data[4 * p + k] * (1 - a) + c[k] * a;
  }
}

/**
 * Outlines the region a mask selects, sampled like the heat (smooth or cell by cell), with a line
 * `width` pixels wide inside the region's edge and dashed so it never reads as a box.
 */
export function paintContour(img: RGBAImage, mask: Uint8Array, grid: Grid, t: InputTransform, color: RGB, width: number, smooth: boolean): void {
  const field = sampleMap(Float32Array.from(mask), grid, t, img.width, img.height, smooth);
  const W = img.width,
    H = img.height;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < W && y < H && field[y * W + x] >= 0.5;
  const dash = Math.max(3, 3 * width);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!inside(x, y) || Math.floor((x + y) / dash) % 3 === 2) continue;
      let edge = false;
      for (let d = 1; d <= width && !edge; d++) edge = !inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d);
      if (!edge) continue;
      const p = 4 * (y * W + x);
      img.data[p] = color[0];
      img.data[p + 1] = color[1];
      img.data[p + 2] = color[2];
    }
  }
}

function fillRect(img: RGBAImage, x0: number, y0: number, x1: number, y1: number, color: RGB): void {
  const ax = Math.max(0, Math.round(x0)),
    bx = Math.min(img.width, Math.round(x1));
  const ay = Math.max(0, Math.round(y0)),
    by = Math.min(img.height, Math.round(y1));
  for (let y = ay; y < by; y++) {
    for (let x = ax; x < bx; x++) {
      const p = 4 * (y * img.width + x);
      img.data[p] = color[0];
      img.data[p + 1] = color[1];
      img.data[p + 2] = color[2];
      img.data[p + 3] = 255;
    }
  }
}

/**
 * A box outline `line` pixels wide in `color`, with a dark rim of the same width outside it so it
 * reads on light and dark photos alike; the whole outline stays inside [x0, x1] x [y0, y1].
 */
export function paintBox(img: RGBAImage, box: Box, color: RGB, line: number, rim: RGB = [0, 0, 0]): void {
  const [x0, y0, x1, y1] = box;
  const ring = (inset: number, w: number, c: RGB) => {
    fillRect(img, x0 + inset, y0 + inset, x1 - inset, y0 + inset + w, c);
    fillRect(img, x0 + inset, y1 - inset - w, x1 - inset, y1 - inset, c);
    fillRect(img, x0 + inset, y0 + inset, x0 + inset + w, y1 - inset, c);
    fillRect(img, x1 - inset - w, y0 + inset, x1 - inset, y1 - inset, c);
  };
  ring(0, line, rim);
  ring(line, line, color);
}

/** Fills a rectangle with a horizontal colour ramp (the legend's scale bar). */
export function paintRamp(
  img: RGBAImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: (v: number) => { rgb: RGB; alpha: number },
  backdrop: RGB,
): void {
  const w = Math.max(1, Math.round(x1 - x0));
  for (let i = 0; i < w; i++) {
    const { rgb, alpha } = color(i / Math.max(1, w - 1));
    const mixed = rgb.map((c, k) => Math.round(backdrop[k] * (1 - alpha) + c * alpha)) as RGB;
    fillRect(img, x0 + i, y0, x0 + i + 1, y1, mixed);
  }
}
