// The WebGPU kernels against tfjs's own ops, on Dawn (dawn.testkit.ts; CI installs it). Where Dawn
// cannot start, these cases run on the cpu backend (tfjs's own ops, the semantics the kernels
// must match), and e2e/webgpu.spec.ts still runs the kernels on Chromium's WebGPU.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { startDawn } from './dawn.testkit';
import { addRelu, topKIndices } from './webgpu-kernels';

const dawn = (await startDawn('the WebGPU kernels (run on the cpu backend instead)')).ok;
if (!dawn) await tf.setBackend('cpu');

/** The k best by value (larger first), ties to the lower index. */
function expectedTopK(values: number[], k: number): number[] {
  return values
    .map((v, i) => [v, i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

const CASES: [string, number[]][] = [
  ['distinct values', Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453))],
  ['many ties', Array.from({ length: 1000 }, (_, i) => (i % 7 === 3 ? 5 : i % 11))],
  ['infinities', [3, 7, 7, -Infinity, Infinity, 0, 2, 7, 1, 4]],
  ['more values than threads', Array.from({ length: 4097 }, (_, i) => Math.cos(i))],
];

describe(`top-k and add+ReLU on ${dawn ? 'WebGPU (Dawn)' : 'cpu'}`, () => {
  it.each(CASES)('selects the top k in order: %s', async (_, values) => {
    for (const k of [1, 5, 8]) {
      const t = tf.tensor1d(values);
      const got = topKIndices(t, k);
      expect(Array.from(await got.data())).toEqual(expectedTopK(values, k));
      tf.dispose([t, got]);
    }
  });

  it('adds and rectifies, also past one dispatch dimension (65535 workgroups)', async () => {
    for (const shape of [
      [1, 7, 7, 5],
      [1, 56, 56, 2048],
    ]) {
      const [a, b] = [tf.randomNormal(shape, 0, 1, 'float32', 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];
      const got = addRelu(a, b);
      const want = tf.relu(tf.add(a, b));
      expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
      tf.dispose([a, b, got, want]);
    }
  }, 120_000);
});
