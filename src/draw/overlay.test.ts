import { describe, expect, it } from 'vitest';
import { colormap } from './colormap';
import { blendColormap, strokeBox } from './overlay';

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
