import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TORCH_IMAGENET, type RGBAImage } from '../image/geometry';
import type { ModelManifest } from '../weights/manifest';
import { ARCHITECTURES, narrowed } from './architectures';
import { mapOf } from './class-maps';
import { LensModel } from './lens-model';
import { randomWeights } from './random-weights';
import { patternImage as photo } from '../image/test-images.testkit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const CLASSES = 12;

function tinyModel(seed = 3, drop?: string): LensModel {
  const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: CLASSES }, 8);
  const weights = randomWeights(arch, seed);
  if (drop) {
    weights.get(drop)!.dispose();
    weights.delete(drop);
  }
  const manifest: ModelManifest = {
    format: 'drn-lens-model/1', id: 'tiny', title: 'tiny DRN-C', architecture: arch,
    preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
    classes: Array.from({ length: CLASSES }, (_, i) => `class ${i}`), provenance: 'test', license: 'none', weightsManifest: [], files: [],
  };
  return new LensModel({ manifest, weights });
}

/** A photo with structure on both axes, so a mirror or a crop changes what the network sees. */

function mirror(img: RGBAImage): RGBAImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
    out.set(img.data.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 4), 4 * (y * img.width + img.width - 1 - x));
  }
  return { width: img.width, height: img.height, data: out };
}

function mirrorPlane(p: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(p.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + w - 1 - x] = p[y * w + x];
  return out;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return d / m;
}

describe('LensModel', () => {
  it('mapsFor gives the same planes as the extraClasses path, and the tensor count stays flat', async () => {
    const model = tinyModel();
    const img = photo(300, 240);
    const all = Array.from({ length: CLASSES }, (_, i) => i);
    const ref = await model.infer(img, { topK: 2, extraClasses: all });
    await model.infer(img, { topK: 2, keepMaps: true });
    const planes = await model.mapsFor([9, 0, 5]);
    expect(planes.classes).toEqual([9, 0, 5]);
    const n = ref.maps.width * ref.maps.height;
    [9, 0, 5].forEach((c, i) => expect(Array.from(planes.data.subarray(i * n, (i + 1) * n))).toEqual(Array.from(mapOf(ref.maps, c))));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      await model.infer(photo(300, 240, i + 2), { topK: 2, keepMaps: true });
      await model.mapsFor(all);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.releaseMaps();
    expect(tf.memory().numTensors).toBe(before - 1);
    await expect(model.mapsFor([1])).rejects.toThrow(/no photo's maps are kept/);
    model.dispose();
  });

  it('refuses classes the model does not have', async () => {
    const model = tinyModel();
    await model.infer(photo(224, 224), { keepMaps: true });
    await expect(model.mapsFor([CLASSES])).rejects.toThrow(`class ${CLASSES} is not one of its classes 0-${CLASSES - 1}`);
    model.dispose();
  });

  it('returns the top classes by logit, the logits as the maps\' mean, and the winner per cell', async () => {
    const model = tinyModel();
    const all = Array.from({ length: CLASSES }, (_, i) => i);
    const inf = await model.infer(photo(320, 256), { topK: 3, extraClasses: all });
    const sorted = [...all].sort((a, b) => inf.logits[b] - inf.logits[a]);
    expect(inf.top.map((p) => p.index)).toEqual(sorted.slice(0, 3));
    expect(inf.maps.classes.slice(0, 3)).toEqual(sorted.slice(0, 3));
    expect([...inf.maps.classes].sort((a, b) => a - b)).toEqual(all);
    const n = inf.maps.width * inf.maps.height;
    for (const c of all) {
      const plane = mapOf(inf.maps, c);
      expect(plane.reduce((s, v) => s + v, 0) / n).toBeCloseTo(inf.logits[c], 4);
    }
    for (let i = 0; i < n; i++) {
      const best = all.reduce((b, c) => (mapOf(inf.maps, c)[i] > mapOf(inf.maps, b)[i] ? c : b), 0);
      expect(inf.maps.winner[i]).toBe(best);
    }
    const noWinner = await model.infer(photo(320, 256), { topK: 3, winner: false });
    expect(noWinner.maps.winner.length).toBe(0);
    expect(Array.from(noWinner.logits)).toEqual(Array.from(inf.logits));
    model.dispose();
  });

  it('disposes every tensor it made when an op throws', async () => {
    const model = tinyModel(3, 'layer3.1.conv1.kernel');
    const before = tf.memory().numTensors;
    await expect(model.infer(photo(300, 240))).rejects.toThrow(/missing tensor/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('disposes every tensor it made when the readback rejects, and keeps no maps', async () => {
    const model = tinyModel();
    const before = tf.memory().numTensors;
    vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new Error('device lost'));
    await expect(model.infer(photo(300, 240), { keepMaps: true })).rejects.toThrow('device lost');
    expect(tf.memory().numTensors).toBe(before);
    expect(model.hasMaps()).toBe(false);
    model.dispose();
  });

  it('runs at 448 with 56x56 maps and 8 input pixels a cell', async () => {
    const model = tinyModel();
    const inf = await model.infer(photo(640, 480), { size: 448 });
    expect([inf.maps.width, inf.maps.height, inf.maps.cellSize]).toEqual([56, 56, 8]);
    expect(inf.transform).toMatchObject({ inputSize: 448, resizedHeight: 512 });
    await expect(model.infer(photo(64, 64), { size: 450 })).rejects.toThrow('input size 450 must be a multiple of 32 from 224 to 896');
    model.dispose();
  });

  // Flip averaging makes the maps mirror-equivariant: a mirrored photo gives mirrored maps. Without
  // it, a network with random (asymmetric) kernels does not.
  it('with flip, a mirrored photo gives exactly mirrored maps; without, it does not', async () => {
    const model = tinyModel();
    const img = photo(320, 256);
    const classes = [0, 4, 7];
    const run = async (im: RGBAImage, flip: boolean) => (await model.infer(im, { topK: 1, extraClasses: classes, flip })).maps;
    const [a, b] = [await run(img, true), await run(mirror(img), true)];
    const [c, d] = [await run(img, false), await run(mirror(img), false)];
    for (const k of classes) {
      expect(maxRelDiff(mirrorPlane(mapOf(b, k), b.width, b.height), mapOf(a, k))).toBeLessThan(1e-5);
      expect(maxRelDiff(mirrorPlane(mapOf(d, k), d.width, d.height), mapOf(c, k))).toBeGreaterThan(1e-2);
    }
    model.dispose();
  });
});
