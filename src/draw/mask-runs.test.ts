import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import { sampleMap } from '../localize/sample-map';
import { axisCells, insideAt, maskRuns, runEnds, tileCorners } from './mask-runs';

/** Pixel centres of an `out`-pixel rendering on the grid, as the renderer places them. */
const coords = (out: number, imageSide: number, scale: number, offset: number, cellSize: number) =>
  Float64Array.from({ length: out }, (_, i) => ((i + 0.5) * (imageSide / out) * scale - offset) / cellSize);

/** The plain definition: sample the mask at every pixel, then read the runs off row by row and column by column. */
function plainRuns(inside: (x: number, y: number) => boolean, w: number, h: number): { rows: number[]; cols: number[] } {
  const runs = (lines: number, length: number, at: (line: number, p: number) => boolean) => {
    const out: number[] = [];
    for (let line = 0; line < lines; line++) {
      let start = -1;
      for (let p = 0; p <= length; p++) {
        const on = p < length && at(line, p);
        if (on && start < 0) start = p;
        if (!on && start >= 0) {
          out.push(line, start, p);
          start = -1;
        }
      }
    }
    return out;
  };
  return { rows: runs(h, w, (y, x) => inside(x, y)), cols: runs(w, h, (x, y) => inside(x, y)) };
}

describe('axisCells', () => {
  it('gives each pixel the cells it samples, and groups pixels sampling the same first cell into tiles', () => {
    // Two cells of four pixels each, with a pixel off the grid on either side.
    const xs = Float64Array.from([-0.1, 0.125, 0.375, 0.625, 0.875, 1.125, 1.375, 1.625, 1.875, 2.1]);
    const nearest = axisCells(xs, 2, false);
    expect(Array.from(nearest.c0)).toEqual([-1, 0, 0, 0, 0, 1, 1, 1, 1, -1]);
    expect(nearest.starts).toEqual([0, 1, 5, 9, 10]);
    const smooth = axisCells(xs, 2, true);
    // Bilinear between cell centres, clamped at the grid's edges.
    expect(Array.from(smooth.c0)).toEqual([-1, 0, 0, 0, 0, 0, 0, 1, 1, -1]);
    expect(Array.from(smooth.c1)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(smooth.weight)).toEqual([0, 0, 0, 0.125, 0.375, 0.625, 0.875, 0, 0, 0]);
    expect(Array.from(smooth.tile)).toEqual([0, 1, 1, 1, 1, 1, 1, 2, 2, 3]);
  });
});

describe('insideAt', () => {
  it('is sampleMap at >= 0.5, ties inside', () => {
    expect(insideAt(0, 0.5, 0.5)).toBe(false);
    expect(insideAt(15, 0.5, 0.5)).toBe(true);
    // Top-left cell alone: (1 - ax)(1 - ay).
    expect(insideAt(1, 0.25, 0.25)).toBe(true);
    expect(insideAt(1, 0.5, 0.5)).toBe(false);
    // Top row: 1 - ay, exactly 0.5 halfway down.
    expect(insideAt(3, 0.3, 0.5)).toBe(true);
    expect(insideAt(3, 0.3, 0.5000001)).toBe(false);
    // The saddle: top-left and bottom-right.
    expect(insideAt(9, 0.5, 0.5)).toBe(true);
    expect(insideAt(9, 0.2, 0.8)).toBe(false);
  });

  it('agrees with sampleMap on the four cells of every corner pattern', () => {
    const grid = { width: 2, height: 2, cellSize: 1 };
    for (let k = 0; k < 16; k++) {
      const mask = Float32Array.from([k & 1, (k >> 1) & 1, (k >> 2) & 1, (k >> 3) & 1]);
      // 64 x 64 pixels over the 2 x 2 grid: every pixel lies between the four cell centres or on their lines.
      const t = inputTransform({ mode: 'stretch', size: 2 }, 64, 64);
      const field = sampleMap(mask, grid, t, 64, 64, true);
      // On a 2 x 2 grid the weight of the second cell is the clamped coordinate itself.
      const weight = (i: number) => Math.min(1, Math.max(0, (i + 0.5) / 32 - 0.5));
      const wrong: string[] = [];
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) if (insideAt(k, weight(x), weight(y)) !== field[y * 64 + x] >= 0.5) wrong.push(`${x},${y}`);
      expect(wrong, `corners ${k}`).toEqual([]);
    }
  });
});

