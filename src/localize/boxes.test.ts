import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { camRuleBox, classBox, componentBoxes, components, gridBoxToImage, iou, normalize, paperRuleBox } from './boxes';

// A 4x4 grid with two classes. Class 7 is strong top-left, class 9 bottom-right.
//   class 7:  5 4 0 0      class 9: 0 0 0 0
//             3 2 0 0               0 1 1 0
//             0 0 0 0               0 0 6 6
//             0 0 0 -1              0 0 6 8
const c7 = [5, 4, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1];
const c9 = [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 6, 6, 0, 0, 6, 8];
const maps: ClassMaps = {
  width: 4,
  height: 4,
  cellSize: 8,
  classes: [7, 9],
  data: Float32Array.from([...c7, ...c9]),
  winner: Int32Array.from(c7.map((v, i) => (v >= c9[i] ? 7 : 9))),
};

describe('paper rule', () => {
  it('boxes the cells where the class wins and exceeds t', () => {
    expect(paperRuleBox(maps, 7, 0)).toEqual({ x0: 0, y0: 0, x1: 1, y1: 1 });
    expect(paperRuleBox(maps, 7, 3.5)).toEqual({ x0: 0, y0: 0, x1: 1, y1: 0 });
    // Cell (1,1): class 7 has 2, class 9 has 1, so it belongs to 7 and not to 9.
    expect(paperRuleBox(maps, 9, 0)).toEqual({ x0: 2, y0: 1, x1: 3, y1: 3 });
    expect(paperRuleBox(maps, 9, 100)).toBeNull();
  });
});

describe('CAM rule', () => {
  it('normalizes to [0, 1]', () => {
    expect(Array.from(normalize(Float32Array.from([2, 4, 6])))).toEqual([0, 0.5, 1]);
    expect(Array.from(normalize(Float32Array.from([3, 3])))).toEqual([0, 0]);
  });

  it('labels 8-connected components', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(components(mask, 3).sizes).toEqual([0, 3]);
    const apart = Uint8Array.from([1, 0, 1, 0, 0, 0, 1, 0, 1]);
    expect(components(apart, 3).sizes).toEqual([0, 1, 1, 1, 1]);
  });

  it('takes the largest component above tau x max', () => {
    // Two blobs: a 3-cell one on the left, a 1-cell stronger one on the right.
    const m = Float32Array.from([4, 0, 0, 0, 0, 4, 0, 0, 0, 9, 4, 0, 0, 0, 0]);
    expect(camRuleBox(m, 5, 0.3)).toEqual({ x0: 0, y0: 0, x1: 0, y1: 2 });
    expect(componentBoxes(m, 5, 0.3)).toEqual([
      { x0: 0, y0: 0, x1: 0, y1: 2 },
      { x0: 4, y0: 1, x1: 4, y1: 1 },
    ]);
    expect(camRuleBox(m, 5, 0.5)).toEqual({ x0: 4, y0: 1, x1: 4, y1: 1 });
  });
});

describe('boxes in photo pixels', () => {
  it('maps cell edges through a stretch resize', () => {
    // A 4x4 grid of 8-px cells is a 32-px input; a 64x32 photo stretched to it.
    const t = inputTransform({ mode: 'stretch', size: 32 }, 64, 32);
    expect(gridBoxToImage({ x0: 1, y0: 2, x1: 2, y1: 3 }, 8, t)).toEqual([16, 16, 48, 32]);
  });

  it('maps cell edges through a centre crop', () => {
    // 300x200 photo: shorter side 200 -> 256 (x1.28), width 384, crop 224 at x offset 80, y 16.
    const t = inputTransform({ mode: 'center-crop', resize: 256, crop: 224 }, 300, 200);
    expect(t.offsetX).toBe(80);
    expect(t.offsetY).toBe(16);
    const [x0, y0, x1, y1] = gridBoxToImage({ x0: 0, y0: 0, x1: 27, y1: 27 }, 8, t);
    expect(x0).toBeCloseTo(80 / 1.28, 6);
    expect(y0).toBeCloseTo(16 / 1.28, 6);
    expect(x1).toBeCloseTo(304 / 1.28, 6);
    expect(y1).toBeCloseTo(240 / 1.28, 6);
  });

  it('gives the box of a class by either rule', () => {
    const t = inputTransform({ mode: 'stretch', size: 32 }, 32, 32);
    expect(classBox(maps, 9, t, { rule: 'drn', threshold: 0 })).toEqual([16, 8, 32, 32]);
    expect(classBox(maps, 9, t, { rule: 'cam', threshold: 0.5 })).toEqual([16, 16, 32, 32]);
  });
});

describe('IoU', () => {
  it('handles identity, disjoint and partial overlap', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});
