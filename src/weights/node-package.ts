// Model packages on disk (Node only): read one from a folder, write one from named tensors.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ByteSource } from './load-package';
import { FORMAT, SHARD_BYTES, type FileEntry, type ModelManifest, type WeightEntry } from './manifest';

export function folderSource(dir: string): ByteSource {
  const describe = (p: string) => relative(process.cwd(), resolve(dir, p)) || '.';
  return {
    describe,
    async read(path) {
      try {
        return new Uint8Array(await readFile(resolve(dir, path)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(`${describe(path)}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    },
  };
}

export type PackageMeta = Omit<ModelManifest, 'format' | 'weightsManifest' | 'files'>;

export interface NamedArray { name: string; shape: number[]; data: Float32Array }

/**
 * Writes manifest.json and weight shards of at most SHARD_BYTES. Writes into a temporary
 * folder and renames it, so an interrupted run never leaves a half-written package behind.
 */
export async function writePackage(dir: string, meta: PackageMeta, tensors: NamedArray[]): Promise<ModelManifest> {
  const total = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const t of tensors) {
    all.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    o += t.data.byteLength;
  }
  const nShards = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const paths = Array.from({ length: nShards }, (_, i) => `group1-shard${i + 1}of${nShards}.bin`);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const files: FileEntry[] = [];
  for (let i = 0; i < nShards; i++) {
    const bytes = all.subarray(i * SHARD_BYTES, Math.min(total, (i + 1) * SHARD_BYTES));
    await writeFile(join(tmp, paths[i]), bytes);
    files.push({ path: paths[i], bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const weights: WeightEntry[] = tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' }));
  const manifest: ModelManifest = { format: FORMAT, ...meta, weightsManifest: [{ paths, weights }], files };
  await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
  await mkdir(dirname(resolve(dir)), { recursive: true });
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return manifest;
}

/**
 * A package whose weights are another package's files (the same tensors in another topology):
 * its manifest points at the sibling's shards, so a browser downloads and caches them once.
 */
export async function writeLinkedPackage(dir: string, meta: PackageMeta, base: ModelManifest, baseDir: string): Promise<ModelManifest> {
  const rel = `../${basename(resolve(baseDir))}/`;
  const manifest: ModelManifest = {
    format: FORMAT,
    ...meta,
    weightsManifest: base.weightsManifest.map((g) => ({ ...g, paths: g.paths.map((p) => rel + p) })),
    files: base.files.map((f) => ({ ...f, path: rel + f.path })),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return manifest;
}
