import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import { sampleMap } from './sample-map';

describe('sampleMap', () => {
  const grid = { width: 2, height: 2, cellSize: 4 };
  const map = Float32Array.from([0, 1, 2, 3]);
  const t = inputTransform({ mode: 'stretch', size: 8 }, 8, 8);

  it('shows raw cells with nearest-neighbour sampling', () => {
    const out = sampleMap(map, grid, t, 8, 8, false);
    expect(out[0]).toBe(0);
    expect(out[7]).toBe(1);
    expect(out[8 * 7]).toBe(2);
    expect(out[63]).toBe(3);
  });

  it('interpolates between cell centres when smooth', () => {
    const out = sampleMap(map, grid, t, 8, 8, true);
    expect(out[0]).toBe(0); // clamped before the first centre
    // Pixel centre 3.5 is 0.375 cells past the first centre on both axes.
    const a = 0.375;
    expect(out[3 * 8 + 3]).toBeCloseTo((0 * (1 - a) + 1 * a) * (1 - a) + (2 * (1 - a) + 3 * a) * a, 6);
  });

  it('leaves pixels outside a centre crop empty', () => {
    const crop = inputTransform({ mode: 'center-crop', resize: 8, crop: 8 }, 16, 8);
    const out = sampleMap(map, grid, crop, 16, 8, false);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[4]).toBe(0);
  });
});
