// Batch norm folding and kernel layout conversion: pure typed-array math, shared by the Keras
// converter and the PyTorch checkpoint importer.

export interface BatchNorm {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/**
 * conv (HWIO kernel, optional bias) followed by inference-mode batch norm, as one conv:
 * w' = w * g / sqrt(v + eps) per output channel, b' = (b - m) * g / sqrt(v + eps) + beta.
 * Computed in float64 so folding adds no error beyond the final rounding.
 */
export function foldBatchNorm(kernel: Float32Array, bias: Float32Array | null, bn: BatchNorm): { kernel: Float32Array; bias: Float32Array } {
  const cout = bn.gamma.length;
  if (kernel.length % cout !== 0) throw new Error(`kernel of ${kernel.length} values cannot have ${cout} output channels`);
  const scale = Array.from(bn.gamma, (g, o) => g / Math.sqrt(bn.variance[o] + bn.epsilon));
  const k = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) k[i] = kernel[i] * scale[i % cout];
  const b = new Float32Array(cout);
  for (let o = 0; o < cout; o++) b[o] = ((bias ? bias[o] : 0) - bn.mean[o]) * scale[o] + bn.beta[o];
  return { kernel: k, bias: b };
}

/** PyTorch's [out, in, kh, kw] to TF's [kh, kw, in, out]. */
export function oihwToHwio(w: Float32Array, [o, i, h, ww]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++) for (let x = 0; x < ww; x++) out[((y * ww + x) * i + b) * o + a] = w[((a * i + b) * h + y) * ww + x];
  return out;
}
