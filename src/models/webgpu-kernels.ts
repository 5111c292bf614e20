// Two steps of `infer` as one WebGPU dispatch each, with tfjs's own ops on every other backend.
// On a GPU, each dispatch costs the CPU more to encode (70-150 us in tfjs through Dawn, measured on
// the device machines' CPUs) than the GPU to run, and DRN-A-50's GPU kernels take ~5 ms in all:
// dispatches are what `infer` pays for.
// - top-k: tfjs's TopK is a bitonic sort of ~35 dispatches for 1000 classes; one workgroup that
//   selects the k best in k rounds of a shared-memory reduction does it in one.
// - a residual block's sum and ReLU: two dispatches in tfjs (Add, then Relu), one here.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const THREADS = 256;

/** Order: larger value first, then lower index, as tf.topk. NaNs are never selected. */
class SelectTopK implements WebGPUProgram {
  variableNames = ['x'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  private readonly k: number;

  constructor(k: number) {
    this.k = k;
    this.outputShape = [k];
    this.shaderKey = `drnLensSelectTopK_${k}`;
  }

  getUserCode(): string {
    return `
      var<workgroup> bestValue : array<f32, ${THREADS}>;
      var<workgroup> bestIndex : array<i32, ${THREADS}>;

      // (v, i) comes before (w, j) in the output; j < 0 is 'nothing yet'.
      fn before(v : f32, i : i32, w : f32, j : i32) -> bool {
        return j < 0 || v > w || (v == w && i < j);
      }

      fn main(index : i32) {
        let n = uniforms.xShape;
        let t = i32(localId.x);
        var lastValue = uniforms.INFINITY;
        var lastIndex = -1;
        for (var r = 0; r < ${this.k}; r++) {
          // Each thread's best among the values that come after the last one chosen.
          var v = 0.0;
          var i = -1;
          for (var j = t; j < n; j += ${THREADS}) {
            let xj = x[j];
            if (before(lastValue, lastIndex, xj, j) && before(xj, j, v, i)) {
              v = xj;
              i = j;
            }
          }
          bestValue[t] = v;
          bestIndex[t] = i;
          workgroupBarrier();
          for (var span = ${THREADS / 2}; span > 0; span = span / 2) {
            if (t < span && bestIndex[t + span] >= 0 && before(bestValue[t + span], bestIndex[t + span], bestValue[t], bestIndex[t])) {
              bestValue[t] = bestValue[t + span];
              bestIndex[t] = bestIndex[t + span];
            }
            workgroupBarrier();
          }
          lastValue = bestValue[0];
          lastIndex = bestIndex[0];
          if (t == 0) {
            result[r] = lastIndex;
          }
          workgroupBarrier();
        }
      }
    `;
  }
}

class AddRelu implements WebGPUProgram {
  variableNames = ['a', 'b'];
  outputShape: number[];
  shaderKey = 'drnLensAddRelu';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    // tfjs folds a dispatch wider than the device allows into 2-D before it runs.
    this.dispatch = [Math.ceil(shape.reduce((a, b) => a * b, 1) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = max(a[index] + b[index], 0.0);
        }
      }
    `;
  }
}

function onWebGpu(): WebGPUBackend | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
}

/** relu(a + b) for two float tensors of the same shape. */
export function addRelu<T extends tf.Tensor>(a: T, b: T): T {
  const gpu = onWebGpu();
  // The kernel reads both at the same flat index: broadcasting is left to tfjs.
  if (!gpu || a.shape.join() !== b.shape.join()) return tf.relu(tf.add(a, b));
  return tf.engine().makeTensorFromTensorInfo(gpu.runWebGPUProgram(new AddRelu(a.shape), [a, b], 'float32')) as T;
}

/** int32 indices [k] of the k largest values of a 1-D float tensor. */
export function topKIndices(values: tf.Tensor1D, k: number): tf.Tensor1D {
  const gpu = onWebGpu();
  if (!gpu) return tf.topk(values, k).indices;
  return tf.engine().makeTensorFromTensorInfo(gpu.runWebGPUProgram(new SelectTopK(k), [values], 'int32')) as tf.Tensor1D;
}
