// Replayed WebGPU runs against the same runs op by op through tfjs. They run the same shaders on
// the same data, so they must agree exactly. They need Dawn (dawn.testkit.ts), which CI installs;
// where it cannot start they are skipped, and e2e/webgpu.spec.ts still compares a replayed page
// run with wasm in Chromium.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TORCH_IMAGENET, type RGBAImage } from '../image/geometry';
import type { ModelManifest } from '../weights/manifest';
import { ARCHITECTURES, narrowed } from './architectures';
import { mapOf, type Inference, type InferOptions } from './class-maps';
import { LensModel } from './lens-model';
import { randomWeights } from './random-weights';
import { startDawn } from './dawn.testkit';
import { capture, ReplayArena, replayUnsupported } from './webgpu-replay';
import { patternImage as photo } from '../image/test-images.testkit';

const dawn = (await startDawn('the WebGPU replay tests')).ok;

const CLASSES = 12;

function tinyModel(): LensModel {
  const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: CLASSES }, 8);
  const manifest: ModelManifest = {
    format: 'drn-lens-model/1',
    id: 'tiny',
    title: 'tiny DRN-C',
    architecture: arch,
    preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 72, crop: 64 } },
    classes: Array.from({ length: CLASSES }, (_, i) => `class ${i}`),
    provenance: 'test',
    license: 'none',
    weightsManifest: [],
    files: [],
  };
  return new LensModel({ manifest, weights: randomWeights(arch, 5) });
}


function same(a: Inference, b: Inference): void {
  expect(a.top.map((t) => t.index)).toEqual(b.top.map((t) => t.index));
  expect(Array.from(a.logits)).toEqual(Array.from(b.logits));
  expect(a.maps.classes).toEqual(b.maps.classes);
  expect(Array.from(a.maps.data)).toEqual(Array.from(b.maps.data));
  expect(Array.from(a.maps.winner)).toEqual(Array.from(b.maps.winner));
}

