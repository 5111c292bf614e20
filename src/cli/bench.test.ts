import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TORCH_IMAGENET } from '../image/geometry';
import { ARCHITECTURES, narrowed } from '../models/architectures';
import { LensModel } from '../models/lens-model';
import { randomWeights } from '../models/random-weights';
import { FORMAT } from '../weights/manifest';
import { benchOne } from './bench';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tiny(): LensModel {
  const arch = narrowed({ ...ARCHITECTURES.resnet_18, numClasses: 10 }, 4);
  return new LensModel({
    manifest: {
      format: FORMAT,
      id: 'tiny resnet',
      title: 'tiny',
      architecture: arch,
      preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'stretch', size: 224 } },
      classes: Array.from({ length: 10 }, (_, i) => `c${i}`),
      provenance: 'test',
      license: 'none',
      weightsManifest: [],
      files: [],
    },
    weights: randomWeights(arch, 5),
  });
}

describe('bench', () => {
  it('reports the split of each run and no tensor growth over 25 runs', async () => {
    const image = { width: 240, height: 200, data: new Uint8Array(240 * 200 * 4).map((_, i) => (i * 37) % 256) };
    const before = tf.memory().numTensors;
    const row = await benchOne(async () => tiny(), image, { runs: 25, backend: 'cpu', options: { extraClasses: [3] }, profile: true });
    expect(row.runs).toBe(25);
    expect(row.tensorGrowth).toBe(0);
    expect(row.kernelMs).toBeNull();
    expect(row.maps).toBe('7x7');
    for (const v of Object.values(row.split)) expect(v).toBeGreaterThanOrEqual(0);
    expect(row.split.forward + row.split.preprocess).toBeLessThanOrEqual(row.medianMs * 1.5 + 1);
    // The profile names the network's kernels: 21 convolutions (20 in the plan + the classifier).
    expect(row.profile!.byName.find((k) => k.name === 'FusedConv2D')?.count).toBe(21);
    expect(row.profile!.kernels).toBeGreaterThan(21);
    expect(row.profile!.dispatches).toBeNull(); // counted on WebGPU only
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
