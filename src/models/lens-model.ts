// The one public entry to a loaded network: photo in, top classes and their class maps out.
// Everything it returns is plain CPU data, so localization, drawing and export never touch tf.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { inputTransform, resizeAt, type Preprocessing, type RGBAImage, type Resize } from '../image/geometry';
import { channelMap, inputPixels, toInputTensor } from '../image/preprocess';
import type { LoadedPackage, ModelManifest } from './package';
import { classMaps } from './forward';
import { buildPlan, type Plan } from './plan';
import { softmax, type InferOptions, type Inference, type MapPlanes } from './class-maps';
import { topKIndices } from './webgpu-kernels';
import { capture, ReplayArena, type ReplayGraph } from './webgpu-replay';

/** Where infer's time went, in ms (wall clock on the calling thread). */
export interface InferSplit {
  /** Photo to input pixels: resized, cropped and normalized on the CPU. */
  preprocess: number;
  /**
   * The input made a tensor and the network enqueued (synchronous backends run it here); on a
   * WebGPU replay, the input written and every dispatch encoded and submitted.
   */
  forward: number;
  /** Logits, top-k, plane gather and winner, enqueued (0 on a replay: they are in `forward`). */
  postprocess: number;
  /** Waiting for the one packed readback (asynchronous backends run the network here). */
  readback: number;
  /** On a WebGPU replay with timestamp queries: the GPU time of its one compute pass. */
  gpu?: number;
  /** On WebGPU: true when the run was a replay of a captured one (webgpu-replay.ts). */
  replayed?: boolean;
}

/** A captured run and the map size it gives; graph null where the capture was refused. */
interface Captured {
  graph: ReplayGraph | null;
  h: number;
  w: number;
}

/**
 * How many captured runs (input sizes, flip, k, ...) a model keeps. Each holds only its input,
 * constants and uniforms (kilobytes): the intermediates are the arena's, shared by all.
 */
const MAX_GRAPHS = 8;

/** The wasm warm-up's input side: the smallest multiple of 32 that leaves ResNet's last stage 2x2. */
const WASM_WARM_UP_SIDE = 64;

export class LensModel {
  readonly manifest: ModelManifest;
  readonly plan: Plan;
  private weights: Map<string, tf.Tensor>;
  /** All classes' maps [1, h, w, C] of the last photo inferred with keepMaps, for mapsFor. */
  private kept: tf.Tensor4D | null = null;
  /** The split of the last infer call. */
  lastSplit: InferSplit = { preprocess: 0, forward: 0, postprocess: 0, readback: 0 };
  /** On WebGPU, replay captured runs (webgpu-replay.ts); false runs every op through tfjs each time. */
  replay = true;
  private replays: { backend: WebGPUBackend; arena: ReplayArena; graphs: Map<string, Captured> } | null = null;

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
  private packed(maps: tf.Tensor4D, k: number, extra: tf.Tensor1D | null, winner: boolean): tf.Tensor1D {
    const [h, w, n] = maps.shape.slice(1) as [number, number, number];
    return tf.tidy(() => {
      const flat = maps.reshape([h * w, n]);
      const logits = tf.mean(flat, 0);
      const indices = topKIndices(logits as tf.Tensor1D, k);
      const wanted = extra ? tf.concat([indices, extra]) : indices;
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
   * on an H100); on wasm one run on a small blank input lets XNNPACK pack its weights (with
   * `photoSize`, a run at the photo's size as before: scripts/warm-up-cpu.ts compares the two).
   * Returns the ms it took.
   */
  async warmUp(size?: number, opts: { photoSize?: boolean } = {}): Promise<number> {
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
          this.packed(this.forward(input, false), Math.min(5, this.manifest.classes.length), null, true);
        });
      } finally {
        tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
      }
      await gpu.checkCompileCompletionAsync();
      await this.infer(grey, { size });
    } else if (backend === 'wasm' && !opts.photoSize) {
      // XNNPACK creates each convolution's operator (its weights transposed and packed) on its
      // first run and keys it by the weights and the convolution's settings, not by the input's
      // size: a run on a small input prepares every one of them at a fraction of a photo's compute.
      const out = tf.tidy(() =>
        this.packed(this.forward(tf.zeros([1, WASM_WARM_UP_SIDE, WASM_WARM_UP_SIDE, 3]), false), Math.min(5, this.manifest.classes.length), null, true),
      );
      await out.data();
      out.dispose();
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
    const prep = this.preprocessing(options.size);
    const transform = inputTransform(prep.resize, image.width, image.height);
    const pixels = inputPixels(image, transform, channelMap(prep));
    const preprocess = performance.now() - start;
    const run = { pixels, side: transform.inputSize, flip: options.flip ?? false, k, extra, winner: wantWinner, keep: options.keepMaps ?? false };
    const gpu = this.replay && tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
    const key = runKey(run);
    const graphs = gpu ? this.graphsOn(gpu) : null;
    const captured = graphs?.get(key);
    if (captured) {
      // Least recently used first, for evictGraphs.
      graphs!.delete(key);
      graphs!.set(key, captured);
    }
    const { all, h, w, kept, split } = captured?.graph
      ? await this.replayed(gpu!, captured.graph, captured, run)
      : await this.throughTfjs(run, gpu, captured ? null : key);
    if (run.keep) this.kept = kept;
    this.lastSplit = { preprocess, ...split };
    const cells = h * w;
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
    const probs = softmax(logits);
    return {
      top: topIdx.map((index) => ({ index, name: this.manifest.classes[index], logit: logits[index], probability: probs[index] })),
      maps: { width: w, height: h, cellSize: transform.inputSize / w, classes, data, winner },
      logits,
      transform,
      backend: tf.getBackend(),
      replayed: split.replayed,
      ms: performance.now() - start,
    };
  }

