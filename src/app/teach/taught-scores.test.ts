import { describe, expect, it } from 'vitest';
import type { ClassMaps } from '../../models/class-maps';
import { classProbability, taughtScore } from './taught-scores';

const maps: ClassMaps = {
  width: 2,
  height: 2,
  cellSize: 8,
  classes: [0, 3],
  data: Float32Array.from([9, 9, 9, 9, 2, -1, -1, -2]),
  winner: new Int32Array(0),
};

describe('a taught class scored from its map', () => {
  it('takes the logit as the mean of the map, the score as its sigmoid, present above 0', () => {
    expect(taughtScore(maps, 3)).toEqual({ index: 3, logit: -0.5, probability: 1 / (1 + Math.exp(0.5)), present: false });
    expect(taughtScore(maps, 4)).toBeNull();
  });

  it('gives ImageNet classes their softmax and taught classes their own score', () => {
    const soft = Float32Array.from([0.7, 0.2, 0.1]);
    expect(classProbability(maps, soft, 1)).toBeCloseTo(0.2);
    expect(classProbability(maps, soft, 3)).toBeCloseTo(1 / (1 + Math.exp(0.5)));
    expect(classProbability(maps, soft, 5)).toBe(0);
  });
});