describe('tileCorners', () => {
  it('reads the four cells of each tile, none off the grid', () => {
    const mask = Uint8Array.from([1, 0, 0, 1]);
    const axis = axisCells(Float64Array.from([-1, 0.75, 1.25, 3]), 2, true);
    const corners = tileCorners(mask, 2, axis, axis);
    // Tiles: off the grid, the one between the four cells, off the grid.
    expect(axis.starts).toEqual([0, 1, 3, 4]);
    expect(Array.from(corners)).toEqual([0, 0, 0, 0, 9, 0, 0, 0, 0]);
  });
});

describe('maskRuns', () => {
  let seed = 17;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;

  it('finds the same runs as sampling every pixel, over many random masks, grids and canvases', () => {
    for (let trial = 0; trial < 300; trial++) {
      const grid = { width: 1 + Math.floor(rand() * 12), height: 1 + Math.floor(rand() * 12), cellSize: 1 + Math.floor(rand() * 8) };
      const w = 1 + Math.floor(rand() * 90),
        h = 1 + Math.floor(rand() * 90);
      const side = grid.width * grid.cellSize;
      // Whole multiples of the grid in some trials: pixel centres on cell centres, sums of exactly 0.5.
      const tw = trial % 4 === 0 ? grid.width * (1 + Math.floor(rand() * 4)) : w;
      const th = trial % 4 === 0 ? grid.height * (1 + Math.floor(rand() * 4)) : h;
      const t =
        trial % 3 === 1
          ? inputTransform({ mode: 'center-crop', resize: Math.ceil(side * 1.3), crop: side }, tw, th)
          : inputTransform({ mode: 'stretch', size: side }, tw, th);
      const p = rand();
      const mask = Uint8Array.from({ length: grid.width * grid.height }, () => (rand() < p ? 1 : 0));
      const smooth = trial % 5 !== 0;
      const field = sampleMap(Float32Array.from(mask), grid, t, tw, th, smooth);
      const xs = coords(tw, t.imageWidth, t.scaleX, t.offsetX, grid.cellSize);
      const ys = coords(th, t.imageHeight, t.scaleY, t.offsetY, grid.cellSize);
      const expected = plainRuns((x, y) => field[y * tw + x] >= 0.5, tw, th);
      expect(maskRuns(mask, grid, xs, ys, smooth), `trial ${trial}`).toEqual(expected);
    }
  });

  it('is all outside for an empty mask and one run per line for a full one', () => {
    const grid = { width: 3, height: 2, cellSize: 4 };
    const xs = coords(12, 12, 1, 0, 4),
      ys = coords(8, 8, 1, 0, 4);
    expect(maskRuns(new Uint8Array(6), grid, xs, ys, true)).toEqual({ rows: [], cols: [] });
    const full = maskRuns(new Uint8Array(6).fill(1), grid, xs, ys, true);
    expect(full.rows).toEqual(Array.from({ length: 8 }, (_, y) => [y, 0, 12]).flat());
    expect(full.cols).toEqual(Array.from({ length: 12 }, (_, x) => [x, 0, 8]).flat());
  });
});

describe('runEnds', () => {
  it('keeps `width` pixels at each end, the whole run when it is short', () => {
    expect(runEnds(10, 20, 3)).toEqual([13, 17]);
    expect(runEnds(10, 14, 3)).toEqual([13, 13]);
    expect(runEnds(10, 12, 3)).toEqual([12, 12]);
  });
});
