import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { curveThresholds, iouCurve, thresholdRange } from './iou-curve';

// An 8x8 map over a 64x64 photo (cell = 8 px); class 0 is a 4x4 block of 10s with a ring of 5s.
const plane = Float32Array.from({ length: 64 }, (_, i) => {
  const x = i % 8,
    y = Math.floor(i / 8);
  if (x >= 2 && x < 6 && y >= 2 && y < 6) return 10;
  if (x >= 1 && x < 7 && y >= 1 && y < 7) return 5;
  return -1;
});
const maps: ClassMaps = { width: 8, height: 8, cellSize: 8, classes: [0], data: plane, winner: new Int32Array(64) };
const t = inputTransform({ mode: 'stretch', size: 64 }, 64, 64);

describe('IoU curves', () => {
  it('follows the box as the threshold rises, for both rules', () => {
    const gt: [number, number, number, number][] = [[16, 16, 48, 48]];
    // cam: tau 0.5 keeps (5+1)/11 = 0.545 -> the ring (48x48 box: IoU 1024/2304); 0.6 keeps the core (IoU 1).
    expect(iouCurve(maps, t, 0, 'cam', [0.5, 0.6, 1.01], gt)).toEqual([1024 / 2304, 1, 0]);
    // drn: t = 4 keeps the ring, t = 6 the core, t = 10 nothing (cells must exceed t).
    expect(iouCurve(maps, t, 0, 'drn', [4, 6, 10], gt)).toEqual([1024 / 2304, 1, 0]);
  });

  it("spans each rule's slider range", () => {
    expect(thresholdRange('cam', 12)).toEqual({ min: 0, max: 1, step: 0.01 });
    expect(thresholdRange('drn', 9.2)).toEqual({ min: 0, max: 10, step: 0.05 });
    const ts = curveThresholds({ min: 0, max: 10, step: 0.05 }, 11);
    expect(ts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
