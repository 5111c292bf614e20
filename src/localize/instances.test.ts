import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { classBox } from './boxes';
import { countLabel, instances } from './instances';

/** An 8x8 map of class 3 with the given hot cells (value 1, others 0). */
function maps(hot: [number, number][], winner = 3): ClassMaps {
  const data = new Float32Array(64);
  for (const [x, y] of hot) data[y * 8 + x] = 1;
  return { width: 8, height: 8, cellSize: 28, classes: [3], data, winner: new Int32Array(64).fill(winner) };
}

// 224x224 photo at a 224 stretch input: one cell = 28 photo pixels.
const t = inputTransform({ mode: 'stretch', size: 224 }, 224, 224);
const cam = { rule: 'cam', threshold: 0.5 } as const;

describe('instances', () => {
  const two = maps([
    [0, 0],
    [1, 0],
    [1, 1],
    [5, 5],
    [6, 6],
  ]);

  it('gives one box per 8-connected region, largest first, in photo pixels', () => {
    const found = instances(two, 3, t, cam);
    expect(found.map((f) => f.cells)).toEqual([3, 2]);
    expect(found[0].box).toEqual([0, 0, 56, 56]);
    // (5,5) and (6,6) touch at a corner: one region under 8-connectivity.
    expect(found[1].box).toEqual([140, 140, 196, 196]);
    expect(found[1].grid).toEqual({ x0: 5, y0: 5, x1: 6, y1: 6 });
    // The single-box cam rule keeps only the largest of them.
    expect(classBox(two, 3, t, cam)).toEqual(found[0].box);
  });

  it('follows the chosen rule: the paper rule keeps only cells the class wins', () => {
    expect(instances(two, 3, t, { rule: 'drn', threshold: 0.5 })).toHaveLength(2);
    expect(instances(maps([[0, 0]], 7), 3, t, { rule: 'drn', threshold: 0.5 })).toEqual([]);
  });

  it('drops regions below a share of the largest when asked', () => {
    const m = maps([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [7, 7],
    ]);
    expect(instances(m, 3, t, cam)).toHaveLength(2);
    expect(instances(m, 3, t, { ...cam, minShare: 0.5 })).toHaveLength(1);
  });

  it('finds none on a flat map', () => {
    expect(instances(maps([]), 3, t, cam)).toEqual([]);
  });

  it('labels the count', () => {
    expect(countLabel('dog', 3)).toBe('3 x dog');
    expect(countLabel('dog', 1)).toBe('dog');
  });
});
