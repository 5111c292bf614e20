// Where a 0/1 mask, sampled at pixels as sampleMap samples it, is inside: as runs along rows and
// columns rather than pixel by pixel. A contour is the ends of those runs, and a threshold step
// redraws a dozen contours; pixel by pixel each cost 10-20 ms on the viewer's 960 px canvas, most
// of a frame (issue 20). Pixels whose four surrounding cells agree form tiles of one answer, so a
// row costs a step per tile, plus a bisection in each of the few tiles that straddle the edge.
import type { Grid } from '../localize/sample-map';

/** How the pixels along one axis sample the grid. */
export interface AxisCells {
  /** Per pixel: the first cell it samples, -1 off the grid. */
  c0: Int32Array;
  /** Per pixel: the second cell (bilinear; the first again when nearest or clamped). */
  c1: Int32Array;
  /** Per pixel: the second cell's weight. */
  weight: Float64Array;
  /** Per pixel: its tile, a maximal run of pixels with the same first cell. */
  tile: Int32Array;
  /** The first pixel of each tile, then the axis's length. */
  starts: number[];
}

/** Grid coordinates of pixel centres (one axis) -> the cells each samples, as sampleMap does. */
export function axisCells(coords: Float64Array, cells: number, smooth: boolean): AxisCells {
  const n = coords.length;
  const c0 = new Int32Array(n),
    c1 = new Int32Array(n),
    weight = new Float64Array(n),
    tile = new Int32Array(n);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = coords[i];
    if (g < 0 || g >= cells) c0[i] = -1;
    else if (!smooth) c0[i] = c1[i] = Math.floor(g);
    else {
      const f = Math.min(cells - 1, Math.max(0, g - 0.5));
      c0[i] = Math.floor(f);
      c1[i] = Math.min(cells - 1, c0[i] + 1);
      weight[i] = f - c0[i];
    }
    if (i === 0 || c0[i] !== c0[i - 1]) starts.push(i);
    tile[i] = starts.length - 1;
  }
  starts.push(n);
  return { c0, c1, weight, tile, starts };
}

/** Bits 1, 2, 4, 8: the top-left, top-right, bottom-left and bottom-right cells a tile samples. */
export type Corners = number;
const ALL_IN: Corners = 15;

/** Each tile's corners (row tiles by column tiles); off the grid, none is set. */
export function tileCorners(mask: Uint8Array, gridWidth: number, cols: AxisCells, rows: AxisCells): Uint8Array {
  const nx = cols.starts.length - 1,
    ny = rows.starts.length - 1;
  const out = new Uint8Array(nx * ny);
  for (let ty = 0; ty < ny; ty++) {
    const j = rows.starts[ty];
    if (rows.c0[j] < 0) continue;
    const r0 = rows.c0[j] * gridWidth,
      r1 = rows.c1[j] * gridWidth;
    for (let tx = 0; tx < nx; tx++) {
      const i = cols.starts[tx];
      if (cols.c0[i] < 0) continue;
      const a = cols.c0[i],
        b = cols.c1[i];
      out[ty * nx + tx] = (mask[r0 + a] ? 1 : 0) | (mask[r0 + b] ? 2 : 0) | (mask[r1 + a] ? 4 : 0) | (mask[r1 + b] ? 8 : 0);
    }
  }
  return out;
}

/** Whether a pixel of a tile with these corners is inside: sampleMap's bilinear sum, to the bit, >= 0.5. */
export function insideAt(corners: Corners, ax: number, ay: number): boolean {
  if (corners === 0) return false;
  if (corners === ALL_IN) return true;
  const a = corners & 1,
    b = (corners >> 1) & 1,
    c = (corners >> 2) & 1,
    d = (corners >> 3) & 1;
  const top = a * (1 - ax) + b * ax;
  const bot = c * (1 - ax) + d * ax;
  return Math.fround(top * (1 - ay) + bot * ay) >= 0.5;
}

/** Runs of inside pixels as flat triples: the row (or column), the first pixel, the pixel after the last. */
export interface MaskRuns {
  rows: number[];
  cols: number[];
}

/**
 * Beyond this distance from 0.5 a sample's side is sure: sampleMap's float32 rounding moves the
 * cut-off by 2^-26, double arithmetic by ~1e-15. Closer, the pixel is worked out exactly.
 */
