// The one public entry to a loaded network: photo in, top classes and their class maps out.
// Everything it returns is plain CPU data, so localization, drawing and export never touch tf.
import * as tf from '@tensorflow/tfjs';
import { toInputTensor, type InputTransform, type RGBAImage } from '../image/preprocess';
import type { LoadedPackage } from '../weights/load-package';
import type { ModelManifest } from '../weights/manifest';
import { classMaps } from './forward';
import { buildPlan, type Plan } from './plan';

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
  /** Per cell, the class with the largest activation over all classes. */
  winner: Int32Array;
}

export interface Prediction {
  index: number;
  name: string;
  logit: number;
  probability: number;
}

export interface Inference {
  top: Prediction[];
  maps: ClassMaps;
  logits: Float32Array;
  transform: InputTransform;
  backend: string;
  /** Wall time from photo to maps on the CPU. */
  ms: number;
}

export interface InferOptions {
  /** How many top classes to return (default 5). */
  topK?: number;
  /** Classes whose maps are wanted besides the top ones (e.g. the ground truth). */
  extraClasses?: number[];
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

export class LensModel {
  readonly manifest: ModelManifest;
  readonly plan: Plan;
  private weights: Map<string, tf.Tensor>;

  constructor(pkg: LoadedPackage) {
    this.manifest = pkg.manifest;
    this.plan = buildPlan(pkg.manifest.architecture);
    this.weights = pkg.weights;
  }

  async infer(image: RGBAImage, options: InferOptions = {}): Promise<Inference> {
    const start = performance.now();
    const k = Math.min(options.topK ?? 5, this.manifest.classes.length);
    const { input, transform } = toInputTensor(image, this.manifest.preprocessing);
    const maps = classMaps(this.plan, this.weights, input);
    input.dispose();
    try {
      const [h, w, n] = maps.shape.slice(1) as [number, number, number];
      const logitsT = tf.tidy(() => tf.mean(maps, [0, 1, 2]));
      const winnerT = tf.tidy(() => tf.argMax(maps, 3).reshape([-1]));
      const logits = (await logitsT.data()) as Float32Array;
      logitsT.dispose();
      const probs = softmax(logits);
      const topIdx = topK(logits, k);
      const wanted = [...topIdx, ...(options.extraClasses ?? []).filter((c) => !topIdx.includes(c) && c >= 0 && c < n)];
      const planesT = tf.tidy(() => tf.transpose(tf.gather(maps.reshape([h * w, n]), wanted, 1)));
      const [planes, winner] = await Promise.all([planesT.data(), winnerT.data()]);
      tf.dispose([planesT, winnerT]);
      return {
        top: topIdx.map((index) => ({ index, name: this.manifest.classes[index], logit: logits[index], probability: probs[index] })),
        maps: { width: w, height: h, cellSize: transform.inputSize / w, classes: wanted, data: planes as Float32Array, winner: winner as Int32Array },
        logits,
        transform,
        backend: tf.getBackend(),
        ms: performance.now() - start,
      };
    } finally {
      maps.dispose();
    }
  }

  dispose(): void {
    tf.dispose([...this.weights.values()]);
    this.weights.clear();
  }
}
