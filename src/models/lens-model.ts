// The one public entry to a loaded network: photo in, top classes and their class maps out.
// Everything it returns is plain CPU data, so localization, drawing and export never touch tf.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { inputTransform, resizeAt, type Preprocessing, type RGBAImage, type Resize } from '../image/geometry';
import { channelMap, inputPixels, toInputTensor } from '../image/preprocess';
import type { LoadedPackage, ModelManifest } from './package';
import { backbone, classify } from './forward';
import { buildPlan, type Plan } from './plan';
import { softmax, type HeadWeights, type InferOptions, type Inference, type MapPlanes, type TaughtPrediction } from './class-maps';
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

/** A captured run and the feature map size it gives; graph null where the capture was refused. */
interface Captured {
  graph: ReplayGraph | null;
  h: number;
  w: number;
}

/** The taught heads as one 1x1 kernel beside the ImageNet classifier's: all classes' columns [F, C + H]. */
interface Columns {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/**
 * How many captured runs (input sizes, flip, k, ...) a model keeps. Each holds only its input,
 * constants and uniforms (kilobytes): the intermediates are the arena's, shared by all.
 */
const MAX_GRAPHS = 8;

export class LensModel {
  readonly manifest: ModelManifest;
  readonly plan: Plan;
  private weights: Map<string, tf.Tensor>;
  /**
   * The backbone's features [1, h, w, F] of the last photo inferred with keepMaps, for mapsFor: any
   * class's map is one 1x1 convolution of them, so a head set after the photo still gets its map.
   */
  private kept: tf.Tensor4D | null = null;
  /** The taught heads, classes C.. C + H - 1 after the ImageNet ones. */
  private heads: HeadWeights[] = [];
  /** Every class's classifier column (ImageNet's, then the heads'), made on first use after setHeads. */
  private columns: Columns | null = null;
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

  /**
   * Backbone features [1, h, w, F]; with flip, the mean of the photo's and its mirror's (mirrored
   * back). The classifier is linear, so its maps of the mean are the mean of its maps.
   */
  private forward(input: tf.Tensor4D, flip: boolean): tf.Tensor4D {
    if (!flip) return backbone(this.plan, this.weights, input);
    return tf.tidy(() => {
      // One batch of two: the backend runs each conv once over both images.
      const both = backbone(this.plan, this.weights, tf.concat([input, tf.reverse(input, 2)]));
      const [a, b] = tf.split(both, 2);
      return tf.mul(tf.add(a, tf.reverse(b, 2)), 0.5) as tf.Tensor4D;
    });
  }

  /**
   * Logits, top-k indices, the wanted planes, (if asked) the winner grid and the pooled features, as
   * one flat tensor: [logits (C) | top-k (k) | planes ((k + extra) * h * w) | winner (h * w) | pooled (F)].
   */
  private packed(features: tf.Tensor4D, k: number, extra: tf.Tensor1D | null, winner: boolean): tf.Tensor1D {
    const [h, w, f] = features.shape.slice(1) as [number, number, number];
    return tf.tidy(() => {
      const maps = classify(this.plan, this.weights, features);
      const n = maps.shape[3];
      const flat = maps.reshape([h * w, n]);
      const logits = tf.mean(flat, 0);
      const indices = topKIndices(logits as tf.Tensor1D, k);
      const wanted = extra ? tf.concat([indices, extra]) : indices;
      const parts = [logits, tf.cast(indices, 'float32'), tf.transpose(tf.gather(flat, wanted, 1)).reshape([-1])];
      // Class indices are exact in float32 (< 2^24), so the winner rides in the same readback.
      if (winner) parts.push(tf.cast(tf.argMax(flat, 1), 'float32'));
      // The taught classes' logits are pooled . w + b, computed on the CPU from these F numbers.
      parts.push(tf.mean(features.reshape([h * w, f]), 0));
      return tf.concat(parts) as tf.Tensor1D;
    });
  }

  /** The feature count F: the classifier's input channels. */
  get featureCount(): number {
    const kernel = this.weights.get(`${this.plan.fc.name}.kernel`);
    if (!kernel) throw new Error(`${this.manifest.title}: no classifier kernel`);
    return kernel.shape[2]!;
  }

  /**
   * The 1x1 ImageNet classifier as plain numbers: kernel [F][C] (row-major, fc.kernel's layout) and
   * bias [C]. What training a taught class uses for its built-in competitors (src/teach/train.ts).
   */
  async classifierWeights(): Promise<{ features: number; classes: number; kernel: Float32Array; bias: Float32Array }> {
    const fc = this.plan.fc.name;
    const kernel = this.weights.get(`${fc}.kernel`);
    const bias = this.weights.get(`${fc}.bias`);
    if (!kernel || !bias) throw new Error(`${this.manifest.title}: no classifier weights`);
    return {
      features: kernel.shape[2]!,
      classes: kernel.shape[3]!,
      kernel: Float32Array.from(await kernel.data()),
      bias: Float32Array.from(await bias.data()),
    };
  }

