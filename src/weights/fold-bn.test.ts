import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm, oihwToHwio } from './fold-bn';
import { kerasNames } from './keras-resnet50';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rand = (n: number, seed: number, lo = -1, hi = 1) => tf.randomUniform([n], lo, hi, 'float32', seed).dataSync() as Float32Array;

describe('batch norm folding', () => {
  it('equals conv followed by inference batch norm', () => {
    const [k, cin, cout] = [3, 4, 5];
    const kernel = rand(k * k * cin * cout, 1);
    const bias = rand(cout, 2);
    const bn = { gamma: rand(cout, 3), beta: rand(cout, 4), mean: rand(cout, 5), variance: rand(cout, 6, 0.1, 2), epsilon: 1e-3 };
    const x = tf.randomNormal([1, 6, 6, cin], 0, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.tensor4d(kernel, [k, k, cin, cout]);
    const reference = tf.tidy(() => {
      const y = tf.add(tf.conv2d(x, w, 1, 'same'), bias);
      return tf.add(tf.mul(tf.div(tf.sub(y, bn.mean), tf.sqrt(tf.add(bn.variance, bn.epsilon))), bn.gamma), bn.beta);
    });
    const f = foldBatchNorm(kernel, bias, bn);
    const folded = tf.add(tf.conv2d(x, tf.tensor4d(f.kernel, [k, k, cin, cout]), 1, 'same'), f.bias);
    const err = tf.max(tf.abs(tf.sub(reference, folded))).dataSync()[0];
    expect(err).toBeLessThan(1e-5);
  });

  it('moves PyTorch OIHW kernels to TF HWIO', () => {
    // w[o][i][y][x] = 1000o + 100i + 10y + x
    const [o, i, h, w] = [2, 3, 2, 2];
    const src = Float32Array.from({ length: o * i * h * w }, (_, n) => {
      const x = n % w,
        y = Math.floor(n / w) % h,
        ii = Math.floor(n / (w * h)) % i,
        oo = Math.floor(n / (w * h * i));
      return 1000 * oo + 100 * ii + 10 * y + x;
    });
    const out = oihwToHwio(src, [o, i, h, w]);
    // HWIO index of (y=1, x=0, i=2, o=1)
    expect(out[((1 * w + 0) * i + 2) * o + 1]).toBe(1000 + 200 + 10 + 0);
  });
});

describe('Keras ResNet-50 names', () => {
  it('maps torchvision-style names to Keras layers', () => {
    expect(kerasNames('conv1')).toEqual({ conv: 'conv1', bn: 'bn_conv1' });
    expect(kerasNames('layer1.0.conv1')).toEqual({ conv: 'res2a_branch2a', bn: 'bn2a_branch2a' });
    expect(kerasNames('layer3.5.conv3')).toEqual({ conv: 'res4f_branch2c', bn: 'bn4f_branch2c' });
    expect(kerasNames('layer4.0.downsample.0')).toEqual({ conv: 'res5a_branch1', bn: 'bn5a_branch1' });
    expect(kerasNames('fc')).toEqual({ conv: 'fc1000', bn: null });
  });
});
