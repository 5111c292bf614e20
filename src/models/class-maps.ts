// What a forward pass returns, as plain CPU data, and the helpers that read it. tfjs-free, so
// localization, drawing and the page's main thread never load tfjs.
import type { InputTransform } from '../image/geometry';

/** Class activation maps on the network's output grid. */
export interface ClassMaps {
  width: number;
  height: number;
  /** Input pixels per map cell (the output stride: 8 for DRN, 32 for ResNet). */
  cellSize: number;
  /** Class index of each plane in `data`. */
  classes: number[];
  /** classes.length planes of height*width raw activations (pre-softmax), row-major. */
  data: Float32Array;
  /** Per cell, the class with the largest activation over all classes; empty when InferOptions.winner is false. */
  winner: Int32Array;
}

export interface Prediction {
  index: number;
  name: string;
  logit: number;
  probability: number;
}

/** A taught class: one linear head (a 1x1 conv channel) on the backbone's final features. */
export interface HeadWeights {
  name: string;
  /** One per feature channel (F). */
  weights: Float32Array;
  bias: number;
}

/** A taught class's verdict on a photo: its logit is the spatial mean of its map. */
export interface TaughtPrediction {
  /** Its class index: the ImageNet classes' count + its place in LensModel.setHeads. */
  index: number;
  name: string;
  logit: number;
  /** sigmoid(logit): a taught class competes with nothing, unlike the softmax over ImageNet. */
  probability: number;
  /** The decision rule: logit > 0 (probability > 0.5). */
  present: boolean;
}

export interface Inference {
  /** The top ImageNet classes (softmax over them only; the taught classes are in `taught`). */
  top: Prediction[];
  maps: ClassMaps;
  /** Every head set with LensModel.setHeads, in order. */
  taught: TaughtPrediction[];
  /** The backbone's pooled features (F numbers), when InferOptions.pooled asks: what a taught class is trained on. */
  pooled?: Float32Array;
  logits: Float32Array;
  transform: InputTransform;
  backend: string;
  /** On WebGPU: the run replayed a captured command sequence (webgpu-replay.ts) rather than going op by op. */
  replayed?: boolean;
  /** Wall time from photo to maps on the CPU. */
  ms: number;
}

export interface InferOptions {
  /** How many top classes to return (default 5). */
  topK?: number;
  /** Classes whose maps are wanted besides the top ones (e.g. the ground truth; taught classes too). */
  extraClasses?: number[];
  /** Compute the winner grid (default true); only the paper's box rule and the read-out need it. */
  winner?: boolean;
  /** Keep the photo's features on the backend for LensModel.mapsFor (any class) until the next infer (default false). */
  keepMaps?: boolean;
  /** Return the pooled features (Inference.pooled), e.g. for a taught example (default false). */
  pooled?: boolean;
  /** Network input side in pixels (a multiple of 32, 224-896; default: the model's own). */
  size?: number;
  /** Average the maps over a horizontal flip of the input (default false). */
  flip?: boolean;
}

/** Some classes' planes of the last photo's maps, laid out as ClassMaps.data. */
export interface MapPlanes {
  classes: number[];
  data: Float32Array;
}

export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function topK(values: Float32Array, k: number): number[] {
  return Array.from(values.keys()).sort((a, b) => values[b] - values[a]).slice(0, k);
}

/** One plane of a ClassMaps by class index. */
export function mapOf(maps: ClassMaps, classIndex: number): Float32Array {
  const i = maps.classes.indexOf(classIndex);
  if (i < 0) throw new Error(`no map for class ${classIndex}`);
  const n = maps.width * maps.height;
  return maps.data.subarray(i * n, (i + 1) * n);
}