  /**
   * The taught classes, in order: head j is class manifest.classes.length + j everywhere (infer's
   * taught list and extraClasses, mapsFor). Replaces the previous heads; the kept photo stays kept.
   */
  setHeads(heads: readonly HeadWeights[]): void {
    const f = this.featureCount;
    heads.forEach((h, j) => {
      if (h.weights.length !== f) throw new RangeError(`head ${j} "${h.name}" has ${h.weights.length} weights, ${this.manifest.title} has ${f} features`);
      if (!Number.isFinite(h.bias) || h.weights.some((v) => !Number.isFinite(v))) throw new RangeError(`head ${j} "${h.name}" has a non-finite number`);
    });
    this.heads = heads.map((h) => ({ name: h.name, weights: Float32Array.from(h.weights), bias: h.bias }));
    this.disposeColumns();
  }

  private disposeColumns(): void {
    if (this.columns) tf.dispose([this.columns.kernel, this.columns.bias]);
    this.columns = null;
  }

  private allColumns(): Columns {
    if (this.columns) return this.columns;
    const f = this.featureCount;
    const fc = this.plan.fc.name;
    this.columns = tf.tidy(() => {
      const kernel = this.weights.get(`${fc}.kernel`)!.reshape([f, -1]) as tf.Tensor2D;
      const bias = this.weights.get(`${fc}.bias`)! as tf.Tensor1D;
      if (!this.heads.length) return { kernel: kernel.clone(), bias: bias.clone() };
      const w = new Float32Array(f * this.heads.length);
      this.heads.forEach((h, j) => h.weights.forEach((v, i) => (w[i * this.heads.length + j] = v)));
      return {
        kernel: tf.concat([kernel, tf.tensor2d(w, [f, this.heads.length])], 1) as tf.Tensor2D,
        bias: tf.concat([bias, tf.tensor1d(this.heads.map((h) => h.bias))]) as tf.Tensor1D,
      };
    });
    return this.columns;
  }

