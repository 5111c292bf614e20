import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import { colormap } from './colormap';
import { paintBox, paintContour, paintEvidence, scaleDenominators } from './composite';

// A 4x4 map grid over a 16x16 photo: one cell = 4x4 pixels, nearest-cell sampling for exact checks.
const grid = { width: 4, height: 4, cellSize: 4 };
const t = inputTransform({ mode: 'stretch', size: 16 }, 16, 16);
const photo = () => ({ width: 16, height: 16, data: new Uint8ClampedArray(16 * 16 * 4).fill(100) });
const px = (img: { data: Uint8ClampedArray }, x: number, y: number) => Array.from(img.data.subarray(4 * (y * 16 + x), 4 * (y * 16 + x) + 3));
const plane = (cells: Record<number, number>) => Float32Array.from({ length: 16 }, (_, i) => cells[i] ?? 0);

describe('paintEvidence', () => {
  const red: [number, number, number] = [255, 0, 0],
    blue: [number, number, number] = [0, 0, 255];

  it('gives each pixel the colour of the class with the most scaled evidence, and leaves cells without evidence untouched', () => {
    const img = photo();
    // Class A peaks in cell 0 (top-left), class B in cell 15 (bottom-right); both weakly present in cell 5.
    const a = plane({ 0: 8, 5: 2 }),
      b = plane({ 15: 4, 5: 3 });
    paintEvidence(
      img,
      [
        { plane: a, color: red, mask: null },
        { plane: b, color: blue, mask: null },
      ],
      grid,
      t,
      { opacity: 1, scale: 'class', smooth: false },
    );
    expect(px(img, 1, 1)).toEqual([255, 0, 0]);
    expect(px(img, 14, 14)).toEqual([0, 0, 255]);
    // Cell 5: A has 2/8 = 0.25 of its peak, B 3/4 = 0.75 of its own: B leads there on a per-class scale.
    const mid = px(img, 5, 5);
    expect(mid[2]).toBeGreaterThan(mid[0]);
    // Cells where neither class has positive evidence keep the photo's pixels exactly.
    expect(px(img, 9, 1)).toEqual([100, 100, 100]);
  });

  it('on a shared scale compares raw activations across classes', () => {
    const img = photo();
    const a = plane({ 0: 8, 5: 2 }),
      b = plane({ 15: 2, 5: 3 });
    expect(scaleDenominators([a, b], 'shared')).toEqual([8, 8]);
    paintEvidence(
      img,
      [
        { plane: a, color: red, mask: null },
        { plane: b, color: blue, mask: null },
      ],
      grid,
      t,
      { opacity: 1, scale: 'shared', smooth: false },
    );
    // B's peak is a quarter of A's: painted at half opacity, so the photo shows through.
    expect(px(img, 14, 14)).toEqual([50, 50, 178]);
    expect(px(img, 1, 1)).toEqual([255, 0, 0]);
  });

  it('paints one class with the turbo colormap, with opacity ramping with evidence', () => {
    const img = photo();
    paintEvidence(img, [{ plane: plane({ 0: 4, 1: 1 }), color: red, mask: null }], grid, t, { opacity: 1, scale: 'class', smooth: false });
    expect(px(img, 0, 0)).toEqual(colormap('turbo', 1));
    // A quarter of the peak: half opacity (2v), half the photo shows.
    const c = colormap('turbo', 0.25);
    px(img, 5, 0).forEach((v, k) => expect(Math.abs(v - (c[k] * 0.5 + 100 * 0.5))).toBeLessThanOrEqual(0.5));
    expect(px(img, 9, 0)).toEqual([100, 100, 100]);
  });
});

describe('paintContour and paintBox', () => {
  it('outlines the masked cells along their edge only', () => {
    const img = photo();
    const mask = Uint8Array.from({ length: 16 }, (_, i) => (i === 5 || i === 6 ? 1 : 0));
    paintContour(img, mask, grid, t, [0, 255, 0], 1, false);
    // Cells 5-6 span x 4..11, y 4..7: the edge pixels are painted (dashed, so look at several), the inside not.
    const edge = [
      [4, 5],
      [4, 6],
      [5, 4],
      [6, 4],
    ].filter(([x, y]) => px(img, x, y)[1] === 255);
    expect(edge.length).toBeGreaterThan(0);
    expect(px(img, 1, 1)).toEqual([100, 100, 100]);
    expect(px(img, 7, 6)[1]).toBe(100);
  });

  it('strokes a box with a dark rim outside its colour, inside the box', () => {
    const img = photo();
    paintBox(img, [2, 2, 14, 14], [255, 255, 0], 2);
    expect(px(img, 2, 8)).toEqual([0, 0, 0]);
    expect(px(img, 4, 8)).toEqual([255, 255, 0]);
    expect(px(img, 6, 8)).toEqual([100, 100, 100]);
    expect(px(img, 1, 8)).toEqual([100, 100, 100]);
  });
});
