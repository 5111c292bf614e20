// The inference worker's whole job with its surroundings passed in, so Node tests run it without
// a Worker or a GPU: backend start, model loads (weights shared between models whose files are
// identical), kept maps, warm-up, WebGPU device-loss recovery, one request at a time in arrival order.
import * as tf from '@tensorflow/tfjs';
import { LensModel } from '../../models/lens-model';
import { runFaithfulness } from '../../localize/faithfulness-run';
import { type Inference } from '../../models/class-maps';
import { loadPackage, readManifest, type ByteSource, type LoadedPackage, type LoadTimes } from '../../weights/load-package';
import { ManifestError, type ModelManifest } from '../../weights/manifest';
import type { LosableDevice } from './backends';
import { readPageMessage } from './protocol-check';
import { backboneOf } from '../../teach/head-file';
import { trainHead, type Classifier } from '../../teach/train';
import type { BackendChoice, BackendInfo, BackendName, Calls, ModelInfo, ModelSource, Request, TaughtHeadWeights, WorkerMessage } from './protocol';

/** A package's bytes, with the browser cache's extras where there is one (fetch-source.ts). */
export interface ModelBytes extends ByteSource {
  /** Keeps what was downloaded; called once the package verified. */
  commit?(): Promise<void>;
  /** Drops cached files that failed verification. */
  evict?(paths: string[]): Promise<void>;
  /** Bytes served from the cache during this load. */
  cachedBytes?: number;
}

/** What the core needs from the worker it runs in. */
export interface InferenceDeps {
  /** Sends a message to the page, moving `transfer`'s buffers. */
  post(message: WorkerMessage, transfer: Transferable[]): void;
  /** Starts the best or the chosen tfjs backend, never one of `exclude` (backends.ts). */
  startBackend(choice: BackendChoice, exclude: BackendName[]): Promise<BackendInfo>;
  /** The running WebGPU device, null when another backend runs. */
  webgpuDevice(): LosableDevice | null;
  /** Unregisters a backend whose device was lost, so that tfjs never falls back onto it. */
  removeBackend(name: BackendName): void;
  /** A fresh reader of a model's files (a new one for every load). */
  byteSource(src: ModelSource): ModelBytes;
  /**
   * On WebGPU only, how long a failed request waits at most for the device's loss to be signalled
   * (Chrome resolves device.lost after the call that failed under it) before it fails; default 100 ms.
   */
  lossGraceMs?: number;
}

