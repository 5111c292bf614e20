// Several class maps over one photo as pure RGBA math: the page's viewer, its PNG export and the
// CLI's --overlay all paint through these functions, so they cannot drift apart.
import type { InputTransform, RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';
import { colormapTable, type RGB } from './colormap';
import type { Grid } from '../localize/sample-map';
import { axisCells, maskRuns, runEnds, type AxisCells } from './mask-runs';

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

/** Where pixel centres fall on the map grid (as in sampleMap), one axis at a time. */
function gridCoords(out: number, imageSide: number, scale: number, offset: number, cellSize: number): Float64Array {
  const s = imageSide / out;
  // A plain loop: Float64Array.from with a mapping function costs more than a contour's own work.
  const coords = new Float64Array(out);
  for (let i = 0; i < out; i++) coords[i] = ((i + 0.5) * s * scale - offset) / cellSize;
  return coords;
}

/** Whether two pixel buffers hold the same bytes; compared four bytes at a time where both allow it. */
export function samePixels(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): boolean {
  if (a.length !== b.length) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >> 2 : 0;
  if (words) {
    const wa = new Int32Array(a.buffer, a.byteOffset, words),
      wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) if (wa[i] !== wb[i]) return false;
  }
  for (let i = 4 * words; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Paints evidence over the photo. One layer keeps the perceptual turbo colormap; with several,
 * each pixel takes the colour of the layer with the most normalized evidence there, so every class
 * shows where it leads instead of the last one painted covering the others. Pixels where no layer
 * has positive evidence (or outside the network's input) are left exactly as they were.
 *
 * The leading layer at a pixel is the one whose bilinear sample (as sampleMap's) is largest. The
 * pixels are visited a block at a time, a block being those that sample between the same four
 * cells (mask-runs' tiles): a layer's sample along a block's rows is worked out once per column,
 * and only the vertical blend is left per pixel (the same arithmetic, in the same order, as sampling each pixel
 * whole). With a thousand layers, each block first drops every layer whose largest corner is below
 * another layer's smallest corner: a bilinear sample lies between its corners, so such a layer can
 * lead nowhere in that block, and the result is the same as testing every layer. Each pixel is
 * blended as soon as its leader is known: on a class switch this pass is most of the frame.
 */
export function paintEvidence(
  img: RGBAImage,
  layers: readonly EvidenceLayer[],
  grid: Grid,
  t: InputTransform,
  opts: { opacity: number; scale: ColorScale; smooth: boolean },
): void {
  const { width, height, data } = img;
  if (layers.length === 0) return;
  const denominators = scaleDenominators(
    layers.map((l) => l.plane),
    opts.scale,
  );
  const scaled = layers.map((l, i) => {
    const d = denominators[i];
    return l.plane.map((v) => (d > 0 && v > 0 ? v / d : 0));
  });
  const lut = layers.length === 1 ? colormapTable('turbo') : null;
  const G = grid.width;
  const cols = axisCells(gridCoords(width, t.imageWidth, t.scaleX, t.offsetX, grid.cellSize), G, opts.smooth);
  const rows = axisCells(gridCoords(height, t.imageHeight, t.scaleY, t.offsetY, grid.cellSize), grid.height, opts.smooth);
  // One layer is coloured by the turbo table, several by their own colours: either way an offset
  // into one byte table (a view of it per pixel cost more than the rest of the pixel's work).
  const colours = lut ?? Uint8Array.from(layers.flatMap((l) => [...l.color]));
  const put = (p: number, v: number, best: number) => {
    v = Math.min(1, v);
    const a = evidenceAlpha(v, opts.opacity),
      keep = 1 - a;
    const o = lut ? 3 * Math.round(255 * v) : 3 * best,
      q = 4 * p;
    data[q] = data[q] * keep + colours[o] * a;
    data[q + 1] = data[q + 1] * keep + colours[o + 1] * a;
    data[q + 2] = data[q + 2] * keep + colours[o + 2] * a;
  };
  /** Each block on the grid: its pixels' rows [ya, yb) and columns [xa, xb), off-grid ones skipped. */
  const eachBlock = (f: (ya: number, yb: number, xa: number, xb: number) => void) => {
    for (let ty = 0; ty + 1 < rows.starts.length; ty++) {
      if (rows.c0[rows.starts[ty]] < 0) continue;
      for (let tx = 0; tx + 1 < cols.starts.length; tx++)
        if (cols.c0[cols.starts[tx]] >= 0) f(rows.starts[ty], rows.starts[ty + 1], cols.starts[tx], cols.starts[tx + 1]);
    }
  };
  if (!opts.smooth) {
    // Every pixel of a block reads its one cell, so the block has one leader.
    eachBlock((ya, yb, xa, xb) => {
      const cell = rows.c0[ya] * G + cols.c0[xa];
      let best = -1,
        v = 0;
      for (let k = 0; k < scaled.length; k++)
        if (scaled[k][cell] > v) {
          v = scaled[k][cell];
          best = k;
        }
      if (best >= 0) for (let y = ya; y < yb; y++) for (let x = xa, p = y * width + xa; x < xb; x++, p++) put(p, v, best);
    });
    return;
  }
  const candidatesAt = (x0: number, y0: number, x1: number, y1: number): number[] => {
    const corners = [y0 * G + x0, y0 * G + x1, y1 * G + x0, y1 * G + x1];
    let floor = 0;
    const highs = scaled.map((s) => {
      let lo = Infinity,
        hi = -Infinity;
      for (const c of corners) {
        lo = Math.min(lo, s[c]);
        hi = Math.max(hi, s[c]);
      }
      floor = Math.max(floor, lo);
      return hi;
    });
    // A margin for rounding in the bilinear sums; keeping a layer too many changes nothing.
    const bar = floor * (1 - 1e-6);
    const list: number[] = [];
    highs.forEach((hi, k) => {
      if (hi > 0 && hi >= bar) list.push(k);
    });
    return list;
  };
  const top = new Float64Array(width),
    bot = new Float64Array(width);
  // The block's leading sample and layer per pixel, reused from block to block.
  const span = (a: AxisCells) => a.starts.reduce((m, v, i) => (i ? Math.max(m, v - a.starts[i - 1]) : m), 0);
  const lead = new Float64Array(span(cols) * span(rows)),
    leader = new Int32Array(lead.length);
  eachBlock((ya, yb, xa, xb) => {
    const y0 = rows.c0[ya],
      y1 = rows.c1[ya],
      x0 = cols.c0[xa],
      x1 = cols.c1[xa],
      bw = xb - xa;
    const candidates = candidatesAt(x0, y0, x1, y1);
    // A layer's samples across the block, as bilinear sums: along the rows once per column here,
    // between the rows per pixel below.
    const rowsOf = (k: number) => {
      const s = scaled[k];
      const s00 = s[y0 * G + x0],
        s01 = s[y0 * G + x1],
        s10 = s[y1 * G + x0],
        s11 = s[y1 * G + x1];
      for (let x = xa; x < xb; x++) {
        const ax = cols.weight[x];
        top[x] = s00 * (1 - ax) + s01 * ax;
        bot[x] = s10 * (1 - ax) + s11 * ax;
      }
    };
    if (candidates.length === 1) {
      // The usual case with a few classes shown: the one candidate leads wherever it is positive.
      const k = candidates[0];
      rowsOf(k);
      for (let y = ya; y < yb; y++) {
        const ay = rows.weight[y];
        for (let x = xa, p = y * width + xa; x < xb; x++, p++) {
          // Rounded to float32 as sampleMap's output is, so ties resolve the same way.
          const f = Math.fround(top[x] * (1 - ay) + bot[x] * ay);
          if (f > 0) put(p, f, k);
        }
      }
      return;
    }
    lead.fill(0, 0, bw * (yb - ya));
    leader.fill(-1, 0, bw * (yb - ya));
    for (const k of candidates) {
      rowsOf(k);
      for (let y = ya, q = 0; y < yb; y++) {
        const ay = rows.weight[y];
        for (let x = xa; x < xb; x++, q++) {
          const f = Math.fround(top[x] * (1 - ay) + bot[x] * ay);
          if (f > lead[q]) {
            lead[q] = f;
            leader[q] = k;
          }
        }
      }
    }
    for (let y = ya, q = 0; y < yb; y++) for (let x = xa, p = y * width + xa; x < xb; x++, p++, q++) if (leader[q] >= 0) put(p, lead[q], leader[q]);
  });
}

/**
 * Outlines the region a mask selects, sampled like the heat (smooth or cell by cell), with a line
 * `width` pixels wide inside the region's edge and dashed so it never reads as a box. Only the
 * pixels near the mask's cells are looked at, and those a tile at a time where the cells around
 * them agree, so a threshold step's dozen contours cost little on a large photo.
 */
export function paintContour(img: RGBAImage, mask: Uint8Array, grid: Grid, t: InputTransform, color: RGB, width: number, smooth: boolean): void {
  const W = img.width,
    H = img.height;
  let cx0 = Infinity,
    cy0 = Infinity,
    cx1 = -Infinity,
    cy1 = -Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const cx = i % grid.width,
      cy = Math.floor(i / grid.width);
    cx0 = Math.min(cx0, cx);
    cx1 = Math.max(cx1, cx);
    cy0 = Math.min(cy0, cy);
    cy1 = Math.max(cy1, cy);
  }
  if (cx1 < 0) return;
  // A set cell reaches samples up to one cell beyond it (bilinear), or to the grid's edge when it
  // is on the edge (samples are clamped there); photo pixels for those grid spans, plus a pixel.
  const span = (c0: number, c1: number, cells: number, imageSide: number, out: number, scale: number, offset: number): [number, number] => {
    const g0 = c0 === 0 ? 0 : c0 - 1,
      g1 = c1 === cells - 1 ? cells : c1 + 2;
    const px = (g: number) => ((g * grid.cellSize + offset) / scale) * (out / imageSide);
    return [Math.max(0, Math.floor(px(g0)) - 1), Math.min(out, Math.ceil(px(g1)) + 1)];
  };
  const [rx0, rx1] = span(cx0, cx1, grid.width, t.imageWidth, W, t.scaleX, t.offsetX);
  const [ry0, ry1] = span(cy0, cy1, grid.height, t.imageHeight, H, t.scaleY, t.offsetY);
  const rw = rx1 - rx0,
    rh = ry1 - ry0;
  if (rw <= 0 || rh <= 0) return;
  const xs = gridCoords(W, t.imageWidth, t.scaleX, t.offsetX, grid.cellSize).subarray(rx0, rx1);
  const ys = gridCoords(H, t.imageHeight, t.scaleY, t.offsetY, grid.cellSize).subarray(ry0, ry1);
  // A pixel is on the edge when a pixel within `width` of it along a row or a column is outside:
  // the first and last `width` pixels of each run of inside pixels, along rows and along columns.
  const { rows, cols } = maskRuns(mask, grid, xs, ys, smooth);
  const dash = Math.max(3, 3 * width);
  const put = (x: number, y: number) => {
    if (Math.floor((x + y) / dash) % 3 === 2) return;
    const p = 4 * (y * W + x);
    img.data[p] = color[0];
    img.data[p + 1] = color[1];
    img.data[p + 2] = color[2];
  };
  const along = (runs: readonly number[], at: (line: number, p: number) => void) => {
    for (let r = 0; r < runs.length; r += 3) {
      const [head, tail] = runEnds(runs[r + 1], runs[r + 2], width);
      for (let p = runs[r + 1]; p < head; p++) at(runs[r], p);
      for (let p = tail; p < runs[r + 2]; p++) at(runs[r], p);
    }
  };
  along(rows, (j, i) => put(rx0 + i, ry0 + j));
  along(cols, (i, j) => put(rx0 + i, ry0 + j));
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
 * Copies a layer's painted pixels over an image of the same size. Each layer pixel is opaque or all
 * zero (a zeroed layer that paintBox drew on), so a non-zero pixel is copied whole, four bytes as
 * one word where both buffers allow: ten thousand ground-truth outlines cover most of a canvas.
 */
export function overlayOpaque(data: Uint8Array | Uint8ClampedArray, layer: Uint8Array | Uint8ClampedArray): void {
  const words = data.byteOffset % 4 === 0 && layer.byteOffset % 4 === 0 ? layer.length >> 2 : 0;
  if (words) {
    const to = new Uint32Array(data.buffer, data.byteOffset, words),
      from = new Uint32Array(layer.buffer, layer.byteOffset, words);
    for (let i = 0; i < words; i++) if (from[i] !== 0) to[i] = from[i];
  }
  for (let p = 4 * words; p < layer.length; p += 4)
    if (layer[p] | layer[p + 1] | layer[p + 2] | layer[p + 3]) for (let k = 0; k < 4; k++) data[p + k] = layer[p + k];
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
