import { describe, expect, it } from 'vitest';
import { inputTransform } from '../image/geometry';
import type { Inference } from '../models/class-maps';
import { paintEvidence } from './composite';
import { fakeContext } from './fake-context.testkit';
import { buildScene, drawScene, labelText } from './scene';

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

describe('drawScene', () => {
  it('blends the heat over whatever photo is under it, frame after frame (the kept blend never goes stale)', () => {
    const inf = inference();
    const ctx = fakeContext(224, 224);
    const photo = (seed: number) => Uint8ClampedArray.from({ length: 224 * 224 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * seed) % 251));
    const frame = (pixels: Uint8ClampedArray, threshold: number) => {
      ctx.pixels.set(pixels);
      drawScene(ctx, buildScene(inf, { ...options, shown: [0, 1], threshold }), 224, 224, 1, { boxes: false });
      return ctx.pixels.slice();
    };
    const expected = (pixels: Uint8ClampedArray) => {
      const img = { width: 224, height: 224, data: pixels.slice() };
      const layers = buildScene(inf, { ...options, shown: [0, 1] }).classes.map((c) => ({ plane: c.plane, color: c.color, mask: null }));
      paintEvidence(img, layers, inf.maps, inf.transform, { opacity: options.opacity, scale: options.scale, smooth: true });
      return img.data;
    };
    // The first byte that differs (-1: none); toEqual on 200,000 bytes would print them all.
    const firstDiff = (x: Uint8ClampedArray, y: Uint8ClampedArray) => x.findIndex((v, i) => v !== y[i]);
    const [a, b] = [photo(7), photo(13)];
    // Threshold steps over one photo, another photo under the same heat, then the first again.
    for (const [pixels, threshold] of [
      [a, 0.3],
      [a, 0.5],
      [b, 0.5],
      [a, 0.4],
    ] as const)
      expect(firstDiff(frame(pixels, threshold), expected(pixels)), `threshold ${threshold}`).toBe(-1);
  });
});
