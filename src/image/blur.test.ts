import { describe, expect, it } from 'vitest';
import { grayImage as image } from './test-images.testkit';
import { blurImage, boxRadius } from './blur';

describe('blurImage', () => {
  it('keeps a uniform photo as it is and alpha opaque', () => {
    const img = image(20, 10, () => 77);
    expect(Array.from(blurImage(img, 3).data)).toEqual(Array.from(img.data));
  });

  it('spreads a single bright pixel with the given standard deviation, keeping its mass', () => {
    const w = 61,
      img = image(w, w, (x, y) => (x === 30 && y === 30 ? 255 : 0));
    const out = blurImage(img, 4);
    const row = Array.from({ length: w }, (_, x) => out.data[4 * (30 * w + x)]);
    const mass = row.reduce((a, b) => a + b, 0);
    const variance = row.reduce((a, v, x) => a + v * (x - 30) ** 2, 0) / mass;
    expect(Math.sqrt(variance)).toBeGreaterThan(3.4);
    expect(Math.sqrt(variance)).toBeLessThan(4.6);
    expect(row[30]).toBeLessThan(10);
    expect(row[30]).toBeGreaterThan(row[25]);
  });

  it('has radius 0 (a copy) for sigma below half a pixel', () => {
    expect(boxRadius(0.3)).toBe(0);
    expect(boxRadius(5)).toBe(5);
    const img = image(5, 5, (x, y) => 10 * x + y);
    expect(Array.from(blurImage(img, 0.3).data)).toEqual(Array.from(img.data));
  });
});
