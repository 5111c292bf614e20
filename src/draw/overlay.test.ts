import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import { colormap } from './colormap';
import { blendColormap, sampleMap, strokeBox } from './overlay';

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

describe('drawing', () => {
  it('blends colormapped heat and strokes boxes', () => {
    const img = { width: 4, height: 4, data: new Uint8Array(64).fill(0) };
    blendColormap(
      img,
      Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? 1 : NaN)),
      'turbo',
      1,
    );
    expect(Array.from(img.data.subarray(20, 23))).toEqual(colormap('turbo', 1));
    expect(img.data[0]).toBe(0);
    strokeBox(img, [0, 0, 4, 4], 1, [255, 0, 0], 1);
    expect(Array.from(img.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(img.data[20]).not.toBe(255);
  });
});