const SURE = 1e-6;

/**
 * The runs of inside pixels along every row and every column of the xs by ys pixels, where a mask
 * sampled at those grid coordinates (smooth: bilinear; else nearest cell) is >= 0.5. Pixels off
 * the grid, and beyond the pixels given, are outside.
 *
 * Along one line of one tile the bilinear sum is linear in the pixel's weight, so the pixels form
 * at most an outside part, a few pixels within SURE of the cut-off and an inside part (or the
 * reverse): the parts are found by bisection and only the few between are sampled one by one.
 */
export function maskRuns(mask: Uint8Array, grid: Grid, xs: Float64Array, ys: Float64Array, smooth: boolean): MaskRuns {
  const cols = axisCells(xs, grid.width, smooth),
    rows = axisCells(ys, grid.height, smooth);
  const corners = tileCorners(mask, grid.width, cols, rows);
  return { rows: axisRuns(corners, rows, cols, false), cols: axisRuns(corners, cols, rows, true) };
}

/** maskRuns along one axis: `along` is the axis the runs follow, `across` the one that numbers them. */
function axisRuns(corners: Uint8Array, across: AxisCells, along: AxisCells, columns: boolean): number[] {
  const nx = (columns ? across : along).starts.length - 1;
  const w = along.weight;
  const tiles = along.starts.length - 1;
  // Per tile across: the lines' tiles as flat (from, to, corners) triples, neighbours that are all
  // outside or all inside merged, so a line steps over a few parts rather than every tile.
  const parts = Array.from({ length: across.starts.length - 1 }, (_, lineTile) => {
    const list: number[] = [];
    for (let t = 0; t < tiles; t++) {
      const k = columns ? corners[t * nx + lineTile] : corners[lineTile * nx + t];
      const n = list.length;
      if ((k === 0 || k === ALL_IN) && n && list[n - 1] === k) list[n - 2] = along.starts[t + 1];
      else list.push(along.starts[t], along.starts[t + 1], k);
    }
    return list;
  });
  const out: number[] = [];
  for (let line = 0; line < across.tile.length; line++) {
    const part = parts[across.tile[line]],
      lw = across.weight[line];
    // The first pixel of the current run of inside pixels, or -1.
    let start = -1;
    for (let i = 0; i < part.length; i += 3) {
      const from = part[i],
        to = part[i + 1],
        k = part[i + 2];
      if (k === 0 || k === ALL_IN) {
        if (k === ALL_IN && start < 0) start = from;
        else if (k === 0 && start >= 0) {
          out.push(line, start, from);
          start = -1;
        }
        continue;
      }
      const a = k & 1,
        b = (k >> 1) & 1,
        c = (k >> 2) & 1,
        d = (k >> 3) & 1;
      // The sum at weight v along the line is base + slope * v.
      const base = columns ? a + (b - a) * lw : a * (1 - lw) + c * lw;
      const slope = columns ? c + (d - c) * lw - base : (b - a) * (1 - lw) + (d - c) * lw;
      for (let p = from; p < to;) {
        const s = sureSide(base + slope * w[p]);
        let next = p + 1,
          inside: boolean;
        if (s === 0) inside = columns ? insideAt(k, lw, w[p]) : insideAt(k, w[p], lw);
        else {
          // The weights grow along the tile, so the pixels on this side are a prefix of the rest.
          let hi = to;
          while (next < hi) {
            const mid = (next + hi) >> 1;
            if (sureSide(base + slope * w[mid]) === s) next = mid + 1;
            else hi = mid;
          }
          inside = s > 0;
        }
        if (inside && start < 0) start = p;
        else if (!inside && start >= 0) {
          out.push(line, start, p);
          start = -1;
        }
        p = next;
      }
    }
    if (start >= 0) out.push(line, start, along.starts[tiles]);
  }
  return out;
}

/** 1 or -1 when a sum is surely inside or outside, 0 when it is within SURE of the cut-off. */
function sureSide(sum: number): number {
  const g = sum - 0.5;
  return g > SURE ? 1 : g < -SURE ? -1 : 0;
}

/** A run [start, end)'s pixels within `width` of either end: [start, head) and [tail, end), head <= tail. */
export function runEnds(start: number, end: number, width: number): [number, number] {
  const head = Math.min(end, start + width);
  return [head, Math.max(head, end - width)];
}
