// The forward pass for any Plan. Batch norm is already folded into each conv, so every conv
// is one fused conv + bias (+ ReLU) op, which is what the wasm/WebGL/WebGPU kernels are fastest at.
import * as tf from '@tensorflow/tfjs';
import type { ConvDef, Plan } from './plan';
import { addRelu } from './webgpu-kernels';

export type NamedTensors = ReadonlyMap<string, tf.Tensor>;

function get(weights: NamedTensors, name: string): tf.Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`missing tensor ${name}`);
  return t;
}

function conv(x: tf.Tensor4D, c: ConvDef, w: NamedTensors, relu: boolean): tf.Tensor4D {
  if (c.k === 1 && c.stride === 1 && tf.getBackend() === 'wasm') return pointwise(x, c, w, relu);
  return tf.fused.conv2d({
    x,
    filter: get(w, `${c.name}.kernel`) as tf.Tensor4D,
    bias: get(w, `${c.name}.bias`),
    strides: c.stride,
    // PyTorch's symmetric padding; TF's 'same' pads stride-2 convs asymmetrically.
    pad: (c.dilation * (c.k - 1)) / 2,
    dilations: c.dilation,
    activation: relu ? 'relu' : 'linear',
  });
}

/**
 * A 1x1 stride-1 conv as a matrix product, on wasm only. Same arithmetic (XNNPACK's GEMM either
 * way), but tfjs-backend-wasm's conv2d first transposes each filter with a one-element-at-a-time
 * loop when it builds the XNNPACK operator (the first run), while its matMul hands the [in, out]
 * filter to XNNPACK as it is. Half of a ResNet's weights are 1x1: this takes about a quarter off
 * the first run's set-up (docs/first-minute.md). The reshapes share the tensors' data, so the
 * operator, cached by the filter's data, is built once.
 */
function pointwise(x: tf.Tensor4D, c: ConvDef, w: NamedTensors, relu: boolean): tf.Tensor4D {
  const [n, h, width, cin] = x.shape;
  return tf.tidy(() =>
    tf.fused
      .matMul({
        a: x.reshape([n * h * width, cin]),
        b: get(w, `${c.name}.kernel`).reshape([cin, c.cout]),
        bias: get(w, `${c.name}.bias`),
        activation: relu ? 'relu' : 'linear',
      })
      .reshape([n, h, width, c.cout]),
  );
}

/**
 * Features before the classifier: [1, H/s, W/s, C]. Each unit's intermediates, and the unit's
 * input once its output exists, are freed as the pass goes, not at its end: one tidy around the
 * whole pass kept all of DRN-A-50's ~215 MB of activations alive at 224x224, and on wasm a first
 * run then grew the heap by that much, whose fresh pages cost 0.5-0.9 s of the first photo on the
 * benchmark machine (docs/first-minute.md). The caller's input is never freed.
 */
export function backbone(plan: Plan, w: NamedTensors, input: tf.Tensor4D): tf.Tensor4D {
  // The outer tidy still frees whatever a failed pass (a missing weight) left.
  return tf.tidy(() => {
    let x = input;
    const step = (f: (x: tf.Tensor4D) => tf.Tensor4D) => {
      const y = tf.tidy(() => f(x));
      if (x !== input) x.dispose();
      x = y;
    };
    step((x) => conv(x, plan.stem, w, true));
    if (plan.maxPool) step((x) => tf.maxPool(x, 3, 2, 1));
    for (const u of plan.units) {
      if (u.type === 'conv') {
        step((x) => conv(x, u.conv, w, true));
        continue;
      }
      step((x) => {
        let out = x;
        u.convs.forEach((c, i) => {
          out = conv(out, c, w, i < u.convs.length - 1);
        });
        return u.residual ? addRelu(out, u.downsample ? conv(x, u.downsample, w, false) : x) : tf.relu(out);
      });
    }
    return x;
  });
}

/** The 1x1 classifier, applied at every cell: features [1, h, w, C] -> class maps [1, h, w, K]. */
export function classify(plan: Plan, w: NamedTensors, features: tf.Tensor4D): tf.Tensor4D {
  return conv(features, plan.fc, w, false);
}

/**
 * Class activation maps [1, H/s, W/s, classes]. The logits are their spatial mean, because
 * global average pooling commutes with the 1x1 classifier.
 */
export function classMaps(plan: Plan, w: NamedTensors, input: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => classify(plan, w, backbone(plan, w, input)));
}

/** Logits by the textbook path (pool, then classify): the reference classMaps is tested against. */
export function pooledLogits(plan: Plan, w: NamedTensors, features: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => classify(plan, w, tf.mean(features, [1, 2], true)).reshape([-1]) as tf.Tensor1D);
}