describe.skipIf(!dawn)('WebGPU replay (Dawn)', () => {
  // Made before the tests, not while they are collected: a skipped suite's body still runs, and
  // without Dawn no tfjs backend has started then.
  let replayed: LensModel;
  let opByOp: LensModel;
  beforeAll(() => {
    replayed = tinyModel();
    opByOp = tinyModel();
    opByOp.replay = false;
  });
  afterAll(() => {
    replayed.dispose();
    opByOp.dispose();
  });

  /** The same infer both ways; the replaying model's second run of a kind is a replay. */
  async function both(image: RGBAImage, options: InferOptions): Promise<[Inference, Inference]> {
    const a = await replayed.infer(image, options);
    return [a, await opByOp.infer(image, options)];
  }

  it('replays the second run of a kind, with the same results as op by op', async () => {
    expect(replayUnsupported(tf.backend())).toBeNull();
    await replayed.infer(photo(300, 240, 1), {});
    expect(replayed.lastSplit.replayed).toBe(false);
    for (const seed of [2, 3]) {
      const [a, b] = await both(photo(300, 240, seed), {});
      expect(replayed.lastSplit.replayed).toBe(true);
      same(a, b);
    }
  }, 60_000);

  it('takes the extra classes as an input, so other classes of the same count replay correctly', async () => {
    await replayed.infer(photo(200, 260, 1), { topK: 2, extraClasses: [7, 9], winner: false });
    for (const extraClasses of [[3, 11], [0, 5]]) {
      const [a, b] = await both(photo(200, 260, 4), { topK: 2, extraClasses, winner: false });
      expect(replayed.lastSplit.replayed).toBe(true);
      same(a, b);
      expect(a.maps.classes.slice(2)).toEqual(extraClasses.filter((c) => !a.maps.classes.slice(0, 2).includes(c)));
    }
  }, 60_000);

  it('keeps its runs apart: sizes and flip interleaved share the arena and still agree', async () => {
    const kinds: InferOptions[] = [{ size: 224 }, { flip: true }, {}, { topK: 3, flip: true }];
    for (const round of [1, 2])
      for (const options of kinds) {
        const [a, b] = await both(photo(320, 250, 10 + round), options);
        if (round === 2) expect(replayed.lastSplit.replayed).toBe(true);
        same(a, b);
      }
  }, 120_000);

  it('hands the kept maps to tfjs: mapsFor after a replay is the op-by-op one', async () => {
    await replayed.infer(photo(240, 240, 1), { keepMaps: true });
    await both(photo(240, 240, 6), { keepMaps: true });
    expect(replayed.lastSplit.replayed).toBe(true);
    const classes = [0, 4, 11];
    const [a, b] = [await replayed.mapsFor(classes), await opByOp.mapsFor(classes)];
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    // A run that keeps nothing (a folder's image) leaves the photo's kept maps alone.
    await replayed.infer(photo(240, 240, 8), {});
    expect(replayed.lastSplit.replayed).toBe(true);
    expect(Array.from((await replayed.mapsFor(classes)).data)).toEqual(Array.from(a.data));
  }, 60_000);

  it('serves taught heads as op by op does: logit = mean of its map, a head set after a replay planed from the kept features', async () => {
    const f = replayed.featureCount;
    const mug = { name: 'mug', weights: Float32Array.from({ length: f }, (_, i) => Math.sin(i * 0.7) * 0.3), bias: 0.1 };
    const cup = { name: 'cup', weights: Float32Array.from({ length: f }, (_, i) => Math.cos(i * 1.3) * 0.2), bias: -0.2 };
    for (const m of [replayed, opByOp]) m.setHeads([mug]);
    const options: InferOptions = { topK: 2, extraClasses: [CLASSES], keepMaps: true, pooled: true };
    await replayed.infer(photo(256, 256, 1), options);
    const [a, b] = await both(photo(256, 256, 12), options);
    expect(replayed.lastSplit.replayed).toBe(true);
    same(a, b);
    expect(Array.from(a.pooled!)).toEqual(Array.from(b.pooled!));
    expect(a.taught).toEqual(b.taught);
    const plane = mapOf(a.maps, CLASSES);
    const mean = plane.reduce((s, v) => s + v, 0) / plane.length;
    expect(Math.abs(mean - a.taught[0].logit)).toBeLessThan(1e-4 * Math.max(1, Math.abs(a.taught[0].logit)));
    // Taught after the photo: no network run, the same planes both ways, and a replay stays valid.
    for (const m of [replayed, opByOp]) m.setHeads([mug, cup]);
    const wanted = [CLASSES + 1, 3, CLASSES];
    const [p, q] = [await replayed.mapsFor(wanted), await opByOp.mapsFor(wanted)];
    expect(Array.from(p.data)).toEqual(Array.from(q.data));
    await both(photo(256, 256, 13), options);
    expect(replayed.lastSplit.replayed).toBe(true);
    for (const m of [replayed, opByOp]) m.setHeads([]);
  }, 60_000);

  it('leaks no tensors over 20 replays', async () => {
    const image = photo(300, 240, 7);
    await replayed.infer(image, { keepMaps: true });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await replayed.infer(image, { keepMaps: true });
    expect(replayed.lastSplit.replayed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  // Large enough that tfjs runs their ops on the GPU (it hands small ones with CPU data to the CPU).
  const N = 4096;
  const ramp = (scale: number) => Float32Array.from({ length: N }, (_, i) => scale * i);

  it('refuses what it cannot replay, and still returns the run', async () => {
    const gpu = tf.backend() as unknown as WebGPUBackend;
    const arena = new ReplayArena(gpu.device);
    const x = tf.tensor1d(ramp(1));
    const hidden = tf.tensor1d(ramp(10));
    await tf.add(hidden, hidden).data(); // on the GPU, but not declared lasting
    const c = capture(gpu, arena, [x], [], () => [tf.add(tf.mul(x, 2), hidden)]);
    expect(c.graph).toBeNull();
    expect(c.refused).toMatch(/neither an input, a constant, an intermediate nor a lasting tensor/);
    expect(Array.from(await c.outputs[0].data())).toEqual(Array.from(ramp(12)));
    const unused = tf.tensor1d(ramp(1));
    const ok = capture(gpu, arena, [unused], [hidden], () => [tf.add(tf.mul(tf.tensor1d(ramp(3)), 2), hidden)]);
    expect(ok.refused).toMatch(/an input was never read on the GPU/);
    tf.dispose([x, hidden, unused, ...c.outputs, ...ok.outputs]);
    arena.dispose();
  });

  it('replays a small graph with new inputs, and rejects inputs of another size than captured', async () => {
    const gpu = tf.backend() as unknown as WebGPUBackend;
    const arena = new ReplayArena(gpu.device);
    const x = tf.tensor1d(ramp(1));
    const w = tf.tensor1d(ramp(0).fill(1));
    await tf.add(w, w).data();
    const c = capture(gpu, arena, [x], [w], () => [tf.mul(tf.add(x, w), 3)]);
    expect(c.refused).toBeUndefined();
    expect(Array.from(await c.outputs[0].data())).toEqual(Array.from(ramp(1), (v) => 3 * (v + 1)));
    expect(Array.from((await c.graph!.run([ramp(2)])).data)).toEqual(Array.from(ramp(2), (v) => 3 * (v + 1)));
    await expect(c.graph!.run([Float32Array.of(1, 2)])).rejects.toThrow(/captured with 16384/);
    c.graph!.dispose();
    tf.dispose([x, w, ...c.outputs]);
    arena.dispose();
  });
});
