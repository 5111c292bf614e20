// Taught classes on LensModel: linear heads on the backbone's features, served like ImageNet classes.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TORCH_IMAGENET, type RGBAImage } from '../image/geometry';
import type { ModelManifest } from '../weights/manifest';
import { ARCHITECTURES, narrowed } from './architectures';
import { mapOf, type HeadWeights } from './class-maps';
import { LensModel } from './lens-model';
import { randomWeights } from './random-weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CLASSES = 12;

function tinyModel(): LensModel {
  const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: CLASSES }, 8);
  const manifest: ModelManifest = {
    format: 'drn-lens-model/1',
    id: 'tiny',
    title: 'tiny DRN-C',
    architecture: arch,
    preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'stretch', size: 224 } },
    classes: Array.from({ length: CLASSES }, (_, i) => `class ${i}`),
    provenance: 'test',
    license: 'none',
    weightsManifest: [],
    files: [],
  };
  return new LensModel({ manifest, weights: randomWeights(arch, 5) });
}

function photo(seed: number): RGBAImage {
  const w = 224;
  const data = new Uint8Array(w * w * 4);
  for (let i = 0; i < w * w; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    data.set([(x * 5 + y * seed) % 256, (x * y + 30 * seed) % 256, (200 * Math.abs(Math.sin(x / 11 + y / 7 + seed))) | 0, 255], 4 * i);
  }
  return { width: w, height: w, data };
}

function head(name: string, f: number, seed: number, bias = 0.1): HeadWeights {
  return { name, weights: Float32Array.from({ length: f }, (_, i) => Math.sin(i * 0.7 + seed) * 0.3), bias };
}

describe('LensModel taught heads', () => {
  it('serves a head like a class: logit = mean of its map = pooled . w + b, maps kept for a head set later, tensors flat', async () => {
    const model = tinyModel();
    const f = model.featureCount;
    const a = head('mug', f, 1);
    model.setHeads([a]);
    const inf = await model.infer(photo(1), { topK: 3, extraClasses: [CLASSES, 2], keepMaps: true, pooled: true });
    // Top-k stays over the ImageNet classes; the taught plane is served at index C.
    expect(inf.top.every((p) => p.index < CLASSES)).toBe(true);
    expect(inf.maps.classes).toContain(CLASSES);
    expect(inf.pooled).toHaveLength(f);
    const [t] = inf.taught;
    expect(t).toMatchObject({ index: CLASSES, name: 'mug' });
    const plane = mapOf(inf.maps, CLASSES);
    const mean = plane.reduce((s, v) => s + v, 0) / plane.length;
    expect(Math.abs(mean - t.logit)).toBeLessThan(1e-4 * Math.max(1, Math.abs(t.logit)));
    const byPooled = inf.pooled!.reduce((s, v, i) => s + v * a.weights[i], a.bias);
    expect(t.logit).toBeCloseTo(byPooled, 5);
    expect(t.probability).toBeCloseTo(1 / (1 + Math.exp(-t.logit)), 6);
    expect(t.present).toBe(t.logit > 0);
    // A bias that flips the decision flips `present`.
    model.setHeads([{ ...a, bias: a.bias - t.logit - 1 }]);
    expect((await model.infer(photo(1))).taught[0].present).toBe(false);

    // A head set after the photo: mapsFor from the kept features, no network run, same numbers as infer's.
    await model.infer(photo(2), { keepMaps: true, extraClasses: [CLASSES], topK: 1 });
    const b = head('cup', f, 2, -0.2);
    model.setHeads([a, b]);
    const later = await model.mapsFor([CLASSES + 1, 4, CLASSES]);
    const direct = await model.infer(photo(2), { extraClasses: [CLASSES, CLASSES + 1, 4], topK: 1, keepMaps: true });
    const n = direct.maps.width * direct.maps.height;
    [CLASSES + 1, 4, CLASSES].forEach((c, i) => {
      const want = mapOf(direct.maps, c);
      const got = later.data.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < n; j += 7) expect(got[j]).toBeCloseTo(want[j], 4);
    });
    expect(direct.taught.map((p) => p.name)).toEqual(['mug', 'cup']);
    await expect(model.mapsFor([CLASSES + 2])).rejects.toThrow(`class ${CLASSES + 2} is not one of its classes 0-${CLASSES + 1}`);
    expect(() => model.setHeads([{ name: 'short', weights: new Float32Array(f - 1), bias: 0 }])).toThrow(/has 7|weights, tiny DRN-C has/);

    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      model.setHeads(i % 2 ? [a] : [a, b]);
      await model.infer(photo(3 + i), { topK: 1, extraClasses: [CLASSES], keepMaps: i % 2 === 0 });
      if (model.hasMaps()) await model.mapsFor([CLASSES, 0]);
    }
    model.setHeads([a, b]);
    await model.infer(photo(9), { topK: 1, extraClasses: [CLASSES], keepMaps: true });
    await model.mapsFor([CLASSES]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
