// The worker's taught-class calls (issue 18) on a tiny random network on tfjs's cpu backend:
// embed, train, setHeads; the taught class as a class like any other in infer and maps, also for a
// head set after the photo ran, kept across a backend switch, with a flat tensor count.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TORCH_IMAGENET, type RGBAImage } from '../../image/geometry';
import { ARCHITECTURES, narrowed } from '../../models/architectures';
import { mapOf } from '../../models/class-maps';
import { randomWeights } from '../../models/random-weights';
import { memorySource, pack, type NamedArray, type PackedModel } from '../../weights/pack';
import { createInferenceCore } from './inference-core';
import type { CallName, Calls, Request, WorkerMessage } from './protocol';
import { patternImage } from '../../image/test-images.testkit';

const CLASSES = 6;
const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: CLASSES }, 8);
let pkg: PackedModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const weights = randomWeights(arch, 3);
  const tensors: NamedArray[] = [...weights].map(([name, t]) => ({ name, shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose([...weights.values()]);
  pkg = await pack(
    {
      id: 'tiny',
      title: 'tiny',
      architecture: arch,
      classes: Array.from({ length: CLASSES }, (_, i) => `class ${i}`),
      provenance: 'test',
      license: 'none',
      preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
    },
    tensors,
  );
});

const photo = (seed: number): RGBAImage => patternImage(96, 80, seed);

function harness() {
  const messages: WorkerMessage[] = [];
  const core = createInferenceCore({
    post: (m, transfer) => void messages.push(structuredClone(m, { transfer })),
    startBackend: async () => ({ name: 'cpu', device: 'plain JavaScript', software: false, notes: [] }),
    webgpuDevice: () => null,
    removeBackend: () => {},
    byteSource: () => memorySource(pkg),
  });
  let id = 0;
  const call = async <K extends CallName>(k: K, args: Calls[K]['args']): Promise<Calls[K]['result']> => {
    const n = ++id;
    await core.receive({ id: n, call: k, args } as Request);
    const a = messages.find((m) => (m.type === 'ok' || m.type === 'error') && m.id === n) as Extract<WorkerMessage, { type: 'ok' | 'error' }>;
    if (a.type === 'error') throw new Error(a.message);
    return a.result as Calls[K]['result'];
  };
  return { call };
}

const infer = (image: RGBAImage, extraClasses: number[]) =>
  ({ key: 'tiny', image: { ...image, data: image.data.slice() }, topK: 2, extraClasses }) satisfies Calls['infer']['args'];

describe('taught classes in the worker', () => {
  it('embeds, trains and sets a head; the taught class is a class like any other, its logit the mean of its map', async () => {
    const w = harness();
    await w.call('init', { backend: 'cpu' });
    const info = await w.call('load', { key: 'tiny', source: { kind: 'url', manifestUrl: 'x' }, warmUp: false });
    expect(info.features).toBeGreaterThan(0);
    expect(info.backbone?.model).toBe('tiny');
    const positives = [await w.call('embed', { key: 'tiny', image: photo(1) }), await w.call('embed', { key: 'tiny', image: photo(2) })];
    expect(positives[0]).toHaveLength(info.features!);
    const negatives = [await w.call('embed', { key: 'tiny', image: photo(5) })];
    const trained = await w.call('train', { key: 'tiny', positives, negatives });
    expect(trained.weights).toHaveLength(info.features!);
    expect(trained.figures.positives).toBe(2);

    // A photo inferred before the head exists: the head is served from what was kept, no new pass.
    const before = await w.call('infer', infer(photo(1), []));
    await w.call('setHeads', { key: 'tiny', heads: [{ name: 'mine', ...trained }] });
    const planes = await w.call('maps', { key: 'tiny', classes: [CLASSES] });
    const plane = planes.data;
    const mean = plane.reduce((s, v) => s + v, 0) / plane.length;
    // Its logit from the pooled features (the same identity as the ImageNet classes' logits).
    const logit = positives[0].reduce((s, v, i) => s + v * trained.weights[i], trained.bias);
    expect(mean).toBeCloseTo(logit, 3);
    expect(before.maps.classes).not.toContain(CLASSES);

    // Asked for on the next photo, it comes back as a plane like any class.
    const after = await w.call('infer', infer(photo(2), [CLASSES]));
    const own = mapOf(after.maps, CLASSES);
    const logit2 = positives[1].reduce((s, v, i) => s + v * trained.weights[i], trained.bias);
    expect(own.reduce((s, v) => s + v, 0) / own.length).toBeCloseTo(logit2, 3);
  });

  it('keeps the heads across a backend switch and keeps the tensor count flat', async () => {
    const w = harness();
    await w.call('init', { backend: 'cpu' });
    await w.call('load', { key: 'tiny', source: { kind: 'url', manifestUrl: 'x' }, warmUp: false });
    const f = await w.call('embed', { key: 'tiny', image: photo(1) });
    const head = { name: 'mine', weights: f.map((v) => v / 100), bias: -0.5 };
    await w.call('setHeads', { key: 'tiny', heads: [head] });
    await w.call('init', { backend: 'cpu' });
    const r = await w.call('infer', infer(photo(3), [CLASSES]));
    expect(r.maps.classes).toContain(CLASSES);
    let first = 0;
    for (let i = 0; i < 4; i++) {
      await w.call('embed', { key: 'tiny', image: photo(i) });
      await w.call('setHeads', { key: 'tiny', heads: [head, { ...head, name: `other ${i}` }] });
      await w.call('infer', infer(photo(i), [CLASSES, CLASSES + 1]));
      await w.call('maps', { key: 'tiny', classes: [CLASSES + 1] });
      const n = (await w.call('memory', {})).numTensors;
      if (i === 0) first = n;
      else expect(n).toBe(first);
    }
  });
});
