// The one public entry to a loaded network: photo in, top classes and their class maps out.
// Everything it returns is plain CPU data, so localization, drawing and export never touch tf.
import * as tf from '@tensorflow/tfjs';
import { resizeAt, type Preprocessing, type RGBAImage, type Resize } from '../image/geometry';
import { toInputTensor } from '../image/preprocess';
import type { LoadedPackage, ModelManifest } from './package';
import { classMaps } from './forward';
import { buildPlan, type Plan } from './plan';
import { softmax, type InferOptions, type Inference, type MapPlanes } from './class-maps';
import { topKIndices } from './webgpu-kernels';

/** Where infer's time went, in ms (wall clock on the calling thread). */
export interface InferSplit {
  /** Photo to input tensor: resized, cropped and normalized on the CPU (the upload happens in `forward` on GPU backends). */
  preprocess: number;
  /** Enqueueing the network (synchronous backends run it here). */
  forward: number;
  /** Logits, top-k, plane gather and winner, enqueued. */
  postprocess: number;
  /** Waiting for the one packed readback (asynchronous backends run the network here). */
  readback: number;
}

export class LensModel {
  readonly manifest: ModelManifest;
  readonly plan: Plan;
  private weights: Map<string, tf.Tensor>;
  /** All classes' maps [1, h, w, C] of the last photo inferred with keepMaps, for mapsFor. */
  private kept: tf.Tensor4D | null = null;
  /** The split of the last infer call. */
  lastSplit: InferSplit = { preprocess: 0, forward: 0, postprocess: 0, readback: 0 };

  constructor(pkg: LoadedPackage) {
    this.manifest = pkg.manifest;
    this.plan = buildPlan(pkg.manifest.architecture);
    this.weights = pkg.weights;
  }

  private preprocessing(size: number | undefined): Preprocessing {
    const prep = this.manifest.preprocessing;
    return size === undefined ? prep : { ...prep, resize: resizeAt(prep.resize, size) };
  }

  /** Class maps [1, h, w, C]; with flip, the mean of the photo's and its mirror's (mirrored back). */
  private forward(input: tf.Tensor4D, flip: boolean): tf.Tensor4D {
    if (!flip) return classMaps(this.plan, this.weights, input);
    return tf.tidy(() => {
      // One batch of two: the backend runs each conv once over both images.
      const both = classMaps(this.plan, this.weights, tf.concat([input, tf.reverse(input, 2)]));
      const [a, b] = tf.split(both, 2);
      return tf.mul(tf.add(a, tf.reverse(b, 2)), 0.5) as tf.Tensor4D;
    });
  }

  /**
   * Logits, top-k indices, the wanted planes and (if asked) the winner grid, as one flat tensor:
   * [logits (C) | top-k (k) | planes ((k + extra) * h * w) | winner (h * w)].
   */
  private packed(maps: tf.Tensor4D, k: number, extra: number[], winner: boolean): tf.Tensor1D {
    const [h, w, n] = maps.shape.slice(1) as [number, number, number];
    return tf.tidy(() => {
      const flat = maps.reshape([h * w, n]);
      const logits = tf.mean(flat, 0);
      const indices = topKIndices(logits as tf.Tensor1D, k);
      const wanted = extra.length ? tf.concat([indices, tf.tensor1d(extra, 'int32')]) : indices;
      const parts = [logits, tf.cast(indices, 'float32'), tf.transpose(tf.gather(flat, wanted, 1)).reshape([-1])];
      // Class indices are exact in float32 (< 2^24), so the winner rides in the same readback.
      if (winner) parts.push(tf.cast(tf.argMax(flat, 1), 'float32'));
      return tf.concat(parts) as tf.Tensor1D;
    });
  }

  /**
   * Prepares the backend so that the first photo runs as fast as later ones: on WebGPU every
   * shader of a run is compiled in parallel without running it (tfjs's compile-only mode), then
   * one run allocates the GPU buffers a run needs (without it the first photo took 4x the median
   * on an H100); on wasm one run on a grey image lets XNNPACK pack its weights. Returns the ms it took.
   */
  async warmUp(size?: number): Promise<number> {
    const start = performance.now();
    const side = size ?? inputSide(this.manifest.preprocessing.resize);
    // Wider than tall, as most photos: the warm-up goes through the same resize and crop.
    const width = Math.round(side * 1.5);
    const grey: RGBAImage = { width, height: side, data: new Uint8Array(width * side * 4).fill(128) };
    const backend = tf.getBackend();
    if (backend === 'webgpu') {
      const gpu = tf.backend() as unknown as { checkCompileCompletionAsync(): Promise<void> };
      tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
      try {
        tf.tidy(() => {
          const { input } = toInputTensor(grey, this.preprocessing(size));
          this.packed(this.forward(input, false), Math.min(5, this.manifest.classes.length), [], true);
        });
      } finally {
        tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
      }
      await gpu.checkCompileCompletionAsync();
      await this.infer(grey, { size });
    } else if (backend !== 'cpu') {
      // Plain JS has nothing to prepare, and one run there takes many seconds.
      await this.infer(grey, { size });
    }
    return performance.now() - start;
  }

