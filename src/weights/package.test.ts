import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed } from '../models/architectures';
import { foldedShapes } from '../models/plan';
import { TORCH_IMAGENET } from '../image/geometry';
import { loadPackage } from './load-package';
import { checkTensors, parseManifest, type ModelManifest } from './manifest';
import { folderSource, writePackage } from './node-package';
import type { NamedArray, PackageMeta } from './pack';

const arch = narrowed({ ...ARCHITECTURES.drn_d_22, numClasses: 3 }, 8);
const meta: PackageMeta = {
  id: 'tiny', title: 'tiny', architecture: arch, classes: ['a', 'b', 'c'], provenance: 'test', license: 'none',
  preprocessing: { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } },
};
const tensors: NamedArray[] = foldedShapes(arch).map((t, i) => ({
  name: t.name, shape: t.shape, data: Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(i + j)),
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
