import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { Inference } from '../models/class-maps';
import { buildScene, labelText } from './scene';

/** An 8x8 map of class 1 with two separate hot regions; class 0's map is flat. */
function inference(): Inference {
  const plane = new Float32Array(64);
  for (const i of [0, 1, 8, 9, 54, 55, 62, 63]) plane[i] = 2;
  const data = new Float32Array(128);
  data.set(plane, 64);
  return {
    top: [{ index: 1, name: 'dog', logit: 1, probability: 0.7 }],
    maps: { width: 8, height: 8, cellSize: 28, classes: [0, 1], data, winner: new Int32Array(64).fill(1) },
    taught: [],
    logits: Float32Array.from([0, 1]),
    transform: inputTransform({ mode: 'stretch', size: 224 }, 224, 224),
    backend: 'cpu',
    ms: 1,
  };
}

const options = { rule: 'cam', threshold: 0.5, shown: [1], opacity: 0.5, scale: 'shared', rawGrid: false, gt: [], names: ['cat', 'dog'] } as const;

describe('buildScene', () => {
  it('gives one box per region with the count in the label when instances are on', () => {
    const one = buildScene(inference(), options).classes[0];
    expect(one.instances).toBeUndefined();
    expect(labelText(one)).toMatch(/^dog /);
    const many = buildScene(inference(), { ...options, instances: true, gt: [[168, 168, 224, 224]] }).classes[0];
    expect(many.instances).toEqual([
      [0, 0, 56, 56],
      [168, 168, 224, 224],
    ]);
    expect(many.box).toEqual(many.instances![0]);
    expect(labelText(many)).toMatch(/^2 x dog .* IoU 1\.00$/);
  });
});
