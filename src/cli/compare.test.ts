import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import type { EvalSample } from '../localize/metrics';
import { comparedClasses, mapDiff, pairMapDiffs, parity, quantile, type PairImage } from './compare';

const N = 4;
/** A photo that is its own network input: one pixel per cell. */
const IDENTITY = inputTransform({ mode: 'stretch', size: N }, N, N);

/** Class 1's map is a blob in the top-left 2x2 cells, scaled by `gain`; class 2's is flat. */
function maps(gain = 1): ClassMaps {
  const blob = Float32Array.from({ length: N * N }, (_, i) => (i % N < 2 && i < 2 * N ? 10 * gain : 0));
  const data = new Float32Array(2 * N * N);
  data.set(blob, 0);
  data.fill(1, N * N);
  return { width: N, height: N, cellSize: 1, classes: [1, 2], data, winner: new Int32Array(N * N).fill(1) };
}

function pair(top5B = [1, 2, 3, 4, 5], gain = 1): PairImage {
  const sample = (m: ClassMaps, top: number): EvalSample => ({ gtClass: 1, gtBoxes: [[0, 0, 2, 2]], topClass: top, maps: m, transform: IDENTITY });
  const a = maps();
  const b = maps(gain);
  return { a: sample(a, 1), b: sample(b, top5B[0]), top5A: [1, 2, 3, 4, 5], top5B, mapDiffs: pairMapDiffs(a, b, comparedClasses(1, 1)) };
}

describe('compare: parity figures', () => {
  it("measures a map difference as a fraction of the first map's range", () => {
    expect(mapDiff(Float32Array.of(0, 5, 10), Float32Array.of(0, 5.1, 9.8))).toBeCloseTo(0.02, 6);
    expect(mapDiff(Float32Array.of(-2, 2), Float32Array.of(-2, 2))).toBe(0);
    expect(mapDiff(Float32Array.of(3, 3), Float32Array.of(3, 3.5))).toBe(Infinity);
    expect(() => mapDiff(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(/1 and 2 cells/);
  });

  it("compares the ground truth's map and A's top-1 map, once when they are the same class", () => {
    expect(comparedClasses(3, 3)).toEqual([3]);
    expect(comparedClasses(3, 7)).toEqual([3, 7]);
    const small = { ...maps(), width: 2, height: 8 };
    expect(() => pairMapDiffs(maps(), small, [1])).toThrow(/4x4 and 2x8: compare packages of one architecture/);
  });

  it('takes the 99th percentile as the value 99% of the list stays at or below', () => {
    const xs = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(quantile(xs, 0.99)).toBe(198);
    expect(quantile(xs, 1)).toBe(200);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('passes identical packages with all figures equal', () => {
    const p = parity(Array.from({ length: 10 }, () => pair()));
    expect(p).toMatchObject({ images: 10, top1Agreement: 1, top5Agreement: 1, mapDiff: { max: 0, p99: 0, maps: 10 }, failed: [] });
    expect(p.b).toEqual(p.a);
    expect(p.a.camGtKnownLoc).toBe(1);
  });

  it('names each bound a package misses', () => {
    // One image in 100 with another top-1 class (99% < 99.5%; its top-5 set is the same), 3 with another top-5 set
    // (97% < 98%), and one map 2% off.
    const pairs = Array.from({ length: 100 }, (_, i) =>
      pair(i === 0 ? [2, 1, 3, 4, 5] : i < 4 ? [1, 2, 3, 4, 6] : [1, 2, 3, 4, 5], i === 5 ? 1.02 : 1),
    );
    const p = parity(pairs);
    expect(p.top1Agreement).toBe(0.99);
    expect(p.top5Agreement).toBe(0.97);
    expect(p.mapDiff.max).toBeCloseTo(0.02, 5);
    expect(p.failed.join('\n')).toMatch(/top-1 agrees on 99\.00% < 99\.50%/);
    expect(p.failed.join('\n')).toMatch(/top-5 sets agree on 97\.00% < 98\.00%/);
    expect(p.failed.join('\n')).toMatch(/maps differ by up to 2\.00% of their range > 1\.00%/);
    // The one top-1 change costs one image (1 point) of Top-1 Cls and Top-1 Loc: over the bound.
    expect(p.failed.join('\n')).toMatch(/Top-1 Cls moved 1\.00 points > 0\.5/);
  });
});
