import { describe, expect, it } from 'vitest';
import { gridding, griddingDefined, whiteNoiseScore } from './gridding';

const make = (w: number, h: number, f: (x: number, y: number) => number) => {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = f(x, y);
  return out;
};
const blob = (w: number, h: number, cx: number, cy: number, s: number) =>
  make(w, h, (x, y) => 5 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s)));

describe('gridding', () => {
  it('scores a pure period-2 checkerboard 1, whatever its offset and scale', () => {
    for (const n of [28, 56]) {
      const g = gridding(
        make(n, n, (x, y) => 3 + 2 * ((x + y) % 2)),
        n,
        n,
      )!;
      expect(g.score).toBeCloseTo(1, 9);
      expect(g.highShare).toBeCloseTo(1, 9);
    }
  });

  it('scores period-4 stripes and a period-4 lattice 1', () => {
    expect(
      gridding(
        make(28, 28, (x) => (x % 4 === 0 ? 1 : 0)),
        28,
        28,
      )!.score,
    ).toBeCloseTo(1, 9);
    expect(
      gridding(
        make(28, 28, (x, y) => (x % 4 === 0 && y % 4 === 0 ? 1 : 0)),
        28,
        28,
      )!.score,
    ).toBeCloseTo(1, 9);
  });

  it('scores a smooth Gaussian blob ~0', () => {
    const g = gridding(blob(28, 28, 13.5, 13.5, 4), 28, 28)!;
    expect(g.score).toBeLessThan(0.01);
    expect(g.highShare).toBeLessThan(1e-3);
  });

  it('finds a faint checkerboard on a blob: the score grows with its amplitude', () => {
    const b = blob(28, 28, 12, 15, 4);
    const scores = [0, 0.01, 0.1, 1].map(
      (a) =>
        gridding(
          b.map((v, i) => v + a * (((i % 28) + Math.floor(i / 28)) % 2)),
          28,
          28,
        )!.score,
    );
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
    expect(scores[3]).toBeGreaterThan(0.99);
  });

  it('scores a constant map 0, not NaN', () => {
    expect(gridding(new Float32Array(28 * 28).fill(7), 28, 28)).toEqual({ score: 0, highShare: 0 });
    expect(gridding(new Float32Array(28 * 28), 28, 28)).toEqual({ score: 0, highShare: 0 });
  });

  it('scores seeded white noise near the bin-counting chance level', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const chance = whiteNoiseScore(56, 56);
    const scores = Array.from(
      { length: 20 },
      () =>
        gridding(
          make(56, 56, () => rand()),
          56,
          56,
        )!.score,
    );
    const mean = scores.reduce((a, b) => a + b) / scores.length;
    expect(whiteNoiseScore(28, 28)).toBeCloseTo(159 / 735, 12);
    expect(mean).toBeGreaterThan(chance - 0.03);
    expect(mean).toBeLessThan(chance + 0.03);
  });

  it('is undefined (null) where periods 2 and 4 are not DFT bins, e.g. 7x7 maps', () => {
    expect(griddingDefined(7, 7)).toBe(false);
    expect(gridding(new Float32Array(49), 7, 7)).toBeNull();
    expect(griddingDefined(28, 36)).toBe(true);
    expect(() => gridding(new Float32Array(10), 28, 28)).toThrow(RangeError);
  });
});
