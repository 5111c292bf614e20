// The inference worker: owns tfjs, the backend and the loaded models, so the page never blocks
// on a forward pass or on hashing 100 MB of weights. One request at a time, in arrival order.
import * as tf from '@tensorflow/tfjs';
import { LensModel } from '../../models/lens-model';
import { runFaithfulness } from '../../models/faithfulness-run';
import { type Inference } from '../../models/class-maps';
import { loadPackage, readManifest, type ByteSource, type LoadedPackage } from '../../weights/load-package';
import { ManifestError, type ModelManifest } from '../../weights/manifest';
import { storeSource } from '../../weights/browser-store';
import { startBackend, webgpuDevice } from './backends';
import { FetchSource } from './fetch-source';
import type { BackendChoice, BackendInfo, Calls, ModelInfo, ModelSource, Request, WorkerMessage } from './protocol';

const post = (m: WorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let choice: BackendChoice = 'auto';
let backend: BackendInfo | null = null;
let gpuLost: string | null = null;
/** Set while switching away from a lost GPU; requests wait for it, then retry once. */
let recovering: Promise<void> | null = null;

const sources = new Map<string, ModelSource>();
const models = new Map<string, LensModel>();
/**
 * Weights by the identity of their files: DRN-A-50 and ResNet-50 are the same tensors in two
 * topologies, so the second model costs neither a download nor memory.
 */
const weightSets = new Map<string, LoadedPackage['weights']>();

const filesKey = (m: ModelManifest) => m.files.map((f) => f.sha256).join(',');

function disposeModels(): void {
  for (const m of models.values()) m.releaseMaps();
  for (const w of weightSets.values()) tf.dispose([...w.values()]);
  weightSets.clear();
  models.clear();
}

function byteSource(src: ModelSource): ByteSource & { commit?(): Promise<void>; evict?(p: string[]): Promise<void>; cachedBytes?: number } {
  return src.kind === 'url' ? new FetchSource(src.manifestUrl) : storeSource(src.key);
}

/** After a load, what to warm up for: the page's input size and a way to say it is preparing; none when a photo follows at once. */
interface WarmUp { size?: number; onPhase(message: string): void }

async function load(key: string, src: ModelSource, onProgress: (loaded: number, total: number) => void, warm: WarmUp | null): Promise<ModelInfo> {
  const start = performance.now();
  models.get(key)?.releaseMaps();
  sources.set(key, src);
  let source = byteSource(src);
  const manifest = await readManifest(source);
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const shared = weightSets.get(filesKey(manifest));
  let cachedBytes = total;
  if (shared) {
    models.set(key, new LensModel({ manifest, weights: shared }));
  } else {
    let pkg: LoadedPackage;
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
    weightSets.set(filesKey(manifest), pkg.weights);
    models.set(key, new LensModel(pkg));
  }
  let warmUpMs = 0;
  if (warm) {
    warm.onPhase(`preparing ${manifest.title} on ${tf.getBackend()}`);
    warmUpMs = await models.get(key)!.warmUp(warm.size);
  }
  return {
    key, title: manifest.title, numClasses: manifest.classes.length, classes: manifest.classes,
    bytes: total, cachedBytes, ms: performance.now() - start, warmUpMs,
  };
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
  const device = webgpuDevice();
  if (!device) return;
  void device.lost.then((info) => {
    if (webgpuDevice() !== device) return;
    gpuLost = `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`;
    recovering = (async () => {
      disposeModels();
      tf.removeBackend('webgpu');
      backend = await startBackend(choice === 'webgpu' ? 'auto' : choice, ['webgpu']);
      backend.notes.push(`webgpu: the device was lost (${gpuLost}); reload the page to try it again`);
      post({ type: 'backend', info: backend, reason: `The WebGPU device was lost (${gpuLost}); now running on ${backend.name}.` });
    })().finally(() => { recovering = null; });
  });
}

async function init(c: BackendChoice): Promise<BackendInfo> {
  choice = c;
  disposeModels();
  backend = await startBackend(c, gpuLost ? ['webgpu'] : []);
  if (gpuLost) backend.notes.push(`webgpu: the device was lost earlier (${gpuLost}); reload the page to try it again`);
  watchGpu();
  return backend;
}

function transferables(inf: Inference): Transferable[] {
  return [inf.maps.data.buffer, inf.maps.winner.buffer, inf.logits.buffer] as Transferable[];
}

async function handle(req: Request): Promise<void> {
  const { id } = req;
  const run = async (): Promise<[unknown, Transferable[]]> => {
    switch (req.call) {
      case 'init':
        return [await init(req.args.backend), []];
      case 'load':
        return [await load(req.args.key, req.args.source, (loaded, total) => post({ type: 'progress', id, loaded, total }), req.args.warmUp === false ? null : {
          size: req.args.size, onPhase: (message) => post({ type: 'phase', id, phase: 'preparing', message }),
        }), []];
      case 'warmUp': {
        const m = await model(req.args.key);
        post({ type: 'phase', id, phase: 'preparing', message: `preparing ${m.manifest.title} on ${tf.getBackend()}` });
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
        cancelRequested = false;
        const curves = await runFaithfulness(m, image, {
          classIndex, steps, size, flip, onStep: (done, total) => post({ type: 'progress', id, loaded: done, total }), cancelled: () => cancelRequested,
        });
        return [curves, []];
      }
      case 'cancel':
        // Handled on arrival (onmessage); here only if it was queued by mistake.
        return [false, []];
      case 'memory': {
        const mem = tf.memory();
        return [{ numTensors: mem.numTensors, numBytes: mem.numBytes } satisfies Calls['memory']['result'], []];
      }
      case 'unload': {
        const m = models.get(req.args.key);
        m?.releaseMaps();
        models.delete(req.args.key);
        sources.delete(req.args.key);
        // Weights go once no other loaded model shares them.
        const k = m && filesKey(m.manifest);
        const w = k ? weightSets.get(k) : undefined;
        if (k && w && ![...models.values()].some((o) => filesKey(o.manifest) === k)) {
          tf.dispose([...w.values()]);
          weightSets.delete(k);
        }
        return [m !== undefined, []];
      }
      case 'loseDevice': {
        const device = webgpuDevice();
        device?.destroy();
        return [device !== null, []];
      }
    }
  };
  try {
    let result: [unknown, Transferable[]];
    if (recovering) await recovering;
    try {
      result = await run();
    } catch (e) {
      // The GPU went away under this request: wait for the fallback backend, then retry once.
      await new Promise((r) => setTimeout(r, 100));
      if (!recovering) throw e;
      await recovering;
      result = await run();
    }
    post({ type: 'ok', id, result: result[0] }, result[1]);
  } catch (e) {
    post({ type: 'error', id, message: (e as Error).message || String(e) });
  }
}

/** Set by a cancel request, read between the forward passes of a faithfulness run. */
let cancelRequested = false;

let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<Request>) => {
  // A cancel must not wait behind the run it cancels.
  if (ev.data.call === 'cancel') {
    cancelRequested = true;
    post({ type: 'ok', id: ev.data.id, result: true });
    return;
  }
  queue = queue.then(() => handle(ev.data));
};
