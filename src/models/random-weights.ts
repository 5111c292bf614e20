// Seeded random package tensors for any architecture: for tests and benchmarks that need a
// network of the right shape but no trained weights.
import * as tf from '@tensorflow/tfjs';
import type { ArchConfig } from './architectures';
import { foldedShapes } from './plan';

export function randomWeights(arch: ArchConfig, seed = 1): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  foldedShapes(arch).forEach((t, i) => {
    if (t.name.endsWith('.bias')) {
      out.set(t.name, tf.randomUniform(t.shape, -0.1, 0.1, 'float32', seed + i));
    } else {
      // He initialisation keeps activations in range through deep residual stacks.
      const fanIn = t.shape[0] * t.shape[1] * t.shape[2];
      out.set(t.name, tf.randomNormal(t.shape, 0, Math.sqrt(1 / fanIn), 'float32', seed + i));
    }
  });
  return out;
}
