// Loads a model package from any byte source (a folder in Node, URLs plus a cache in the page,
// IndexedDB for imported models), verifying every file's size and sha256 before decoding.
import * as tf from '@tensorflow/tfjs';
import type { LoadedPackage } from '../models/package';
import { ManifestError, parseManifest, tensorBytes, type ModelManifest } from './manifest';
import { sha256Hex } from './sha256';

export interface ByteSource {
  /** Bytes of a file, path relative to the package's manifest.json. */
  read(path: string, onBytes?: (n: number) => void): Promise<Uint8Array>;
  /** How to name the file in a message (a path or URL). */
  describe(path: string): string;
}

export type { LoadedPackage } from '../models/package';

export interface LoadProgress {
  loaded: number;
  total: number;
}

export async function readManifest(source: ByteSource): Promise<ModelManifest> {
  const bytes = await source.read('manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ManifestError(`${source.describe('manifest.json')}: not valid JSON`);
  }
  return parseManifest(json, source.describe('manifest.json'));
}

/** Where a load's time went, in ms: files read and checked (sha256 inside them), then tensors made. */
export interface LoadTimes {
  bytesMs: number;
  sha256Ms: number;
  tensorsMs: number;
}

export async function loadPackage(source: ByteSource, onProgress?: (p: LoadProgress) => void): Promise<LoadedPackage & { times: LoadTimes }> {
  const start = performance.now();
  let sha256Ms = 0;
  const manifest = await readManifest(source);
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  if (total !== tensorBytes(manifest)) {
    throw new ManifestError(`${source.describe('manifest.json')}: files hold ${total} bytes but the tensors need ${tensorBytes(manifest)}`);
  }
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const paths = manifest.weightsManifest.flatMap((g) => g.paths);
  for (const path of paths) {
    if (!byPath.has(path)) throw new ManifestError(`${source.describe('manifest.json')}: no size and sha256 listed for ${path}`);
  }
  // All shards are asked for at once (a cache or a server answers them in parallel: one by one,
  // their latencies added up to ~0.3 s of a cached load), and verified in order as they arrive.
  const arrived = new Map<string, number>();
  const report = () => onProgress?.({ loaded: [...arrived.values()].reduce((a, b) => a + b, 0), total });
  const reads = paths.map((path) =>
    source.read(path, (n) => {
      arrived.set(path, n);
      report();
    }),
  );
  for (const r of reads) r.catch(() => {}); // a failure is reported once, below, in shard order
  // The shards stay separate (tfjs reads a tensor across two of them): joining 25-100 MB into one
  // new buffer cost ~0.2 s of page faults on the machine the page benchmark runs on.
  const shards: ArrayBuffer[] = [];
  for (const [i, path] of paths.entries()) {
    const entry = byPath.get(path)!;
    const bytes = await reads[i];
    if (bytes.length !== entry.bytes) {
      throw new ManifestError(`${source.describe(path)}: ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    }
    const hashStart = performance.now();
    const hash = await sha256Hex(bytes);
    sha256Ms += performance.now() - hashStart;
    if (hash !== entry.sha256)
      throw new ManifestError(`${source.describe(path)}: sha256 ${hash} does not match the manifest (file corrupt or replaced)`);
    shards.push(ownBuffer(bytes));
    arrived.set(path, bytes.length);
    report();
  }
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const read = performance.now();
  const weights = decodeWeights(shards, specs);
  return { manifest, weights, times: { bytesMs: read - start, sha256Ms, tensorsMs: performance.now() - read } };
}

/** The bytes as an ArrayBuffer of their own (a copy only when they are a view into a larger one). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}

/** A float16 array view over bytes, read as numbers: the browser's Float16Array (Chromium 135+). */
export type Float16View = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayLike<number>;

const Float16 = (globalThis as unknown as { Float16Array?: Float16View }).Float16Array;

/**
 * The tensors of verified shards. tfjs widens float16 weights into a new float32 array per
 * tensor, and the wasm backend then copies each into its heap: 100 MB of fresh memory whose page
 * faults took ~0.5 s of a cached load on the benchmark machine. On wasm, which copies a tensor's
 * values at creation, float16 weights are widened natively (Float16Array) through one reused
 * buffer instead; every other case is tfjs's own decoding.
 */
export function decodeWeights(
  shards: ArrayBuffer[],
  specs: tf.io.WeightsManifestEntry[],
  float16: Float16View | undefined = Float16,
): Map<string, tf.Tensor> {
  const half = specs.every((s) => s.dtype === 'float32' && s.quantization?.dtype === 'float16');
  if (!half || !float16 || tf.getBackend() !== 'wasm') return new Map(Object.entries(tf.io.decodeWeights(shards, specs)));
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const scratch = new Float32Array(Math.max(...sizes));
  const out = new Map<string, tf.Tensor>();
  let shard = 0;
  let at = 0; // byte offset in shards[shard]
  specs.forEach((spec, i) => {
    const n = sizes[i];
    let bytes = 2 * n;
    // A tensor that spans shards, or sits at an odd offset, is copied into a buffer of its own.
    let buffer = shards[shard];
    let offset = at;
    if (at + bytes > buffer.byteLength || at % 2) {
      const joined = new Uint8Array(bytes);
      for (let filled = 0; filled < bytes;) {
        const take = Math.min(bytes - filled, shards[shard].byteLength - at);
        joined.set(new Uint8Array(shards[shard], at, take), filled);
        filled += take;
        at += take;
        if (at === shards[shard].byteLength) {
          shard++;
          at = 0;
        }
      }
      buffer = joined.buffer;
      offset = 0;
      bytes = 0;
    }
    const view = scratch.subarray(0, n);
    view.set(new float16(buffer, offset, n));
    out.set(spec.name, tf.tensor(view, spec.shape, 'float32'));
    at += bytes;
    if (shard < shards.length && at === shards[shard].byteLength) {
      shard++;
      at = 0;
    }
  });
  return out;
}
