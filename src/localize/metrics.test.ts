import { describe, expect, it } from 'vitest';
import type { InputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { iou, type Box } from './boxes';
import {
  activationGrid,
  bestIoU,
  bestThreshold,
  camIoUs,
  grid,
  iouMatcher,
  gtKnownLoc,
  maxBoxAccV2,
  paperRuleIoU,
  sweepRule,
  top1Cls,
  top1Loc,
  type EvalSample,
} from './metrics';

const N = 8;

/** A photo of N x N pixels whose input is itself, one pixel per cell: cell (x, y) is pixel box [x, y, x+1, y+1]. */
const IDENTITY: InputTransform = {
  imageWidth: N,
  imageHeight: N,
  inputSize: N,
  scaleX: 1,
  scaleY: 1,
  offsetX: 0,
  offsetY: 0,
  prepool: 1,
  resizedWidth: N,
  resizedHeight: N,
};

/** An N x N plane with `value` on the inclusive cell rectangles given, 0 elsewhere (later rects win). */
function plane(...rects: [x0: number, y0: number, x1: number, y1: number, value: number][]): Float32Array {
  const p = new Float32Array(N * N);
  for (const [x0, y0, x1, y1, v] of rects) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) p[y * N + x] = v;
  return p;
}

function maps(planes: Record<number, Float32Array>, winner?: (x: number, y: number) => number): ClassMaps {
  const classes = Object.keys(planes).map(Number);
  const data = new Float32Array(classes.length * N * N);
  classes.forEach((c, i) => data.set(planes[c], i * N * N));
  const win = new Int32Array(N * N).map((_, i) => (winner ? winner(i % N, Math.floor(i / N)) : classes[0]));
  return { width: N, height: N, cellSize: 1, classes, data, winner: win };
}

function sample(gtBoxes: Box[], gtMap: Float32Array, topClass = 1): EvalSample {
  const planes: Record<number, Float32Array> = { 1: gtMap };
  if (topClass !== 1) planes[topClass] = plane([0, 0, N - 1, N - 1, 1]);
  return { gtClass: 1, gtBoxes, topClass, maps: maps(planes), transform: IDENTITY };
}

