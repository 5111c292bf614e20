// The one public entry to a loaded network: photo in, top classes and their class maps out.
// Everything it returns is plain CPU data, so localization, drawing and export never touch tf.
import * as tf from '@tensorflow/tfjs';
import type { RGBAImage } from '../image/geometry';
import { toInputTensor } from '../image/preprocess';
import type { LoadedPackage, ModelManifest } from './package';
import { classMaps } from './forward';
import { buildPlan, type Plan } from './plan';
import { softmax, topK, type InferOptions, type Inference } from './class-maps';

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
