import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed } from '../models/architectures';
import { foldedShapes } from '../models/plan';
import { TORCH_IMAGENET } from '../image/geometry';
import { loadPackage } from './load-package';
import { createHash } from 'node:crypto';
import { toFloat16 } from './float16';
import { checkTensors, packageStorage, parseManifest, tensorBytes, type ModelManifest } from './manifest';
import { folderSource, writeLinkedPackage, writePackage } from './node-package';
import { pack, type NamedArray, type PackageMeta } from './pack';

const arch = narrowed({ ...ARCHITECTURES.drn_d_22, numClasses: 3 }, 8);
const meta: PackageMeta = {
  id: 'tiny',
  title: 'tiny',
  architecture: arch,
  classes: ['a', 'b', 'c'],
  provenance: 'test',
  license: 'none',
  preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
};
const tensors: NamedArray[] = foldedShapes(arch).map((t, i) => ({
  name: t.name,
  shape: t.shape,
  data: Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(i + j)),
}));

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'drn-pkg-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model packages', () => {
  it('round-trips tensors bit for bit through small shards', async () => {
    const m = await writePackage(join(dir, 'ok'), meta, tensors);
    expect(m.files.every((f) => f.bytes < 4 * 1024 * 1024)).toBe(true);
    const pkg = await loadPackage(folderSource(join(dir, 'ok')));
    for (const t of tensors) expect(pkg.weights.get(t.name)!.dataSync()).toEqual(t.data);
    tf.dispose([...pkg.weights.values()]);
  });

  it('names the first tensor that does not fit the architecture', () => {
    const m: ModelManifest = JSON.parse(readFileSync(join(dir, 'ok', 'manifest.json'), 'utf8'));
    const bad = structuredClone(m);
    bad.weightsManifest[0].weights[2].shape = [3, 3, 2, 5];
    expect(() => checkTensors(bad)).toThrow(/tensor layer1\.0\.kernel has shape \[3,3,2,5\], architecture drn_d_22_w8 needs \[3,3,2,2\]/);
    const missing = structuredClone(m);
    missing.weightsManifest[0].weights.pop();
    expect(() => checkTensors(missing)).toThrow(/tensor fc\.bias \[3\] missing/);
    const renamed = structuredClone(m);
    renamed.weightsManifest[0].weights[0].name = 'conv1.kernel';
    expect(() => checkTensors(renamed)).toThrow(/tensor conv1\.kernel found where layer0\.0\.kernel was expected/);
    expect(() => parseManifest({ ...m, format: 'x' })).toThrow(/format is "x"/);
    expect(() => parseManifest([])).toThrow(/not a JSON object/);
  });

  it('refuses a weight file of the wrong size, naming it', async () => {
    await writePackage(join(dir, 'short'), meta, tensors);
    const shard = join(dir, 'short', 'group1-shard1of1.bin');
    truncateSync(shard, 100);
    await expect(loadPackage(folderSource(join(dir, 'short')))).rejects.toThrow(/group1-shard1of1\.bin: 100 bytes, the manifest says \d+/);
  });

  it('refuses a weight file whose content changed', async () => {
    await writePackage(join(dir, 'flip'), meta, tensors);
    const shard = join(dir, 'flip', 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    bytes[10] ^= 1;
    writeFileSync(shard, bytes);
    await expect(loadPackage(folderSource(join(dir, 'flip')))).rejects.toThrow(/group1-shard1of1\.bin: sha256 .* does not match/);
  });

  it('says which file is missing', async () => {
    await expect(loadPackage(folderSource(join(dir, 'nothing')))).rejects.toThrow(/nothing\/manifest\.json: no such file/);
    await writePackage(join(dir, 'gone'), meta, tensors);
    rmSync(join(dir, 'gone', 'group1-shard1of1.bin'));
    await expect(loadPackage(folderSource(join(dir, 'gone')))).rejects.toThrow(/group1-shard1of1\.bin: no such file/);
  });
});