  /** Planes [classes, h * w] of any classes (ImageNet or taught) from features: one 1x1 conv of their columns. */
  private planesOf(features: tf.Tensor4D, classes: readonly number[]): tf.Tensor2D {
    const [h, w, f] = features.shape.slice(1) as [number, number, number];
    const { kernel, bias } = this.allColumns();
    return tf.tidy(() => {
      const idx = tf.tensor1d([...classes], 'int32');
      const filter = tf.gather(kernel, idx, 1).reshape([1, 1, f, classes.length]) as tf.Tensor4D;
      // Not fused: wasm's fused conv refuses a bias made by a gather ("only supports rank-1 bias").
      const maps = tf.add(tf.conv2d(features, filter, 1, 0), tf.gather(bias, idx));
      return tf.transpose(maps.reshape([h * w, classes.length])) as tf.Tensor2D;
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
          this.packed(this.forward(input, false), Math.min(5, this.manifest.classes.length), null, true);
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
    const wantedExtra = [...new Set(options.extraClasses ?? [])].filter((c) => Number.isInteger(c) && c >= 0 && c < n + this.heads.length);
    const extra = wantedExtra.filter((c) => c < n);
    const taughtExtra = wantedExtra.filter((c) => c >= n);
    const wantWinner = options.winner ?? true;
    const prep = this.preprocessing(options.size);
    const transform = inputTransform(prep.resize, image.width, image.height);
    const pixels = inputPixels(image, transform, channelMap(prep));
    const preprocess = performance.now() - start;
    // The features are kept on the backend for mapsFor, or for as long as the taught planes take.
    const keep = options.keepMaps ?? false;
    const run = { pixels, side: transform.inputSize, flip: options.flip ?? false, k, extra, winner: wantWinner, keep: keep || taughtExtra.length > 0 };
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
    let taughtPlanes: Float32Array;
    try {
      taughtPlanes = taughtExtra.length ? await readPlanes(this.planesOf(kept!, taughtExtra)) : new Float32Array(0);
    } catch (e) {
      kept?.dispose();
      throw e;
    }
    if (keep) this.kept = kept;
    else kept?.dispose();
    this.lastSplit = { preprocess, ...split };
    const cells = h * w;
    const logits = all.slice(0, n);
    const topIdx = Array.from(all.subarray(n, n + k), Math.round);
    const planesAt = n + k;
    const classes = [...topIdx, ...extra.filter((c) => !topIdx.includes(c)), ...taughtExtra];
    const data = new Float32Array(classes.length * cells);
    classes.forEach((c, i) => {
      if (c >= n) {
        const t = taughtExtra.indexOf(c);
        data.set(taughtPlanes.subarray(t * cells, (t + 1) * cells), i * cells);
        return;
      }
      const j = i < k ? i : k + extra.indexOf(c);
      data.set(all.subarray(planesAt + j * cells, planesAt + (j + 1) * cells), i * cells);
    });
    const winnerAt = planesAt + (k + extra.length) * cells;
    const winner = wantWinner ? Int32Array.from(all.subarray(winnerAt, winnerAt + cells), Math.round) : new Int32Array(0);
    const pooledAt = winnerAt + (wantWinner ? cells : 0);
    const pooled = all.slice(pooledAt, pooledAt + this.featureCount);
    const probs = softmax(logits);
    return {
      top: topIdx.map((index) => ({ index, name: this.manifest.classes[index], logit: logits[index], probability: probs[index] })),
      maps: { width: w, height: h, cellSize: transform.inputSize / w, classes, data, winner },
      taught: this.heads.map((head, j) => taughtPrediction(n + j, head, pooled)),
      ...(options.pooled ? { pooled } : {}),
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
        const features = this.forward(input, run.flip);
        t1 = performance.now();
        const packed = this.packed(features, run.k, extra, run.winner);
        t2 = performance.now();
        return [packed, features];
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
      const [packed, features] = outputs as [tf.Tensor1D, tf.Tensor4D];
      const all = (await packed.data()) as Float32Array;
      const t3 = performance.now();
      const [h, w] = features.shape.slice(1) as [number, number];
      if (run.keep) made.splice(made.indexOf(features), 1);
      return { all, h, w, kept: run.keep ? features : null, split: { forward: t1 - t0, postprocess: t2 - t1, readback: t3 - t2, replayed: gpu ? false : undefined } };
    } finally {
      tf.dispose(made);
    }
  }

  /** One run as a replay of its captured commands; with keep, the features are copied into a tfjs tensor in the same submit. */
  private async replayed(gpu: WebGPUBackend, graph: ReplayGraph, shape: Captured, run: Run): Promise<RunResult> {
    const t0 = performance.now();
    let kept: tf.Tensor4D | null = null;
    const copies = [];
    if (run.keep) {
      const info = gpu.makeTensorInfo([1, shape.h, shape.w, this.featureCount], 'float32');
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

  /**
   * Any classes' planes (ImageNet or taught, also heads set after the photo) of the last photo
   * inferred with keepMaps, without running the network again: a 1x1 convolution of the kept features.
   */
  async mapsFor(classes: readonly number[]): Promise<MapPlanes> {
    const kept = this.kept;
    if (!kept) throw new Error(`${this.manifest.title}: no photo's maps are kept; infer a photo first`);
    const n = this.manifest.classes.length + this.heads.length;
    const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= n);
    if (bad !== undefined) throw new RangeError(`${this.manifest.title}: class ${bad} is not one of its classes 0-${n - 1}`);
    if (!classes.length) return { classes: [], data: new Float32Array(0) };
    return { classes: [...classes], data: await readPlanes(this.planesOf(kept, classes)) };
  }

  /** Frees the kept features (a new photo, an unload, a backend switch). */
  releaseMaps(): void {
    this.kept?.dispose();
    this.kept = null;
  }

  dispose(): void {
    this.releaseMaps();
    this.disposeColumns();
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

/** A plane tensor's numbers, the tensor disposed whatever happens. */
async function readPlanes(planes: tf.Tensor): Promise<Float32Array> {
  try {
    return (await planes.data()) as Float32Array;
  } finally {
    planes.dispose();
  }
}

/** A taught class's logit from the pooled features: the mean of its map, as the 1x1 head is linear. */
function taughtPrediction(index: number, head: HeadWeights, pooled: Float32Array): TaughtPrediction {
  let logit = head.bias;
  for (let i = 0; i < pooled.length; i++) logit += pooled[i] * head.weights[i];
  return { index, name: head.name, logit, probability: 1 / (1 + Math.exp(-logit)), present: logit > 0 };
}

/** Runs with the same key run the same commands (the extra classes are an input, only their count matters). */
function runKey(r: Run): string {
  return `${r.side} ${r.flip} ${r.k} ${r.extra.length} ${r.winner}`;
}

/** The network input side a resize rule gives. */
function inputSide(resize: Resize): number {
  return resize.mode === 'stretch' ? resize.size : resize.crop;
}
