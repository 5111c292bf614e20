import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TORCH_IMAGENET } from '../image/geometry';
import { ARCHITECTURES, narrowed } from '../models/architectures';
import { foldedShapes } from '../models/plan';
import { deleteModel, listModels, saveModel, storeSource } from './browser-store';
import { loadPackage } from './load-package';
import { pack, type NamedArray, type PackageMeta } from './pack';

const arch = narrowed({ ...ARCHITECTURES.drn_d_22, numClasses: 3 }, 8);
const meta = (id: string): PackageMeta => ({
  id,
  title: `model ${id}`,
  architecture: arch,
  classes: ['a', 'b', 'c'],
  provenance: 'test',
  license: 'none',
  preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
});
const tensors = (seed: number): NamedArray[] =>
  foldedShapes(arch).map((t, i) => ({
    name: t.name,
    shape: t.shape,
    data: Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(seed + i + j)),
  }));
// Small shards so that a package spans several records.
const packed = (id: string, seed = 0) => pack(meta(id), tensors(seed), { shardBytes: 40_000 });

async function clear() {
  for (const m of await listModels()) await deleteModel(m.id);
}

// Bit for bit, and far faster than toEqual on long typed arrays.
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await clear();
});

describe('browser model store (fake-indexeddb)', () => {
  it('round-trips a package: loadPackage(storeSource(id)) gives back the same tensors', async () => {
    const p = await packed('one', 1);
    expect(p.manifest.files.length).toBeGreaterThan(2);
    await saveModel(p);
    const pkg = await loadPackage(storeSource('one'));
    expect(pkg.manifest).toEqual(p.manifest);
    for (const t of tensors(1)) expect(bytesOf(pkg.weights.get(t.name)!.dataSync()).equals(bytesOf(t.data)), t.name).toBe(true);
    tf.dispose([...pkg.weights.values()]);
  });

  it('stores each shard on its own, not the whole buffer it is a view into', async () => {
    const p = await packed('views');
    await saveModel(p);
    const first = p.manifest.files[0];
    const bytes = await storeSource('views').read(first.path);
    expect(bytes.byteLength).toBe(first.bytes);
    expect(bytes.buffer.byteLength).toBe(first.bytes);
  });

  it('lists, replaces and deletes models', async () => {
    await saveModel(await packed('b'));
    await saveModel(await packed('a'));
    expect((await listModels()).map((m) => m.id)).toEqual(['a', 'b']);
    const again = await packed('a', 5);
    await saveModel(again);
    expect((await listModels()).map((m) => m.id)).toEqual(['a', 'b']);
    const pkg = await loadPackage(storeSource('a'));
    expect(bytesOf(pkg.weights.get('fc.bias')!.dataSync()).equals(bytesOf(tensors(5).at(-1)!.data))).toBe(true);
    tf.dispose([...pkg.weights.values()]);
    await deleteModel('a');
    expect((await listModels()).map((m) => m.id)).toEqual(['b']);
    await expect(storeSource('a').read(again.manifest.files[0].path)).rejects.toThrow(
      /^\(browser storage\) a\/group1-shard1of\d+\.bin: not in browser storage/,
    );
    await expect(loadPackage(storeSource('a'))).rejects.toThrow(/a\/manifest\.json: not in browser storage/);
    await deleteModel('never-stored');
  });

  it('a quota error midway leaves nothing stored and says so in words', async () => {
    const p = await packed('big');
    const put = IDBObjectStore.prototype.put;
    let n = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (++n === 3) throw new DOMException('quota', 'QuotaExceededError');
      return put.apply(this, args);
    });
    await expect(saveModel(p)).rejects.toThrow(/^saving model big \(\d+\.\d MB\) in browser storage: the browser's storage quota is exceeded/);
    vi.restoreAllMocks();
    expect(await listModels()).toEqual([]);
    await expect(storeSource('big').read(p.manifest.files[0].path)).rejects.toThrow(/not in browser storage/);
  });

  it('says when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      await expect(listModels()).rejects.toThrow(/^IndexedDB is not available in this browser/);
      await expect(saveModel(await packed('x'))).rejects.toThrow(/IndexedDB is not available/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('lists the readable models when one record is from another format', async () => {
    await saveModel(await packed('good'));
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('drn-lens-models');
      r.onsuccess = () => resolve(r.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('manifests', 'readwrite');
      tx.objectStore('manifests').put({ id: 'old', format: 'drn-lens-model/0' });
      tx.oncomplete = resolve;
    });
    db.close();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await listModels()).map((m) => m.id)).toEqual(['good']);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^\(browser storage\) old\/manifest\.json: format is "drn-lens-model\/0".*deleteModel\("old"\)/),
    );
    await deleteModel('old');
  });

  it('refuses a package whose shard bytes are missing', async () => {
    const p = await packed('partial');
    p.files.delete(p.manifest.files[1].path);
    await expect(saveModel(p)).rejects.toThrow(/^partial: the package lacks group1-shard2of\d+\.bin$/);
    expect(await listModels()).toEqual([]);
  });
});
