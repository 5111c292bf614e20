// The typed message interface between the page and the inference worker. Every request carries
// an id; the worker answers it once (ok or error) and may send progress for it before that.
import type { RGBAImage } from '../../image/geometry';
import type { HeadWeights, Inference, MapPlanes } from '../../models/class-maps';
import type { FaithfulnessCurves } from '../../localize/faithfulness';
import type { Backbone } from '../../teach/head-file';
import type { TrainedHead } from '../../teach/train';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** The device in words: the WebGPU adapter, the WebGL renderer, or the wasm features. */
  device: string;
  /** True for a software rasterizer standing in for a GPU (SwiftShader and the like). */
  software: boolean;
  /** What was tried and skipped, or why a forced choice was not honoured, in words. */
  notes: string[];
}

export type ModelSource =
  /** A package served over HTTP; its shard paths resolve against this URL. */
  | { kind: 'url'; manifestUrl: string }
  /** A package imported in the page and stored in IndexedDB (browser-store.ts) under its id. */
  | { kind: 'idb'; key: string };

export interface ModelInfo {
  key: string;
  title: string;
  numClasses: number;
  /** Class names by index, for finding any class and naming it. */
  classes: string[];
  /** Total weight bytes and how many of them came from the browser cache. */
  bytes: number;
  cachedBytes: number;
  /** Load time, the warm-up included when the load did it (`warmUp` not false). */
  ms: number;
  /**
   * Parts of `ms`: the manifest and weight files read (network or cache) and checked, the sha256
   * checks alone (inside bytesMs), and the weights made into tensors. All 0 when the model shares
   * weights already loaded for another.
   */
  bytesMs: number;
  sha256Ms: number;
  tensorsMs: number;
  /** The warm-up (shader compilation or a first run): inside `ms`, or after it when done on its own. */
  warmUpMs: number;
  /** (teach) Length of the pooled feature vector a taught head weighs. */
  features?: number;
  /** (teach) What a taught head is only meaningful on (head files name it, imports are checked against it). */
  backbone?: Backbone;
}

/** (teach) A taught class's head as the worker needs it: one 1x1 conv output channel on the final features. */
export type TaughtHeadWeights = HeadWeights;

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
}

/** Request name -> its arguments and its result. */
export interface Calls {
  init: { args: { backend: BackendChoice }; result: BackendInfo };
  /**
   * Loads the weights, then (unless warmUp is false) warms the model up at `size`, with a 'phase'
   * message saying so, so that the first photo is not slow.
   */
  load: { args: { key: string; source: ModelSource; size?: number; warmUp?: boolean }; result: ModelInfo };
  /** Warms a loaded model up on its own (after a load with warmUp false, or for a new input size): the ms it took. */
  warmUp: { args: { key: string; size?: number }; result: number };
  /**
   * Runs the model on a photo. The worker keeps that photo's maps of every class (per model key,
   * until the next infer of that key) for `maps`. `size` (a multiple of 32, 224-896) and `flip`
   * as in InferOptions; `winner: false` skips the winner grid (maps.winner comes back empty);
   * `keep: false` (a folder evaluation) leaves the viewer photo's kept maps in place.
   */
  infer: {
    args: { key: string; image: RGBAImage; topK: number; extraClasses: number[]; size?: number; flip?: boolean; winner?: boolean; keep?: boolean };
    result: Inference;
  };
  /** Planes of any classes for that model's latest photo (layout of Inference.maps.data); an error if none is kept. */
  maps: { args: { key: string; classes: number[] }; result: MapPlanes };
  memory: { args: Record<string, never>; result: MemoryInfo };
  /**
   * Deletion and insertion curves of one class's map on a photo (2 * steps - 1 forward passes;
   * progress: passes done of total). Leaves the kept maps of `maps` alone.
   */
  faithfulness: {
    args: { key: string; image: RGBAImage; classIndex: number; steps: number; size?: number; flip?: boolean };
    result: FaithfulnessCurves;
  };
  /** Drops a model (a deleted import) and its weights unless another model shares them. */
  unload: { args: { key: string }; result: boolean };
  /** Destroys the WebGPU device, as a driver reset would (for testing the fallback). */
  loseDevice: { args: Record<string, never>; result: boolean };
  // --- teach (issue 18) ---
  /**
   * One forward pass of a taught example: its pooled final features (the vector a head weighs).
   * Leaves the kept maps of `maps` alone.
   */
  embed: { args: { key: string; image: RGBAImage; size?: number; flip?: boolean }; result: Float32Array };
  /**
   * The taught classes of a model: head j becomes class numClasses + j in infer, maps and
   * mapsFor, also for the photo already inferred (no new forward pass). Kept across reloads of
   * the model's weights (a backend switch). Answers how many heads are set.
   */
  setHeads: { args: { key: string; heads: TaughtHeadWeights[] }; result: number };
  /**
   * Trains a taught class on examples' pooled features (teach/train.ts), here because it uses the
   * model's own ImageNet classifier as competitors when there are few or no "not this" examples;
   * `background`: the built-in background photos' features (teach/background.ts).
   */
  train: { args: { key: string; positives: Float32Array[]; negatives: Float32Array[]; background?: Float32Array[] }; result: TrainedHead };
}
export type CallName = keyof Calls;

export type Request = { [K in CallName]: { id: number; call: K; args: Calls[K]['args'] } }[CallName];

/**
 * Page -> worker: a request, or the cancel of one (its AbortSignal fired). A cancelled request is
 * dropped if it has not started, stopped between passes if it has (faithfulness), and answered
 * with an error marked `aborted`; a cancel of an answered request is ignored.
 */
export type PageMessage = Request | { cancel: number };

export type WorkerMessage =
  | { type: 'ok'; id: number; result: unknown }
  /** `aborted`: the request was cancelled (the page rejects it with an AbortError). */
  | { type: 'error'; id: number; message: string; aborted?: boolean }
  | { type: 'progress'; id: number; loaded: number; total: number }
  /** What a long request is doing now, in words for the page ('preparing' = warming the model up). */
  | { type: 'phase'; id: number; phase: 'preparing'; message: string }
  /** The backend changed without being asked (the WebGPU device was lost). */
  | { type: 'backend'; info: BackendInfo; reason: string };
