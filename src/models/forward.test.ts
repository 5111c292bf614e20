import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed, type ArchConfig } from './architectures';
import { backbone, classify, pooledLogits } from './forward';
import { buildPlan } from './plan';
import { randomWeights } from './random-weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
function maxAbs(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
}

describe('forward pass', () => {
  it('gives 28x28 maps for every DRN and 7x7 for every ResNet on a 224x224 input', () => {
    const input = tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    for (const [name, full] of Object.entries(ARCHITECTURES)) {
      const arch = narrowed({ ...full, numClasses: 10 }, 16);
      const w = randomWeights(arch);
      const plan = buildPlan(arch);
      const maps = tf.tidy(() => classify(plan, w, backbone(plan, w, input)));
      expect(maps.shape, name).toEqual(name.startsWith('resnet') ? [1, 7, 7, 10] : [1, 28, 28, 10]);
      tf.dispose([maps, ...w.values()]);
    }
    input.dispose();
  });

  it('makes the logits the spatial mean of the class maps', () => {
    const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: 20 }, 8);
    const w = randomWeights(arch, 3);
    const plan = buildPlan(arch);
    const input = tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const feats = backbone(plan, w, input);
    const viaMaps = tf.mean(classify(plan, w, feats), [0, 1, 2]);
    const viaPool = pooledLogits(plan, w, feats);
    expect(maxAbsDiff(viaMaps, viaPool)).toBeLessThan(1e-4 * maxAbs(viaPool));
    tf.dispose([input, feats, viaMaps, viaPool, ...w.values()]);
  });

  it("frees each unit's activations as the pass goes, and a failed pass frees all it made", async () => {
    const arch = narrowed({ ...ARCHITECTURES.drn_a_50, numClasses: 10 }, 16);
    const w = randomWeights(arch, 2);
    const plan = buildPlan(arch);
    const input = tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numBytes;
    let feats: tf.Tensor | null = null;
    const info = await tf.profile(() => {
      feats = backbone(plan, w, input);
    });
    // Every op's output, summed: what one tidy around the pass kept alive until its end.
    const made = info.kernels.reduce((n, k) => n + k.outputShapes.reduce((m, s) => m + 4 * s.reduce((a, b) => a * b, 1), 0), 0);
    expect(info.peakBytes - before).toBeLessThan(made / 8);
    expect(tf.memory().numBytes - before).toBe(feats!.size * 4);
    tf.dispose(feats!);
    const tensors = tf.memory().numTensors;
    // The last unit's weights missing: the pass fails after all the others ran.
    const last = plan.units.at(-1)!;
    const broken = new Map(w);
    broken.delete(`${last.type === 'conv' ? last.conv.name : last.convs[0].name}.kernel`);
    expect(() => backbone(plan, broken, input)).toThrow(/missing tensor/);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([input, ...w.values()]);
  });

  // The claim DRN-A rests on: removing a stride and dilating what follows computes the strided
  // network's features at every 4th cell, and new ones in between.
  const pairs: [string, ArchConfig, ArchConfig][] = [
    ['ResNet-50 (stride in 1x1, Keras)', { ...ARCHITECTURES.resnet_50, strideIn: '1x1' }, { ...ARCHITECTURES.drn_a_50, strideIn: '1x1' }],
    ['ResNet-50 (stride in 3x3, torchvision)', ARCHITECTURES.resnet_50, ARCHITECTURES.drn_a_50],
    ['ResNet-18', ARCHITECTURES.resnet_18, ARCHITECTURES.drn_a_18],
  ];
  for (const [label, resnet, drn] of pairs) {
    it(`DRN-A equals ${label} on the strided grid`, () => {
      const a = narrowed({ ...resnet, numClasses: 8 }, 8);
      const b = narrowed({ ...drn, numClasses: 8 }, 8);
      const w = randomWeights(a, 11); // same tensor names and shapes in both topologies
      const input = tf.randomNormal([1, 96, 96, 3], 0, 1, 'float32', 13) as tf.Tensor4D;
      const fr = backbone(buildPlan(a), w, input);
      const fd = backbone(buildPlan(b), w, input);
      expect(fr.shape.slice(1, 3)).toEqual([3, 3]);
      expect(fd.shape.slice(1, 3)).toEqual([12, 12]);
      const sub = tf.stridedSlice(fd, [0, 0, 0, 0], [1, 12, 12, fd.shape[3]], [1, 4, 4, 1]);
      expect(maxAbsDiff(sub, fr)).toBeLessThan(1e-4 * maxAbs(fr));
      // ...and the cells in between are not copies of their neighbours.
      const shifted = tf.stridedSlice(fd, [0, 1, 1, 0], [1, 12, 12, fd.shape[3]], [1, 4, 4, 1]);
      expect(maxAbsDiff(shifted, fr)).toBeGreaterThan(1e-2 * maxAbs(fr));
      tf.dispose([input, fr, fd, sub, shifted, ...w.values()]);
    });
  }
});
