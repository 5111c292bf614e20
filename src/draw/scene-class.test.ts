import { describe, expect, it, vi } from 'vitest';
import { inputTransform } from '../image/geometry';
import * as boxes from '../localize/boxes';
import { instances } from '../localize/instances';
import { bestIoU } from '../localize/metrics';
import { mapOf, type Inference } from '../models/class-maps';
import { fakeContext } from './fake-context.testkit';
import { buildScene, drawScene } from './scene';
import { MAX_LABELS } from './labels';
import { planeOf } from './scene-class';

// Counts the geometry worked out, while keeping the real functions.
vi.mock('../localize/boxes', async (importOriginal) => {
  const real = await importOriginal<typeof import('../localize/boxes')>();
  return { ...real, classBox: vi.fn(real.classBox), ruleMask: vi.fn(real.ruleMask) };
});

const G = 8;
/** `classes` maps of two bumps each, at places that differ from class to class. */
function inference(classes: number): Inference {
  const data = new Float32Array(classes * G * G);
  for (let c = 0; c < classes; c++)
    for (let i = 0; i < G * G; i++) {
      const x = i % G,
        y = Math.floor(i / G);
      data[c * G * G + i] = Math.exp(-((x - (c % G)) ** 2 + (y - ((3 * c) % G)) ** 2) / 4) + 0.6 * Math.exp(-((x - 6) ** 2 + (y - 1) ** 2) / 2) - 0.2;
    }
  return {
    top: [],
    maps: { width: G, height: G, cellSize: 28, classes: Array.from({ length: classes }, (_, i) => i), data, winner: new Int32Array(G * G) },
    taught: [],
    logits: Float32Array.from({ length: classes }, (_, i) => (i * 37) % 11),
    transform: inputTransform({ mode: 'stretch', size: 224 }, 224, 224),
    backend: 'cpu',
    ms: 1,
  };
}

const gt: boxes.Box[] = [
  [20, 30, 120, 140],
  [100, 0, 224, 90],
];
const options = { rule: 'cam', threshold: 0.4, opacity: 0.5, scale: 'class', rawGrid: false, gt, names: [] } as const;

describe('a scene class', () => {
  it('has the mask, box, instances and IoU the rule gives', () => {
    const inf = inference(5);
    for (const inst of [false, true]) {
      const scene = buildScene(inf, { ...options, rule: inst ? 'drn' : 'cam', threshold: inst ? 0.1 : 0.4, shown: [4, 1, 3], instances: inst });
      for (const c of scene.classes) {
        const rule = scene.rule;
        expect(c.plane).toEqual(mapOf(inf.maps, c.index));
        expect(c.mask).toEqual(boxes.ruleMask(inf.maps, c.index, rule));
        const regions = instances(inf.maps, c.index, inf.transform, rule).map((r) => r.box);
        expect(c.instances).toEqual(inst ? regions : undefined);
        const box = inst ? (regions[0] ?? null) : boxes.classBox(inf.maps, c.index, inf.transform, rule);
        expect(c.box).toEqual(box);
        expect(c.iou).toBe(bestIoU(inst ? regions : box ? [box] : [], gt));
      }
    }
  });

  it('has no IoU without ground truth', () => {
    expect(buildScene(inference(2), { ...options, gt: [], shown: [0, 1] }).classes.map((c) => c.iou)).toEqual([null, null]);
  });

  it('works its geometry out when first read, once', () => {
    const inf = inference(3);
    vi.mocked(boxes.classBox).mockClear();
    vi.mocked(boxes.ruleMask).mockClear();
    const scene = buildScene(inf, { ...options, shown: [0, 1, 2] });
    const c = scene.classes[1];
    expect(boxes.classBox).not.toHaveBeenCalled();
    expect(boxes.ruleMask).not.toHaveBeenCalled();
    for (let i = 0; i < 3; i++) [c.box, c.iou, c.mask, c.instances].forEach((v) => v);
    expect(boxes.classBox).toHaveBeenCalledTimes(1);
    expect(boxes.classBox).toHaveBeenCalledWith(inf.maps, 1, inf.transform, scene.rule);
    expect(boxes.ruleMask).toHaveBeenCalledTimes(1);
  });

  it('is outlined for the most probable MAX_LABELS classes only when a thousand are drawn', () => {
    const inf = inference(1000);
    const ctx = fakeContext(224, 224);
    const scene = buildScene(inf, { ...options, shown: inf.maps.classes });
    vi.mocked(boxes.classBox).mockClear();
    vi.mocked(boxes.ruleMask).mockClear();
    drawScene(ctx, scene, 224, 224, 1);
    const drawn = new Set(vi.mocked(boxes.classBox).mock.calls.map(([, index]) => index));
    expect(drawn.size).toBe(MAX_LABELS);
    expect(vi.mocked(boxes.ruleMask).mock.calls.every(([, index]) => drawn.has(index))).toBe(true);
    const byProbability = [...scene.classes].sort((a, b) => b.probability - a.probability);
    expect([...drawn].sort((a, b) => a - b)).toEqual(
      byProbability
        .slice(0, MAX_LABELS)
        .map((c) => c.index)
        .sort((a, b) => a - b),
    );
  });
});

describe('planeOf', () => {
  it('is mapOf', () => {
    const inf = inference(4);
    for (const c of [3, 0, 2]) expect(planeOf(inf.maps, c)).toEqual(mapOf(inf.maps, c));
    expect(() => planeOf(inf.maps, 9)).toThrow(/no map for class 9/);
  });
});