  /** The captured runs on this backend (a new backend, e.g. after a lost device, starts afresh). */
  private graphsOn(backend: WebGPUBackend): Map<string, Captured> {
    if (this.replays?.backend !== backend) {
      this.disposeReplays();
      this.replays = { backend, arena: new ReplayArena(backend.device), graphs: new Map() };
    }
    return this.replays.graphs;
  }

  /** One run op by op through tfjs; on WebGPU, captured for replay under `captureAs` when given. */
  private async throughTfjs(run: Run, gpu: WebGPUBackend | null, captureAs: string | null): Promise<RunResult> {
    const made: tf.Tensor[] = [];
    try {
      const t0 = performance.now();
      const input = tf.tensor4d(run.pixels, [1, run.side, run.side, 3]);
      const extra = run.extra.length ? tf.tensor1d(run.extra, 'int32') : null;
      made.push(input, ...(extra ? [extra] : []));
      let t1 = 0;
      let t2 = 0;
      const compute = (): tf.Tensor[] => {
        const maps = this.forward(input, run.flip);
        t1 = performance.now();
        const packed = this.packed(maps, run.k, extra, run.winner);
        t2 = performance.now();
        return [packed, maps];
      };
      let outputs: tf.Tensor[];
      if (gpu && captureAs !== null && this.replays) {
        const c = capture(gpu, this.replays.arena, extra ? [input, extra] : [input], this.weights.values(), compute);
        outputs = c.outputs;
        if (c.refused) console.warn(`${this.manifest.title}: WebGPU runs go op by op (no replay: ${c.refused})`);
        const [h, w] = outputs[1].shape.slice(1) as [number, number];
        this.replays.graphs.set(captureAs, { graph: c.graph, h, w });
        this.evictGraphs(this.replays.graphs);
      } else {
        outputs = compute();
      }
      made.push(...outputs);
      const [packed, maps] = outputs as [tf.Tensor1D, tf.Tensor4D];
      const all = (await packed.data()) as Float32Array;
      const t3 = performance.now();
      const [h, w] = maps.shape.slice(1) as [number, number];
      if (run.keep) made.splice(made.indexOf(maps), 1);
      return { all, h, w, kept: run.keep ? maps : null, split: { forward: t1 - t0, postprocess: t2 - t1, readback: t3 - t2, replayed: gpu ? false : undefined } };
    } finally {
      tf.dispose(made);
    }
  }

  /** One run as a replay of its captured commands; with keep, the maps are copied into a tfjs tensor in the same submit. */
  private async replayed(gpu: WebGPUBackend, graph: ReplayGraph, shape: Captured, run: Run): Promise<RunResult> {
    const t0 = performance.now();
    let kept: tf.Tensor4D | null = null;
    const copies = [];
    if (run.keep) {
      const info = gpu.makeTensorInfo([1, shape.h, shape.w, this.manifest.classes.length], 'float32');
      gpu.uploadToGPU(info.dataId);
      kept = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
      copies.push({ output: 1, into: gpu.tensorMap.get(info.dataId).resource as GPUBuffer });
    }
    try {
      const r = await graph.run(run.extra.length ? [run.pixels, Int32Array.from(run.extra)] : [run.pixels], copies);
      return {
        all: r.data,
        h: shape.h,
        w: shape.w,
        kept,
        split: { forward: r.encodeMs, postprocess: 0, readback: performance.now() - t0 - r.encodeMs, gpu: r.gpuMs ?? undefined, replayed: true },
      };
    } catch (e) {
      kept?.dispose();
      throw e;
    }
  }

  /** Drops the least recently used captures; their buffers go once the runs already queued are done. */
  private evictGraphs(graphs: Map<string, Captured>): void {
    for (const [key, c] of graphs) {
      if (graphs.size <= MAX_GRAPHS) break;
      const graph = c.graph;
      if (graph) void this.replays!.arena.serial(async () => graph.dispose());
      graphs.delete(key);
    }
  }

  private disposeReplays(): void {
    if (!this.replays) return;
    const { arena, graphs } = this.replays;
    void arena.serial(async () => {
      for (const c of graphs.values()) c.graph?.dispose();
      arena.dispose();
    });
    this.replays = null;
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
    this.disposeReplays();
    tf.dispose([...this.weights.values()]);
    this.weights.clear();
  }
}

/** One infer's network work: its input pixels and everything that fixes the commands it runs. */
interface Run {
  pixels: Float32Array;
  side: number;
  flip: boolean;
  k: number;
  extra: number[];
  winner: boolean;
  keep: boolean;
}

interface RunResult {
  all: Float32Array;
  h: number;
  w: number;
  kept: tf.Tensor4D | null;
  split: Omit<InferSplit, 'preprocess'>;
}

/** Runs with the same key run the same commands (the extra classes are an input, only their count matters). */
function runKey(r: Run): string {
  return `${r.side} ${r.flip} ${r.k} ${r.extra.length} ${r.winner}`;
}

/** The network input side a resize rule gives. */
function inputSide(resize: Resize): number {
  return resize.mode === 'stretch' ? resize.size : resize.crop;
}
