import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TORCH_IMAGENET } from '../../image/geometry';
import { ARCHITECTURES, narrowed } from '../../models/architectures';
import { mapOf, type Inference, type MapPlanes } from '../../models/class-maps';
import { LensModel } from '../../models/lens-model';
import { randomWeights } from '../../models/random-weights';
import { memorySource, pack, type NamedArray, type PackageMeta, type PackedModel } from '../../weights/pack';
import type { LosableDevice } from './backends';
import { createInferenceCore, type InferenceCore, type ModelBytes } from './inference-core';
import type { BackendChoice, BackendInfo, BackendName, CallName, Calls, ModelInfo, ModelSource, Request, WorkerMessage } from './protocol';
import { patternImage as photo } from '../../image/test-images.testkit';

const CLASSES = 6;
const arch = narrowed({ ...ARCHITECTURES.drn_c_26, numClasses: CLASSES }, 8);

async function tinyPackage(id: string, title: string, seed: number): Promise<PackedModel> {
  const weights = randomWeights(arch, seed);
  const tensors: NamedArray[] = [...weights].map(([name, t]) => ({ name, shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose([...weights.values()]);
  const meta: PackageMeta = {
    id,
    title,
    architecture: arch,
    classes: Array.from({ length: CLASSES }, (_, i) => `class ${i}`),
    provenance: 'test',
    license: 'none',
    preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
  };
  // Small shards, so that a load reports progress more than once.
  return pack(meta, tensors, { shardBytes: 64 * 1024 });
}

/** A photo with structure on both axes. */

interface FakeDevice extends LosableDevice {
  lose(reason: string, message: string): void;
}

function fakeDevice(): FakeDevice {
  let lose!: (info: { reason: string; message: string }) => void;
  const lost = new Promise<{ reason: string; message: string }>((r) => {
    lose = r;
  });
  return {
    lost,
    lose: (reason, message) => lose({ reason, message }),
    destroy: () => lose({ reason: 'destroyed', message: 'Device was destroyed.' }),
  };
}

/**
 * Sources whose first shard arrives damaged until evict() repairs it. With `cached`, the damaged
 * shard came from the browser cache (fetch-source.ts): evicting it and downloading again fixes it.
 */
class CorruptCache {
  damaged = true;
  evicted: string[] = [];
  commits = 0;
  constructor(private cached: boolean) {}
  source(pkg: PackedModel): ModelBytes {
    const plain = memorySource(pkg);
    const damaged = this.damaged;
    const bytes: ModelBytes = {
      describe: (p) => `cache/${p}`,
      read: async (p) => {
        const b = await plain.read(p);
        if (!damaged || p !== pkg.manifest.files[0].path) return b;
        const bad = b.slice();
        bad[0] ^= 1;
        return bad;
      },
      commit: async () => {
        this.commits++;
      },
      ...(this.cached
        ? {
            evict: async (paths: string[]) => {
              this.evicted.push(...paths);
              this.damaged = false;
            },
          }
        : {}),
    };
    if (this.cached) bytes.cachedBytes = damaged ? pkg.manifest.files[0].bytes : 0;
    return bytes;
  }
}

/** Packages by manifest URL: tiny A and tiny B hold the same tensors (one weight set), tiny C others. */
let packages: Map<string, PackedModel>;
const manifestUrl = (name: string) => `https://models.test/${name}/manifest.json`;
const url = (name: string): ModelSource => ({ kind: 'url', manifestUrl: manifestUrl(name) });

/**
 * The core with everything around it faked: tfjs really runs (on 'cpu'), the backend start names
 * webgpu (with a device the test can lose) unless it is excluded, and every message is cloned the
 * way postMessage does, its buffers transferred.
 */
function harness({ startMs = 0, corrupt, lossGraceMs = 20 }: { startMs?: number; corrupt?: CorruptCache; lossGraceMs?: number } = {}) {
  const messages: WorkerMessage[] = [];
  const transfers: number[][] = [];
  const starts: { choice: BackendChoice; exclude: BackendName[] }[] = [];
  const removed: BackendName[] = [];
  const reads: string[] = [];
  let device: FakeDevice | null = null;
  let nextId = 1;
  const core: InferenceCore = createInferenceCore({
    post: (m, transfer) => {
      transfers.push(transfer.map((b) => (b as ArrayBuffer).byteLength));
      messages.push(structuredClone(m, { transfer }));
    },
    async startBackend(choice, exclude) {
      starts.push({ choice, exclude });
      await new Promise((r) => setTimeout(r, startMs));
      const name: BackendName = choice === 'auto' || choice === 'webgpu' ? (exclude.includes('webgpu') ? 'cpu' : 'webgpu') : choice;
      device = name === 'webgpu' ? fakeDevice() : null;
      return { name, device: `fake ${name}`, software: false, notes: [] };
    },
    webgpuDevice: () => device,
    removeBackend: (name) => {
      removed.push(name);
    },
    byteSource(src): ModelBytes {
      const path = src.kind === 'url' ? src.manifestUrl : src.key;
      const pkg = packages.get(path);
      if (corrupt) return corrupt.source(pkg!);
      return {
        describe: (p) => `${path}/${p}`,
        async read(p, onBytes) {
          reads.push(`${path}/${p}`);
          if (!pkg) throw new Error(`${path}/${p}: no such file`);
          const bytes = await memorySource(pkg).read(p);
          onBytes?.(bytes.length);
          return bytes;
        },
      };
    },
    lossGraceMs,
  });
  /** Queues a request; resolves with its id once it is answered. */
  const send = async <K extends CallName>(call: K, args: Calls[K]['args']): Promise<number> => {
    const id = nextId++;
    await core.receive({ id, call, args } as Request);
    return id;
  };
  const answer = (id: number) => {
    const a = messages.filter((m) => (m.type === 'ok' || m.type === 'error') && m.id === id);
    expect(a, `answers to request ${id}`).toHaveLength(1);
    return a[0] as Extract<WorkerMessage, { type: 'ok' | 'error' }>;
  };
  const result = <K extends CallName>(_call: K, id: number): Calls[K]['result'] => {
    const a = answer(id);
    if (a.type === 'error') throw new Error(`request ${id} failed: ${a.message}`);
    return a.result as Calls[K]['result'];
  };
  const error = (id: number): string => {
    const a = answer(id);
    if (a.type !== 'error') throw new Error(`request ${id} succeeded`);
    return a.message;
  };
  const call = async <K extends CallName>(k: K, args: Calls[K]['args']) => result(k, await send(k, args));
  const tensors = async () => (await call('memory', {})).numTensors;
  return { core, messages, transfers, starts, removed, reads, device: () => device, send, answer, result, error, call, tensors };
}
type Harness = ReturnType<typeof harness>;

const INFER = { topK: 3, extraClasses: [], size: 224 };
const infer = (h: Harness, key: string, seed = 1) => h.call('infer', { key, image: photo(300, 240, seed), ...INFER });

let opened: Harness[] = [];
const open = (options?: Parameters<typeof harness>[0]) => {
  const h = harness(options);
  opened.push(h);
  return h;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  const [a, b, c] = await Promise.all([tinyPackage('tiny-a', 'tiny A', 3), tinyPackage('tiny-b', 'tiny B', 3), tinyPackage('tiny-c', 'tiny C', 7)]);
  packages = new Map([
    [manifestUrl('a'), a],
    [manifestUrl('b'), b],
    [manifestUrl('c'), c],
  ]);
});
afterEach(async () => {
  vi.restoreAllMocks();
  // Every test leaves tfjs as it found it: whatever a core still holds goes.
  for (const h of opened) for (const key of ['a', 'b', 'c']) await h.send('unload', { key });
  opened = [];
});

describe('the inference core (the worker without the Worker)', () => {
  it('answers one request at a time, in arrival order: a slow infer, then a fast memory call', async () => {
    const h = open();
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    const slow = h.send('infer', { key: 'a', image: photo(300, 240), ...INFER });
    const fast = h.send('memory', {});
    const [inferId, memoryId] = await Promise.all([slow, fast]);
    const order = h.messages.flatMap((m) => (m.type === 'ok' ? [m.id] : []));
    expect(order.slice(-2)).toEqual([inferId, memoryId]);
    // The memory call ran after the infer: it counts the maps the infer kept.
    expect(h.result('memory', memoryId).numTensors).toBeGreaterThan(0);
  });

  it('a load reads its files while the backend still starts, each file once', async () => {
    const h = open({ startMs: 300 });
    const init = h.send('init', { backend: 'cpu' });
    const load = h.send('load', { key: 'a', source: url('a'), warmUp: false });
    await new Promise((r) => setTimeout(r, 150));
    expect(h.messages.filter((m) => m.type === 'ok')).toHaveLength(0);
    const shards = packages.get(manifestUrl('a'))!.manifest.files.map((f) => `${manifestUrl('a')}/${f.path}`);
    expect(h.reads).toEqual(expect.arrayContaining(shards));
    const [, loadId] = await Promise.all([init, load]);
    expect(h.result('load', loadId)).toMatchObject({ key: 'a', cachedBytes: expect.any(Number) });
    expect(new Set(h.reads).size).toBe(h.reads.length);
    expect(h.reads.filter((r) => r.endsWith('manifest.json'))).toHaveLength(1);
  });

  it("a load reports progress and its warm-up phase under its id, then ok with the model's info", async () => {
    const h = open();
    const id = await h.send('load', { key: 'a', source: url('a'), size: 224 });
    const mine = h.messages.filter((m) => 'id' in m && m.id === id);
    const kinds = mine.map((m) => m.type).filter((t, i, all) => t !== all[i - 1]);
    expect(kinds).toEqual(['progress', 'phase', 'ok']);
    const progress = mine.flatMap((m) => (m.type === 'progress' ? [m] : []));
    const total = packages.get(manifestUrl('a'))!.manifest.files.reduce((n, f) => n + f.bytes, 0);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p, i) => p.total === total && (i === 0 || p.loaded >= progress[i - 1].loaded))).toBe(true);
    expect(progress.at(-1)!.loaded).toBe(total);
    expect(mine.find((m) => m.type === 'phase')).toEqual({ type: 'phase', id, phase: 'preparing', message: 'preparing tiny A on cpu' });
    const info = h.result('load', id) as ModelInfo;
    expect(info).toMatchObject({ key: 'a', title: 'tiny A', numClasses: CLASSES, bytes: total, cachedBytes: total });
    expect(info.classes).toHaveLength(CLASSES);
    // The load's split: files read (their sha256 checks inside), then tensors, within the whole.
    expect(info.sha256Ms).toBeGreaterThan(0);
    expect(info.bytesMs).toBeGreaterThanOrEqual(info.sha256Ms);
    expect(info.tensorsMs).toBeGreaterThan(0);
    expect(info.bytesMs + info.tensorsMs).toBeLessThanOrEqual(info.ms);

    const noWarm = await h.send('load', { key: 'c', source: url('c'), warmUp: false });
    expect(h.messages.some((m) => m.type === 'phase' && m.id === noWarm)).toBe(false);
    const warm = await h.send('warmUp', { key: 'c', size: 256 });
    expect(h.messages.find((m) => m.type === 'phase' && m.id === warm)).toMatchObject({ message: 'preparing tiny C on cpu' });
    expect(typeof h.result('warmUp', warm)).toBe('number');

    const missing = await h.send('load', { key: 'x', source: url('nowhere'), warmUp: false });
    expect(h.error(missing)).toBe('https://models.test/nowhere/manifest.json/manifest.json: no such file');
  });

  it('a damaged cached shard is evicted and the package loaded afresh; with no cache, its error', async () => {
    const cache = new CorruptCache(true);
    const h = open({ corrupt: cache });
    const info = (await h.call('load', { key: 'a', source: url('a'), warmUp: false })) as ModelInfo;
    expect(cache.evicted).toEqual(packages.get(manifestUrl('a'))!.manifest.files.map((f) => f.path));
    expect(cache.commits).toBe(1);
    // All of it downloaded the second time.
    expect(info.cachedBytes).toBe(0);
    const none = open({ corrupt: new CorruptCache(false) });
    const id = await none.send('load', { key: 'a', source: { kind: 'idb', key: manifestUrl('a') }, warmUp: false });
    expect(none.error(id)).toMatch(/^cache\/group1-shard1of\d+\.bin: sha256 [0-9a-f]{64} does not match the manifest/);
  });

  it("an infer answers with transferred buffers; maps afterwards give that photo's planes of any class", async () => {
    const h = open();
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    expect(h.error(await h.send('maps', { key: 'a', classes: [0] }))).toBe("tiny A: no photo's maps are kept; infer a photo first");
    expect(h.error(await h.send('maps', { key: 'zz', classes: [0] }))).toBe('model zz is not loaded');

    const inf = (await infer(h, 'a')) as Inference;
    expect(h.transfers.at(-1)).toEqual([inf.maps.data.byteLength, inf.maps.winner.byteLength, inf.logits.byteLength]);
    expect(inf.top).toHaveLength(3);
    expect(inf.maps.winner).toHaveLength(inf.maps.width * inf.maps.height);
    const top = inf.top[0].index;
    const other = [...Array(CLASSES).keys()].find((c) => !inf.maps.classes.includes(c))!;
    const planes = (await h.call('maps', { key: 'a', classes: [top, other] })) as MapPlanes;
    expect(h.transfers.at(-1)).toEqual([planes.data.byteLength]);
    expect(planes.classes).toEqual([top, other]);
    expect(Array.from(planes.data.subarray(0, inf.maps.width * inf.maps.height))).toEqual(Array.from(mapOf(inf.maps, top)));
    expect(h.error(await h.send('maps', { key: 'a', classes: [CLASSES] }))).toBe(
      `tiny A: class ${CLASSES} is not one of its classes 0-${CLASSES - 1}`,
    );
  });

  it('a failed request does not stop the queue', async () => {
    const h = open();
    const ids = await Promise.all([
      h.send('infer', { key: 'never', image: photo(64, 64), ...INFER }),
      h.send('load', { key: 'a', source: url('a'), warmUp: false }),
      h.send('maps', { key: 'a', classes: [0] }),
      h.send('infer', { key: 'a', image: photo(300, 240), ...INFER }),
      h.send('memory', {}),
    ]);
    expect(h.error(ids[0])).toBe('model never was never loaded');
    expect(h.answer(ids[1]).type).toBe('ok');
    expect(h.error(ids[2])).toMatch(/no photo's maps are kept/);
    expect(h.answer(ids[3]).type).toBe('ok');
    expect(h.answer(ids[4]).type).toBe('ok');
  });

  it('two models with identical files share one weight set, loaded once and kept until the last one goes', async () => {
    const h = open();
    const base = await h.tensors();
    const idA = await h.send('load', { key: 'a', source: url('a'), warmUp: false });
    const withA = await h.tensors();
    expect(withA).toBeGreaterThan(base);
    h.reads.length = 0;
    const idB = await h.send('load', { key: 'b', source: url('b'), warmUp: false });
    // Only B's manifest was read: its shards are A's by sha256.
    expect(h.reads).toEqual(['https://models.test/b/manifest.json/manifest.json']);
    expect(h.messages.some((m) => m.type === 'progress' && m.id === idB)).toBe(false);
    expect(h.result('load', idB)).toMatchObject({ title: 'tiny B', bytes: (h.result('load', idA) as ModelInfo).bytes, bytesMs: 0, tensorsMs: 0 });
    expect(await h.tensors()).toBe(withA);

    const a = (await infer(h, 'a')) as Inference;
    const b = (await infer(h, 'b')) as Inference;
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    expect(await h.call('unload', { key: 'a' })).toBe(true);
    // B's kept maps remain, and the shared weights, which B still uses.
    expect(await h.tensors()).toBe(withA + 1);
    const again = (await infer(h, 'b')) as Inference;
    expect(Array.from(again.logits)).toEqual(Array.from(a.logits));
    expect(h.error(await h.send('infer', { key: 'a', image: photo(64, 64), ...INFER }))).toBe('model a was never loaded');
    expect(await h.call('unload', { key: 'b' })).toBe(true);
    expect(await h.tensors()).toBe(base);
    expect(await h.call('unload', { key: 'b' })).toBe(false);

    // A model with other weights gets its own set.
    await h.call('load', { key: 'c', source: url('c'), warmUp: false });
    expect(await h.tensors()).toBe(withA);
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    expect(await h.tensors()).toBe(2 * withA - base);
  });

  it('repeated infer and maps calls hold the tensor count flat', async () => {
    const h = open();
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    await infer(h, 'a');
    // The first maps call makes the classifier's columns (kept for every later one, taught heads too).
    await h.call('maps', { key: 'a', classes: [0] });
    const after1 = await h.tensors();
    for (let i = 0; i < 3; i++) {
      await h.call('infer', { key: 'a', image: photo(320, 256, i + 2), ...INFER, extraClasses: [1, 4], winner: i % 2 === 0, flip: i === 1 });
      await h.call('maps', { key: 'a', classes: [0, 1, 2, 3, 4, 5] });
      expect(await h.tensors()).toBe(after1);
    }
  });

  it("answers a request that is not the protocol's with the problem named, and never runs it", async () => {
    const h = open();
    const spy = vi.spyOn(LensModel.prototype, 'infer');
    await h.core.receive({ id: 901, call: 'infer', args: { key: 'a', topK: 3, extraClasses: [] } });
    await h.core.receive({ id: 902, call: 'teleport', args: {} });
    await h.core.receive({ id: 903, call: 'maps', args: 'all' });
    await h.core.receive({ call: 'memory', args: {} });
    await h.core.receive('hello');
    expect(h.error(901)).toBe('the worker was sent the arguments of infer.image is missing or of the wrong type');
    expect(h.error(902)).toBe('the worker was sent a request for an unknown call "teleport"');
    expect(h.error(903)).toBe('the worker was sent the arguments of maps are not an object');
    // Without an id there is no request to answer.
    expect(h.messages.filter((m) => m.type === 'error')).toHaveLength(3);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    // The queue goes on.
    expect(await h.tensors()).toBeGreaterThanOrEqual(0);
  });

  it('a cancel drops a queued request before it runs and stops a running faithfulness call; both are answered as aborted', async () => {
    const h = open();
    await h.call('init', { backend: 'wasm' });
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    const spy = vi.spyOn(LensModel.prototype, 'infer');
    const image = photo(300, 240);
    const first = h.core.receive({ id: 101, call: 'infer', args: { key: 'a', image, ...INFER } });
    const second = h.core.receive({ id: 102, call: 'infer', args: { key: 'a', image, ...INFER } });
    await h.core.receive({ cancel: 102 });
    await Promise.all([first, second]);
    expect(h.answer(101).type).toBe('ok');
    expect(h.answer(102)).toMatchObject({ type: 'error', aborted: true });
    expect(spy).toHaveBeenCalledTimes(1);
    // Running: stopped between its forward passes.
    const faith = h.core.receive({ id: 103, call: 'faithfulness', args: { key: 'a', image, classIndex: 1, steps: 8, size: 224 } });
    await new Promise((r) => setTimeout(r, 0));
    await h.core.receive({ cancel: 103 });
    await faith;
    expect(h.answer(103)).toMatchObject({ type: 'error', aborted: true });
    expect(spy.mock.calls.length).toBeLessThan(1 + 2 * 8);
    // A cancel of an answered request changes nothing.
    await h.core.receive({ cancel: 101 });
    expect(h.answer(101).type).toBe('ok');
  });

  it('a failure with no GPU device to lose is reported at once, without the loss grace', async () => {
    const h = open({ lossGraceMs: 5_000 });
    await h.call('init', { backend: 'wasm' });
    await h.call('load', { key: 'a', source: url('a'), warmUp: false });
    vi.spyOn(LensModel.prototype, 'infer').mockRejectedValueOnce(new Error('out of memory'));
    const t0 = performance.now();
    expect(h.error(await h.send('infer', { key: 'a', image: photo(300, 240), ...INFER }))).toBe('out of memory');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  describe('losing the WebGPU device', () => {
    // The fallback starts within the 20 ms the failed request waits, or takes longer.
    it.each([0, 80])(
      'while a request runs (fallback starting in %i ms): models go, the fallback starts and is announced, the request is retried once and answered',
      async (startMs) => {
        const h = open({ startMs });
        expect(await h.call('init', { backend: 'auto' })).toMatchObject({ name: 'webgpu' });
        await h.call('load', { key: 'a', source: url('a'), warmUp: false });
        const reference = (await infer(h, 'a')) as Inference;
        const before = await h.tensors();
        const device = h.device()!;
        const spy = vi.spyOn(LensModel.prototype, 'infer').mockImplementationOnce(async () => {
          device.lose('unknown', 'GPU reset by the driver');
          throw new Error('readback failed: the device is lost');
        });
        h.reads.length = 0;
        const id = await h.send('infer', { key: 'a', image: photo(300, 240), ...INFER });
        expect(spy).toHaveBeenCalledTimes(2);
        const inf = h.result('infer', id) as Inference;
        expect(Array.from(inf.logits)).toEqual(Array.from(reference.logits));
        const at = h.messages.findIndex((m) => m.type === 'backend');
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThan(h.messages.findIndex((m) => m.type === 'ok' && m.id === id));
        const announced = h.messages[at] as Extract<WorkerMessage, { type: 'backend' }>;
        expect(announced.reason).toBe('The WebGPU device was lost (unknown: GPU reset by the driver); now running on cpu.');
        expect(announced.info.name).toBe('cpu');
        expect(announced.info.notes).toEqual(['webgpu: the device was lost (unknown: GPU reset by the driver); reload the page to try it again']);
        expect(h.starts.at(-1)).toEqual({ choice: 'auto', exclude: ['webgpu'] });
        expect(h.removed).toEqual(['webgpu']);
        // The weights were reloaded for the new backend, and the old ones disposed.
        expect(h.reads).toContain('https://models.test/a/manifest.json/manifest.json');
        expect(h.reads.filter((r) => r.endsWith('.bin')).length).toBeGreaterThan(0);
        expect(await h.tensors()).toBe(before);
      },
    );

    it('a request that fails with no device lost is answered with its error, not retried', async () => {
      const h = open();
      await h.call('init', { backend: 'auto' });
      await h.call('load', { key: 'a', source: url('a'), warmUp: false });
      const spy = vi.spyOn(LensModel.prototype, 'infer').mockRejectedValueOnce(new Error('out of memory'));
      expect(h.error(await h.send('infer', { key: 'a', image: photo(300, 240), ...INFER }))).toBe('out of memory');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(h.messages.some((m) => m.type === 'backend')).toBe(false);
    });

    it('while idle (loseDevice): the next requests wait for the fallback; a later init never picks webgpu again', async () => {
      const h = open();
      await h.call('init', { backend: 'webgpu' });
      const empty = await h.tensors();
      await h.call('load', { key: 'a', source: url('a'), warmUp: false });
      const base = await h.tensors();
      expect(await h.call('loseDevice', {})).toBe(true);
      // Queued behind the loss: answered once the fallback runs, the model reloaded.
      const [inferId] = await Promise.all([h.send('infer', { key: 'a', image: photo(300, 240), ...INFER }), h.send('memory', {})]);
      expect(h.answer(inferId).type).toBe('ok');
      const announced = h.messages.find((m) => m.type === 'backend') as Extract<WorkerMessage, { type: 'backend' }>;
      expect(announced.reason).toBe('The WebGPU device was lost (destroyed: Device was destroyed.); now running on cpu.');
      // A forced webgpu falls back through the ranking.
      expect(h.starts.at(-1)).toEqual({ choice: 'auto', exclude: ['webgpu'] });
      expect(await h.tensors()).toBe(base + 1);
      expect(await h.call('loseDevice', {})).toBe(false);

      const info = (await h.call('init', { backend: 'webgpu' })) as BackendInfo;
      expect(h.starts.at(-1)).toEqual({ choice: 'webgpu', exclude: ['webgpu'] });
      expect(info.name).toBe('cpu');
      expect(info.notes).toContain('webgpu: the device was lost earlier (destroyed: Device was destroyed.); reload the page to try it again');
      // init drops the models (and their weights); an infer reloads them.
      expect(await h.tensors()).toBe(empty);
      expect(h.answer(await h.send('infer', { key: 'a', image: photo(300, 240), ...INFER })).type).toBe('ok');
    });

    it('the loss of a device no longer in use is ignored', async () => {
      const h = open();
      await h.call('init', { backend: 'auto' });
      const old = h.device()!;
      await h.call('init', { backend: 'wasm' });
      old.destroy();
      await h.call('memory', {});
      await new Promise((r) => setTimeout(r, 30));
      expect(h.messages.some((m) => m.type === 'backend')).toBe(false);
      expect(h.removed).toEqual([]);
    });
  });
});