describe('float16 model packages', () => {
  const decodedHalf = (t: NamedArray) => {
    const x = tf.io.decodeWeights(toFloat16(t.data).buffer, [
      { name: 'x', shape: [t.data.length], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]).x;
    const v = x.dataSync();
    x.dispose();
    return v;
  };

  it('stores half the bytes, says so in the manifest, and loads as the float16-rounded float32 values', async () => {
    const f32 = await writePackage(join(dir, 'full'), meta, tensors, { shardBytes: 3000 });
    const m = await writePackage(join(dir, 'half'), meta, tensors, { dtype: 'float16', shardBytes: 3000 });
    expect(packageStorage(f32)).toBe('float32');
    expect(packageStorage(m)).toBe('float16');
    expect(m.weightsManifest[0].weights.every((w) => w.quantization?.dtype === 'float16' && w.dtype === 'float32')).toBe(true);
    expect(f32.weightsManifest[0].weights.some((w) => 'quantization' in w)).toBe(false);
    expect(tensorBytes(m) * 2).toBe(tensorBytes(f32));
    expect(m.files.reduce((n, f) => n + f.bytes, 0)).toBe(tensorBytes(m));
    expect(m.files.length).toBeGreaterThan(1);
    expect(m.files.every((f) => /^group1-f16-shard\d+of\d+\.bin$/.test(f.path))).toBe(true);
    const pkg = await loadPackage(folderSource(join(dir, 'half')));
    for (const t of tensors) {
      const got = pkg.weights.get(t.name)!;
      expect(got.dtype).toBe('float32');
      expect(got.dataSync()).toEqual(decodedHalf(t));
    }
    tf.dispose([...pkg.weights.values()]);
  });

  it('lists the sha256 and size of the stored (float16) bytes of each shard, and refuses a changed one', async () => {
    const m = await writePackage(join(dir, 'half-sha'), meta, tensors, { dtype: 'float16', shardBytes: 3000 });
    for (const f of m.files) {
      const bytes = readFileSync(join(dir, 'half-sha', f.path));
      expect(statSync(join(dir, 'half-sha', f.path)).size).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
    const shard = join(dir, 'half-sha', m.files[1].path);
    const bytes = readFileSync(shard);
    bytes[7] ^= 1;
    writeFileSync(shard, bytes);
    await expect(loadPackage(folderSource(join(dir, 'half-sha')))).rejects.toThrow(/group1-f16-shard2of\d+\.bin: sha256 .* does not match/);
  });

  it("loads through a linked package (DRN-A-50 on ResNet-50's shards) the same as float32 does", async () => {
    const baseDir = join(dir, 'base16');
    const base = await writePackage(baseDir, meta, tensors, { dtype: 'float16' });
    await writeLinkedPackage(join(dir, 'linked16'), { ...meta, id: 'linked16' }, base, baseDir);
    const linked = JSON.parse(readFileSync(join(dir, 'linked16', 'manifest.json'), 'utf8')) as ModelManifest;
    expect(linked.files.map((f) => f.path)).toEqual(base.files.map((f) => `../base16/${f.path}`));
    expect(packageStorage(linked)).toBe('float16');
    const pkg = await loadPackage(folderSource(join(dir, 'linked16')));
    expect(pkg.weights.get(tensors[3].name)!.dataSync()).toEqual(decodedHalf(tensors[3]));
    tf.dispose([...pkg.weights.values()]);
  });

  it('refuses a value float16 cannot hold instead of storing Inf', async () => {
    const big = tensors.map((t, i) => (i === 2 ? { ...t, data: t.data.map((v, j) => (j === 1 ? 70000 : v)) } : t));
    await expect(pack(meta, big, { dtype: 'float16' })).rejects.toThrow(`tensor ${tensors[2].name}: value 70000 is beyond float16's range`);
    await expect(pack(meta, big)).resolves.toBeTruthy();
  });

  it('names a bad quantization in the manifest, and a package that mixes storage types', async () => {
    const m = (await pack(meta, tensors, { dtype: 'float16' })).manifest;
    const bad = structuredClone(m) as unknown as { weightsManifest: { weights: { quantization?: unknown }[] }[] };
    bad.weightsManifest[0].weights[1].quantization = { dtype: 'bfloat16' };
    expect(() => parseManifest(bad, 'x.json')).toThrow(
      /^x\.json: tensor layer0\.0\.bias has quantization \{"dtype":"bfloat16"\}; only \{"dtype":"float16"\}/,
    );
    bad.weightsManifest[0].weights[1].quantization = { dtype: 'uint8', min: 0, scale: 1 };
    expect(() => parseManifest(bad)).toThrow(/quantization \{"dtype":"uint8","min":0,"scale":1\}/);
    const mixed = structuredClone(m);
    delete mixed.weightsManifest[0].weights[4].quantization;
    expect(() => parseManifest(mixed)).toThrow(
      `tensor ${tensors[4].name} is stored as float32 but ${tensors[0].name} as float16; a package uses one storage type`,
    );
  });
});