  /**
   * Everything is computed on the backend and read back once, packed: all logits, the top-k
   * indices, the wanted planes and (if asked) the winner grid. One readback, because on a GPU each
   * one waits for the whole queue.
   */
  async infer(image: RGBAImage, options: InferOptions = {}): Promise<Inference> {
    const start = performance.now();
    if (options.keepMaps) this.releaseMaps();
    const n = this.manifest.classes.length;
    const k = Math.min(options.topK ?? 5, n);
    const extra = [...new Set(options.extraClasses ?? [])].filter((c) => Number.isInteger(c) && c >= 0 && c < n);
    const wantWinner = options.winner ?? true;
    const made: tf.Tensor[] = [];
    try {
      const { input, transform } = toInputTensor(image, this.preprocessing(options.size));
      made.push(input);
      const t1 = performance.now();
      const maps = this.forward(input, options.flip ?? false);
      made.push(maps);
      const t2 = performance.now();
      const [h, w] = maps.shape.slice(1) as [number, number];
      const cells = h * w;
      const packed = this.packed(maps, k, extra, wantWinner);
      made.push(packed);
      const t3 = performance.now();
      const all = (await packed.data()) as Float32Array;
      const t4 = performance.now();
      const logits = all.slice(0, n);
      const topIdx = Array.from(all.subarray(n, n + k), Math.round);
      const planesAt = n + k;
      const classes = [...topIdx, ...extra.filter((c) => !topIdx.includes(c))];
      const data = new Float32Array(classes.length * cells);
      classes.forEach((c, i) => {
        const j = i < k ? i : k + extra.indexOf(c);
        data.set(all.subarray(planesAt + j * cells, planesAt + (j + 1) * cells), i * cells);
      });
      const winnerAt = planesAt + (k + extra.length) * cells;
      const winner = wantWinner ? Int32Array.from(all.subarray(winnerAt, winnerAt + cells), Math.round) : new Int32Array(0);
      if (options.keepMaps) {
        made.splice(made.indexOf(maps), 1);
        this.kept = maps;
      }
      this.lastSplit = { preprocess: t1 - start, forward: t2 - t1, postprocess: t3 - t2, readback: t4 - t3 };
      const probs = softmax(logits);
      return {
        top: topIdx.map((index) => ({ index, name: this.manifest.classes[index], logit: logits[index], probability: probs[index] })),
        maps: { width: w, height: h, cellSize: transform.inputSize / w, classes, data, winner },
        logits,
        transform,
        backend: tf.getBackend(),
        ms: performance.now() - start,
      };
    } finally {
      tf.dispose(made);
    }
  }

  /** True while the last photo's maps are kept (infer with keepMaps). */
  hasMaps(): boolean {
    return this.kept !== null;
  }

  /** Any classes' planes of the last photo inferred with keepMaps, without running the network again. */
  async mapsFor(classes: readonly number[]): Promise<MapPlanes> {
    const kept = this.kept;
    if (!kept) throw new Error(`${this.manifest.title}: no photo's maps are kept; infer a photo first`);
    const [h, w, n] = kept.shape.slice(1) as [number, number, number];
    const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= n);
    if (bad !== undefined) throw new RangeError(`${this.manifest.title}: class ${bad} is not one of its classes 0-${n - 1}`);
    if (!classes.length) return { classes: [], data: new Float32Array(0) };
    const planes = tf.tidy(() => tf.transpose(tf.gather(kept.reshape([h * w, n]), [...classes], 1)));
    try {
      return { classes: [...classes], data: (await planes.data()) as Float32Array };
    } finally {
      planes.dispose();
    }
  }

  /** Frees the kept maps (a new photo, an unload, a backend switch). */
  releaseMaps(): void {
    this.kept?.dispose();
    this.kept = null;
  }

  dispose(): void {
    this.releaseMaps();
    tf.dispose([...this.weights.values()]);
    this.weights.clear();
  }
}

/** The network input side a resize rule gives. */
function inputSide(resize: Resize): number {
  return resize.mode === 'stretch' ? resize.size : resize.crop;
}
