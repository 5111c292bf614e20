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

export async function loadPackage(source: ByteSource, onProgress?: (p: LoadProgress) => void): Promise<LoadedPackage> {
  const manifest = await readManifest(source);
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  if (total !== tensorBytes(manifest)) {
    throw new ManifestError(`${source.describe('manifest.json')}: files hold ${total} bytes but the tensors need ${tensorBytes(manifest)}`);
  }
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  // The shards stay separate (tfjs reads a tensor across two of them): joining 25-100 MB into one
  // new buffer cost ~0.2 s of page faults on the machine the page benchmark runs on.
  const shards: ArrayBuffer[] = [];
  let loaded = 0;
  for (const path of manifest.weightsManifest.flatMap((g) => g.paths)) {
    const entry = byPath.get(path);
    if (!entry) throw new ManifestError(`${source.describe('manifest.json')}: no size and sha256 listed for ${path}`);
    const bytes = await source.read(path, (n) => onProgress?.({ loaded: loaded + n, total }));
    if (bytes.length !== entry.bytes) {
      throw new ManifestError(`${source.describe(path)}: ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    }
    const hash = await sha256Hex(bytes);
    if (hash !== entry.sha256)
      throw new ManifestError(`${source.describe(path)}: sha256 ${hash} does not match the manifest (file corrupt or replaced)`);
    shards.push(ownBuffer(bytes));
    loaded += bytes.length;
    onProgress?.({ loaded, total });
  }
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const named = tf.io.decodeWeights(shards, specs);
  return { manifest, weights: new Map(Object.entries(named)) };
}

/** The bytes as an ArrayBuffer of their own (a copy only when they are a view into a larger one). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}
