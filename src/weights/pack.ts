// Named tensors -> a model package in memory (manifest + shard bytes). Browser-safe: the page's
// import worker uses it to store packages in IndexedDB, the CLI to write them to disk.
import type { ByteSource } from './load-package';
import { sha256Hex } from './sha256';
import { FLOAT16_MAX, toFloat16 } from './float16';
import { FORMAT, SHARD_BYTES, type FileEntry, type ModelManifest, type StorageDtype, type WeightEntry } from './manifest';

export type PackageMeta = Omit<ModelManifest, 'format' | 'weightsManifest' | 'files'>;

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface PackedModel {
  manifest: ModelManifest;
  /** Shard bytes by path (relative to manifest.json). */
  files: Map<string, Uint8Array>;
}

export interface PackOptions {
  /** How the shards store the values (default float32). */
  dtype?: StorageDtype;
  shardBytes?: number;
}

/** A tensor's values as stored: float32 as is, or binary16 bits; refuses values float16 would turn into Inf. */
function stored(t: NamedArray, dtype: StorageDtype): Uint8Array {
  if (dtype === 'float32') return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const half = toFloat16(t.data);
  const i = half.findIndex((h, j) => (h & 0x7fff) === 0x7c00 && Number.isFinite(t.data[j]));
  if (i >= 0) throw new Error(`tensor ${t.name}: value ${t.data[i]} is beyond float16's range (+-${FLOAT16_MAX}); store this model as float32`);
  return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
}

export async function pack(
  meta: PackageMeta,
  tensors: NamedArray[],
  { dtype = 'float32', shardBytes = SHARD_BYTES }: PackOptions = {},
): Promise<PackedModel> {
  const parts = tensors.map((t) => stored(t, dtype));
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.byteLength;
  }
  const n = Math.max(1, Math.ceil(total / shardBytes));
  // float16 shards get their own names, so a browser's caches can never serve a float32 shard
  // under a float16 package's URL (or the reverse) after a server switches storage types.
  const stem = dtype === 'float16' ? 'group1-f16-shard' : 'group1-shard';
  const paths = Array.from({ length: n }, (_, i) => `${stem}${i + 1}of${n}.bin`);
  const files = new Map<string, Uint8Array>();
  const entries: FileEntry[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = all.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes));
    files.set(paths[i], bytes);
    entries.push({ path: paths[i], bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  const weights: WeightEntry[] = tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    dtype: 'float32',
    ...(dtype === 'float16' ? { quantization: { dtype: 'float16' } as const } : {}),
  }));
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
