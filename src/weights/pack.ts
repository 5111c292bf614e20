// Named tensors -> a model package in memory (manifest + shard bytes). Browser-safe: the page's
// import worker uses it to store packages in IndexedDB, the CLI to write them to disk.
import type { ByteSource } from './load-package';
import { sha256Hex } from './sha256';
import { FORMAT, SHARD_BYTES, type FileEntry, type ModelManifest, type WeightEntry } from './manifest';

export type PackageMeta = Omit<ModelManifest, 'format' | 'weightsManifest' | 'files'>;

export interface NamedArray { name: string; shape: number[]; data: Float32Array }

export interface PackedModel {
  manifest: ModelManifest;
  /** Shard bytes by path (relative to manifest.json). */
  files: Map<string, Uint8Array>;
}

export async function pack(meta: PackageMeta, tensors: NamedArray[], shardBytes = SHARD_BYTES): Promise<PackedModel> {
  const total = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const t of tensors) {
    all.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    o += t.data.byteLength;
  }
  const n = Math.max(1, Math.ceil(total / shardBytes));
  const paths = Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  const files = new Map<string, Uint8Array>();
  const entries: FileEntry[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = all.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes));
    files.set(paths[i], bytes);
    entries.push({ path: paths[i], bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  const weights: WeightEntry[] = tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' }));
  return { manifest: { format: FORMAT, ...meta, weightsManifest: [{ paths, weights }], files: entries }, files };
}

/** A ByteSource over an in-memory package (tests, freshly imported models). */
export function memorySource(p: PackedModel): ByteSource {
  return {
    describe: (path) => `(imported) ${path}`,
    async read(path) {
      if (path === 'manifest.json') return new TextEncoder().encode(JSON.stringify(p.manifest));
      const f = p.files.get(path);
      if (!f) throw new Error(`(imported) ${path}: no such file`);
      return f;
    },
  };
}