export interface InferenceCore {
  /**
   * Queues a request; resolves once it is answered (ok or error). Never rejects for a failed request.
   * A cancel aborts that request at once: dropped if still queued, stopped between passes if
   * running (faithfulness), and answered with an 'aborted' error either way. A message that is not
   * the protocol's is answered with an error naming the problem (when it has a request id) and
   * never run.
   */
  receive(raw: unknown): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const filesKey = (m: ModelManifest) => m.files.map((f) => f.sha256).join(',');

function transferables(inf: Inference): Transferable[] {
  return [inf.maps.data.buffer, inf.maps.winner.buffer, inf.logits.buffer] as Transferable[];
}

/**
 * A package's bytes read once: reads started early (prefetch) are kept, and a later read of the
 * same file takes the same promise, its progress passed on from the bytes already in.
 */
function readingAhead(source: ModelBytes): ModelBytes {
  interface Read {
    bytes: Promise<Uint8Array>;
    got: number;
    onBytes?: (n: number) => void;
  }
  const reads = new Map<string, Read>();
  return {
    read(path, onBytes) {
      const known = reads.get(path);
      if (known) {
        known.onBytes = onBytes;
        if (known.got) onBytes?.(known.got);
        return known.bytes;
      }
      const entry: Read = { bytes: Promise.resolve(new Uint8Array()), got: 0, onBytes };
      entry.bytes = source.read(path, (n) => {
        entry.got = n;
        entry.onBytes?.(n);
      });
      reads.set(path, entry);
      return entry.bytes;
    },
    describe: (path) => source.describe(path),
    commit: source.commit && (() => source.commit!()),
    evict: source.evict && ((paths) => source.evict!(paths)),
    get cachedBytes() {
      return source.cachedBytes;
    },
  };
}

/** After a load, what to warm up for: the page's input size and a way to say it is preparing; none when a photo follows at once. */
interface WarmUp {
  size?: number;
  onPhase(message: string): void;
}

export function createInferenceCore(deps: InferenceDeps): InferenceCore {
  const { post, byteSource } = deps;
  const lossGraceMs = deps.lossGraceMs ?? 100;

  let choice: BackendChoice = 'auto';
  let backend: BackendInfo | null = null;
  let gpuLost: string | null = null;
  /** Set while switching away from a lost GPU; requests wait for it, then retry once. */
  let recovering: Promise<void> | null = null;
  /**
   * Device losses so far and the latest switch, kept after it ends: a fast switch can finish
   * before a request that failed under the loss looks, and that request must still be retried.
   */
  let losses = 0;
  let lastRecovery: Promise<void> = Promise.resolve();

  const sources = new Map<string, ModelSource>();
  const models = new Map<string, LensModel>();
  /** (teach) Taught heads per model key, set again on every new LensModel of that key (a reload after a backend switch). */
  const heads = new Map<string, TaughtHeadWeights[]>();
  const withHeads = (key: string, m: LensModel): LensModel => {
    const h = heads.get(key);
    if (h?.length) m.setHeads(h);
    return m;
  };
  /**
   * Weights by the identity of their files: DRN-A-50 and ResNet-50 are the same tensors in two
   * topologies, so the second model costs neither a download nor memory.
   */
  const weightSets = new Map<string, LoadedPackage['weights']>();

  function disposeModels(): void {
    for (const m of models.values()) m.releaseMaps();
    for (const w of weightSets.values()) tf.dispose([...w.values()]);
    weightSets.clear();
    models.clear();
  }

  /**
   * Reads started when a load request arrives, before the requests ahead of it (the backend's
   * start, above all) are done: reading needs no backend. By request id; load takes its own.
   */
  const prefetches = new Map<number, ModelBytes>();
  /** Files being prefetched, so that two models sharing them read them once. */
  const prefetching = new Set<string>();

  function prefetch(id: number, src: ModelSource): void {
    const source = readingAhead(byteSource(src));
    prefetches.set(id, source);
    void (async () => {
      const manifest = await readManifest(source);
      const files = filesKey(manifest);
      if (weightSets.has(files) || prefetching.has(files)) return;
      prefetching.add(files);
      const paths = manifest.weightsManifest.flatMap((g) => g.paths);
      await Promise.allSettled(paths.map((p) => source.read(p)));
      prefetching.delete(files);
    })().catch(() => {}); // load reads again and reports the failure
  }

  async function load(
    key: string,
    src: ModelSource,
    onProgress: (loaded: number, total: number) => void,
    warm: WarmUp | null,
    ahead?: ModelBytes,
  ): Promise<ModelInfo> {
    const start = performance.now();
    models.get(key)?.releaseMaps();
    sources.set(key, src);
    let source = ahead ?? byteSource(src);
    const manifest = await readManifest(source);
    const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
    const shared = weightSets.get(filesKey(manifest));
    let cachedBytes = total;
    let times: LoadTimes = { bytesMs: 0, sha256Ms: 0, tensorsMs: 0 };
    if (shared) {
      models.set(key, withHeads(key, new LensModel({ manifest, weights: shared })));
    } else {
      let pkg: LoadedPackage & { times: LoadTimes };
      try {
        pkg = await loadPackage(source, (p) => onProgress(p.loaded, p.total));
      } catch (e) {
        // A cached shard that fails its sha256 is stale or corrupt: drop the cache, download afresh.
        if (!(e instanceof ManifestError) || !source.evict || !source.cachedBytes) throw e;
        await source.evict(manifest.files.map((f) => f.path));
        source = byteSource(src);
        pkg = await loadPackage(source, (p) => onProgress(p.loaded, p.total));
      }
      await source.commit?.();
      cachedBytes = source.cachedBytes ?? total;
      // The manifest read above, and a stale cache's failed first try, count as reading too.
      times = { ...pkg.times, bytesMs: performance.now() - start - pkg.times.tensorsMs };
      weightSets.set(filesKey(manifest), pkg.weights);
      models.set(key, withHeads(key, new LensModel(pkg)));
    }
    let warmUpMs = 0;
    if (warm) {
      warm.onPhase(`preparing ${manifest.title} on ${tf.getBackend()}`);
      warmUpMs = await models.get(key)!.warmUp(warm.size);
    }
    return {
      key,
      title: manifest.title,
      numClasses: manifest.classes.length,
      classes: manifest.classes,
      bytes: total,
      cachedBytes,
      ms: performance.now() - start,
      ...times,
      warmUpMs,
      features: models.get(key)!.plan.features,
      backbone: await backboneOf(manifest),
    };
  }

  /** (teach) Each weight set's ImageNet classifier as plain numbers, read once, for training's competitors. */
  const classifiers = new Map<string, Classifier>();
  async function classifierOf(m: LensModel): Promise<Classifier> {
    const k = filesKey(m.manifest);
    const known = classifiers.get(k);
    if (known) return known;
    const c: Classifier = await m.classifierWeights();
    classifiers.set(k, c);
    return c;
  }

  async function model(key: string): Promise<LensModel> {
    const m = models.get(key);
    if (m) return m;
    // Weights were dropped by a backend switch: reload them (from the browser cache).
    const src = sources.get(key);
    if (!src) throw new Error(`model ${key} was never loaded`);
    await load(key, src, () => {}, null);
    return models.get(key)!;
  }

  function watchGpu(): void {
    const device = deps.webgpuDevice();
    if (!device) return;
    void device.lost.then((info) => {
      if (deps.webgpuDevice() !== device) return;
      gpuLost = `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      losses++;
      recovering = lastRecovery = (async () => {
        disposeModels();
        deps.removeBackend('webgpu');
        backend = await deps.startBackend(choice === 'webgpu' ? 'auto' : choice, ['webgpu']);
        backend.notes.push(`webgpu: the device was lost (${gpuLost}); reload the page to try it again`);
        post({ type: 'backend', info: backend, reason: `The WebGPU device was lost (${gpuLost}); now running on ${backend.name}.` }, []);
      })().finally(() => {
        recovering = null;
      });
    });
  }

  async function init(c: BackendChoice): Promise<BackendInfo> {
    choice = c;
    disposeModels();
    backend = await deps.startBackend(c, gpuLost ? ['webgpu'] : []);
    if (gpuLost) backend.notes.push(`webgpu: the device was lost earlier (${gpuLost}); reload the page to try it again`);
    watchGpu();
    return backend;
  }

  /** Waits until a loss of the running WebGPU device is signalled (true), or lossGraceMs pass (false). */
  async function lossSignalled(lossesBefore: number): Promise<boolean> {
    if (losses !== lossesBefore) return true;
    const device = deps.webgpuDevice();
    // No GPU device, nothing to lose: the failure is the request's own.
    if (!device) return false;
    await Promise.race([device.lost, sleep(lossGraceMs)]);
    // watchGpu's handler, registered first, has counted the loss by now if there was one.
    return losses !== lossesBefore;
  }

  async function handle(req: Request, signal: AbortSignal): Promise<void> {
    const { id } = req;
    const run = async (): Promise<[unknown, Transferable[]]> => {
      switch (req.call) {
        case 'init':
          return [await init(req.args.backend), []];
        case 'load': {
          const ahead = prefetches.get(id);
          prefetches.delete(id);
          return [
            await load(
              req.args.key,
              req.args.source,
              (loaded, total) => post({ type: 'progress', id, loaded, total }, []),
              req.args.warmUp === false
                ? null
                : {
                    size: req.args.size,
                    onPhase: (message) => post({ type: 'phase', id, phase: 'preparing', message }, []),
                  },
              ahead,
            ),
            [],
          ];
        }
        case 'warmUp': {
          const m = await model(req.args.key);
          post({ type: 'phase', id, phase: 'preparing', message: `preparing ${m.manifest.title} on ${tf.getBackend()}` }, []);
          return [await m.warmUp(req.args.size), []];
        }
        case 'infer': {
          if (!backend) await init(choice);
          const m = await model(req.args.key);
          const { image, topK, extraClasses, size, flip, winner, keep } = req.args;
          const inf = await m.infer(image, { topK, extraClasses, size, flip, winner, keepMaps: keep ?? true });
          return [inf, transferables(inf)];
        }
        case 'maps': {
          const m = models.get(req.args.key);
          if (!m) throw new Error(`model ${req.args.key} is not loaded`);
          const planes = await m.mapsFor(req.args.classes);
          return [planes, [planes.data.buffer as ArrayBuffer]];
        }
        case 'faithfulness': {
          if (!backend) await init(choice);
          const m = await model(req.args.key);
          const { image, classIndex, steps, size, flip } = req.args;
          const curves = await runFaithfulness(m, image, {
            classIndex,
            steps,
            size,
            flip,
            onStep: (done, total) => post({ type: 'progress', id, loaded: done, total }, []),
            cancelled: () => signal.aborted,
          });
          return [curves, []];
        }
        case 'memory': {
          const mem = tf.memory();
          return [{ numTensors: mem.numTensors, numBytes: mem.numBytes } satisfies Calls['memory']['result'], []];
        }
        case 'unload': {
          const m = models.get(req.args.key);
          m?.releaseMaps();
          models.delete(req.args.key);
          sources.delete(req.args.key);
          heads.delete(req.args.key);
          // Weights go once no other loaded model shares them.
          const k = m && filesKey(m.manifest);
          const w = k ? weightSets.get(k) : undefined;
          if (k && w && ![...models.values()].some((o) => filesKey(o.manifest) === k)) {
            tf.dispose([...w.values()]);
            weightSets.delete(k);
          }
          return [m !== undefined, []];
        }
        // --- teach (issue 18) ---
        case 'embed': {
          if (!backend) await init(choice);
          const m = await model(req.args.key);
          const { image, size, flip } = req.args;
          const inf = await m.infer(image, { topK: 1, extraClasses: [], size, flip, winner: false, keepMaps: false, pooled: true });
          if (!inf.pooled) throw new Error(`${m.manifest.title} gave no pooled features`);
          return [inf.pooled, [inf.pooled.buffer as ArrayBuffer]];
        }
        case 'train': {
          const m = await model(req.args.key);
          const trained = trainHead(req.args.positives, req.args.negatives, { classifier: await classifierOf(m), background: req.args.background });
          return [trained, [trained.weights.buffer as ArrayBuffer]];
        }
        case 'setHeads': {
          heads.set(req.args.key, req.args.heads);
          models.get(req.args.key)?.setHeads(req.args.heads);
          return [req.args.heads.length, []];
        }
        case 'loseDevice': {
          const device = deps.webgpuDevice();
          device?.destroy();
          return [device !== null, []];
        }
      }
    };
    const aborted = () => post({ type: 'error', id, message: `${req.call} cancelled`, aborted: true }, []);
    // Cancelled while queued (a newer photo superseded it): dropped before it runs.
    if (signal.aborted) return aborted();
    try {
      let result: [unknown, Transferable[]];
      if (recovering) await recovering;
      const lossesBefore = losses;
      try {
        result = await run();
      } catch (e) {
        if (signal.aborted) throw e;
        // The GPU went away under this request: wait for the fallback backend, then retry once.
        // Any other failure is reported at once.
        if (!(await lossSignalled(lossesBefore))) throw e;
        await lastRecovery;
        result = await run();
      }
      post({ type: 'ok', id, result: result[0] }, result[1]);
    } catch (e) {
      if (signal.aborted) aborted();
      else post({ type: 'error', id, message: (e as Error).message || String(e) }, []);
    }
  }

  /** The requests not yet answered, so that a cancel reaches a queued or a running one. */
  const aborts = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();
  return {
    receive(raw) {
      // Checked as the page checks replies: the page is trusted code, but a malformed request must
      // fail in words, not deep inside a model.
      const msg = readPageMessage(raw);
      if ('problem' in msg) {
        if (msg.id !== null) post({ type: 'error', id: msg.id, message: `the worker was sent ${msg.problem}` }, []);
        return queue;
      }
      // A cancel must not wait behind the run it cancels; one for an answered request is moot.
      if ('cancel' in msg) {
        aborts.get(msg.cancel)?.abort();
        return queue;
      }
      if (msg.call === 'load') prefetch(msg.id, msg.args.source);
      const ac = new AbortController();
      aborts.set(msg.id, ac);
      queue = queue.then(() => handle(msg, ac.signal)).finally(() => aborts.delete(msg.id));
      return queue;
    },
  };
}