describe('iou', () => {
  it('is 1 for identical boxes and 0 for disjoint or edge-touching ones', () => {
    expect(iou([1, 2, 5, 6], [1, 2, 5, 6])).toBe(1);
    expect(iou([0, 0, 2, 2], [3, 3, 5, 5])).toBe(0);
    expect(iou([0, 0, 2, 2], [2, 0, 4, 2])).toBe(0);
    expect(iou([0, 0, 2, 2], [0, 2, 2, 4])).toBe(0);
  });

  it('is the area ratio for a box inside another, and 1/3 for two unit squares overlapping by half', () => {
    expect(iou([0, 0, 4, 4], [1, 1, 3, 3])).toBeCloseTo(4 / 16, 12);
    expect(iou([1, 1, 3, 3], [0, 0, 4, 4])).toBeCloseTo(4 / 16, 12);
    expect(iou([0, 0, 2, 2], [1, 0, 3, 2])).toBeCloseTo(2 / 6, 12);
  });

  it('is 0, not NaN, for degenerate boxes', () => {
    expect(iou([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0);
    expect(iou([0, 0, 0, 3], [0, 0, 2, 3])).toBe(0);
  });

  it('bestIoU takes the best pair and is 0 without boxes', () => {
    expect(bestIoU([], [[0, 0, 1, 1]])).toBe(0);
    expect(
      bestIoU(
        [
          [0, 0, 2, 2],
          [4, 4, 6, 6],
        ],
        [
          [10, 10, 12, 12],
          [4, 4, 6, 8],
        ],
      ),
    ).toBeCloseTo(0.5, 12);
  });
});

describe('grid', () => {
  it('includes both ends and prints clean decimals', () => {
    const g = grid(0, 1, 0.05);
    expect(g).toHaveLength(21);
    expect(g[3]).toBe(0.15);
    expect(g.at(-1)).toBe(1);
    expect(grid(-1, 1, 0.5)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});

describe('activationGrid', () => {
  it('spans 0 to the largest GT-class activation in round steps', () => {
    const hot = sample([[0, 0, 1, 1]], plane([0, 0, 0, 0, 7.3]), 2);
    expect(activationGrid([hot], 40)).toEqual(grid(0, 7.4, 0.2)); // 7.3 / 40 = 0.18 -> step 0.2, up to 7.4
    expect(activationGrid([hot], 30)).toEqual(grid(0, 7.5, 0.25)); // 7.3 / 30 = 0.24 -> step 0.25
    expect(activationGrid([hot], 4)).toEqual([0, 2, 4, 6, 8]);
    expect(activationGrid([sample([[0, 0, 1, 1]], plane())])).toEqual([0]);
  });

  it('ends at the 75th percentile of the per-image peaks, so one outlier does not stretch it', () => {
    const set = [1, 2, 3, 4, 100].map((peak) => sample([[0, 0, 1, 1]], plane([2, 2, 2, 2, peak])));
    expect(activationGrid(set)).toEqual(grid(0, 4, 0.1)); // 4th of 5 peaks; 4 / 40 = 0.1
  });
});

describe('CAM rule: largest component vs all components', () => {
  // A 3x3 blob at 1.0 (top left) and a 2x2 blob at 0.8 (bottom right); the object is the small one.
  const twoBlobs = sample([[6, 6, 8, 8]], plane([0, 0, 2, 2, 1], [6, 6, 7, 7, 0.8]));

  it('boxes the larger blob for the rule but finds the small one among all components', () => {
    expect(camIoUs(twoBlobs, 1, 0.5)).toEqual({ largest: 0, any: 1 });
    // Above 0.8 only the large blob survives.
    expect(camIoUs(twoBlobs, 1, 0.85)).toEqual({ largest: 0, any: 0 });
  });

  it('scores GT-known with the largest component and MaxBoxAccV2 with all of them', () => {
    expect(gtKnownLoc([twoBlobs], 'cam', 0.5)).toBe(0);
    const m = maxBoxAccV2([twoBlobs]);
    expect(m.value).toBe(1);
    expect(m.perDelta.map((d) => d.tau)).toEqual([0, 0, 0]);
  });
});

describe('paper rule', () => {
  // Class 1 is 2 on the top-left 4x4 and 0.5 just right of it, where class 2 (value 1) wins the
  // arg-max; class 1 wins the whole left half (its bottom-left quarter at value 0).
  const s: EvalSample = {
    gtClass: 1,
    gtBoxes: [[0, 0, 4, 4]],
    topClass: 1,
    maps: maps({ 1: plane([0, 0, 3, 3, 2], [4, 0, 5, 3, 0.5]), 2: plane([4, 0, 7, 7, 1]) }, (x) => (x < 4 ? 1 : 2)),
    transform: IDENTITY,
  };

  it('keeps only cells the class wins and whose activation exceeds t', () => {
    expect(paperRuleIoU(s, 1, 0)).toBe(1); // the 0.5 cells lose the arg-max to class 2
    expect(paperRuleIoU(s, 1, -1)).toBe(0.5); // the winning zeros join: box [0,0,4,8]
    expect(paperRuleIoU(s, 1, 2)).toBe(0); // nothing exceeds 2: no box
  });

  it('sweeps thresholds consistently with the single-threshold metrics', () => {
    const sweep = sweepRule([s], 'drn', [-1, 0, 2]);
    expect(sweep.gtKnownLoc).toEqual([1, 1, 0]);
    expect(sweep.top1Loc).toEqual([1, 1, 0]);
    expect(top1Loc([s], 'drn', -1)).toBe(1);
    expect(top1Loc([{ ...s, topClass: 2 }], 'drn', 0)).toBe(0);
  });
});

describe('a 3-image toy set', () => {
  // A: one uniform blob that is exactly the object: IoU 1 at every tau.
  const a = sample([[2, 2, 6, 6]], plane([2, 2, 5, 5, 1]));
  // B: a 6x6 halo at 0.4 around a 3x3 core at 1; object [2,2,6,6].
  //    tau <= 0.4: box [1,1,7,7], IoU 16/36 = 0.444; tau > 0.4: box [2,2,5,5], IoU 9/16 = 0.5625.
  //    Its top-1 class is wrong.
  const b = sample([[2, 2, 6, 6]], plane([1, 1, 6, 6, 0.4], [2, 2, 4, 4, 1]), 7);
  // C: a big 4x4 decoy at 1 and a 2x2 blob at 0.3 near the object [5,5,8,8]: the small blob's
  //    box [6,6,8,8] has IoU 4/9 = 0.444 while tau <= 0.3; the largest component never overlaps.
  const c = sample([[5, 5, 8, 8]], plane([0, 0, 3, 3, 1], [6, 6, 7, 7, 0.3]));
  const set = [a, b, c];

  it('classification and both Loc figures match the hand count', () => {
    expect(top1Cls(set)).toBeCloseTo(2 / 3, 12);
    expect(gtKnownLoc(set, 'cam', 0.2)).toBeCloseTo(1 / 3, 12); // A only
    expect(gtKnownLoc(set, 'cam', 0.5)).toBeCloseTo(2 / 3, 12); // A and B
    expect(top1Loc(set, 'cam', 0.5)).toBeCloseTo(1 / 3, 12); // B's class is wrong
  });

  it('MaxBoxAccV2 takes the best tau per delta and averages', () => {
    // BoxAcc by tau range:   delta 0.3  0.5  0.7
    //   tau <= 0.3            3/3  1/3  1/3
    //   0.3 < tau <= 0.4      2/3  1/3  1/3
    //   tau > 0.4             2/3  2/3  1/3
    const m = maxBoxAccV2(set);
    expect(m.perDelta.map((d) => d.delta)).toEqual([0.3, 0.5, 0.7]);
    expect(m.perDelta.map((d) => d.boxAcc)).toEqual([1, 2 / 3, 1 / 3]);
    expect(m.perDelta.map((d) => d.tau)).toEqual([0, 0.41, 0]);
    expect(m.value).toBeCloseTo((1 + 2 / 3 + 1 / 3) / 3, 12);
  });
});

describe('bestThreshold', () => {
  it('takes the best score and breaks ties toward the preferred value', () => {
    const t = [0, 0.1, 0.2, 0.3];
    const s = [0.5, 0.7, 0.7, 0.6];
    expect(bestThreshold(t, s, 0.25)).toEqual({ threshold: 0.2, score: 0.7 });
    expect(bestThreshold(t, s, 0)).toEqual({ threshold: 0.1, score: 0.7 });
    expect(() => bestThreshold([], [], 0)).toThrow();
  });
});

describe('iouMatcher', () => {
  it('gives the same best IoU as trying every ground-truth box', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const box = (): Box => {
      const x = rand() * 500,
        y = rand() * 500;
      return [x, y, x + rand() * 300, y + rand() * 300];
    };
    const gt = Array.from({ length: 2000 }, box);
    gt.push([5, 5, 5, 9]);
    const best = iouMatcher(gt);
    for (let i = 0; i < 300; i++) {
      const b = box();
      expect(best(b)).toBe(bestIoU([b], gt));
    }
    expect(best([1, 1, 1, 1])).toBe(0);
    expect(iouMatcher([])([0, 0, 1, 1])).toBe(0);
  });
});
