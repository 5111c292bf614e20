// The model package format: models/<id>/manifest.json plus weight shards in TF.js's
// weights-manifest binary layout (little-endian float32, or float16 where the manifest says so, tensors back to back, < 4 MB a file).
// Validation here is pure so that Node, the page and the import worker all say the same thing.
import type { ArchConfig } from '../models/architectures';
import { foldedShapes } from '../models/plan';
import type { Preprocessing } from '../image/geometry';

export const FORMAT = 'drn-lens-model/1';
export const SHARD_BYTES = 4 * 1024 * 1024 - 1;

export interface WeightEntry { name: string; shape: number[]; dtype: 'float32'; quantization?: { dtype: 'float16' } }
export interface WeightGroup { paths: string[]; weights: WeightEntry[] }
export interface FileEntry { path: string; bytes: number; sha256: string }

export interface ModelManifest {
  format: typeof FORMAT;
  id: string;
  title: string;
  architecture: ArchConfig;
  preprocessing: Preprocessing;
  classes: string[];
  /** Where the weights came from and how they were converted. */
  provenance: string;
  license: string;
  /** TF.js weights manifest; paths are relative to manifest.json and may point into a sibling package. */
  weightsManifest: WeightGroup[];
  files: FileEntry[];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0);

/** Checks an untrusted manifest.json and returns it typed, or throws a ManifestError naming the problem. */
export function parseManifest(json: unknown, where = 'manifest.json'): ModelManifest {
  const fail = (msg: string): never => { throw new ManifestError(`${where}: ${msg}`); };
  if (!isObj(json)) fail('not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${FORMAT}"`);
  for (const k of ['id', 'title', 'provenance', 'license']) if (typeof m[k] !== 'string') fail(`"${k}" must be a string`);
  const arch = m.architecture;
  if (!isObj(arch) || !Array.isArray(arch.levels) || typeof arch.name !== 'string') fail('"architecture" is not an architecture table');
  if (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string')) fail('"classes" must be a list of names');
  const a = arch as unknown as ArchConfig;
  if ((m.classes as string[]).length !== a.numClasses) fail(`${(m.classes as string[]).length} class names for ${a.numClasses} classes`);
  if (!isObj(m.preprocessing)) fail('"preprocessing" missing');
  if (!Array.isArray(m.weightsManifest)) fail('"weightsManifest" missing');
  if (!Array.isArray(m.files)) fail('"files" missing');
  for (const f of m.files as unknown[]) {
    if (!isObj(f) || typeof f.path !== 'string' || !Number.isInteger(f.bytes) || typeof f.sha256 !== 'string') fail('bad entry in "files"');
  }
  const manifest = json as unknown as ModelManifest;
  checkTensors(manifest, where);
  return manifest;
}

/** The manifest's tensors must be exactly the architecture's, in order, with the same shapes. */
export function checkTensors(m: ModelManifest, where = 'manifest.json'): void {
  const expected = foldedShapes(m.architecture);
  const got = m.weightsManifest.flatMap((g) => g.weights);
  const n = Math.max(expected.length, got.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const g = got[i];
    if (!g) throw new ManifestError(`${where}: tensor ${e.name} ${JSON.stringify(e.shape)} missing (architecture ${m.architecture.name})`);
    if (!e) throw new ManifestError(`${where}: tensor ${g.name} is not part of architecture ${m.architecture.name}`);
    if (g.name !== e.name) throw new ManifestError(`${where}: tensor ${g.name} found where ${e.name} was expected`);
    if (!isNumArray(g.shape) || g.shape.join() !== e.shape.join()) {
      throw new ManifestError(`${where}: tensor ${g.name} has shape ${JSON.stringify(g.shape)}, architecture ${m.architecture.name} needs ${JSON.stringify(e.shape)}`);
    }
    if (g.dtype !== 'float32') throw new ManifestError(`${where}: tensor ${g.name} has dtype ${g.dtype}, expected float32`);
    checkStorage(g, got[0], where);
  }
}

/**
 * How the shards hold the values: float32, or float16 (TF.js's `quantization: { dtype: 'float16' }`,
 * decoded to float32 at load; the network always computes in float32).
 */
export type StorageDtype = 'float32' | 'float16';
export const STORAGE_DTYPES: readonly StorageDtype[] = ['float32', 'float16'];

export const storageOf = (w: WeightEntry): StorageDtype => (w.quantization ? w.quantization.dtype : 'float32');

/** A package stores all its tensors one way, so that its size and the parity figures mean one thing. */
function checkStorage(w: WeightEntry, first: WeightEntry, where: string): void {
  const q: unknown = w.quantization;
  if (q !== undefined && !(isObj(q) && q.dtype === 'float16' && Object.keys(q).length === 1)) {
    throw new ManifestError(`${where}: tensor ${w.name} has quantization ${JSON.stringify(q)}; only {"dtype":"float16"} (or none, float32) is supported`);
  }
  if (storageOf(w) !== storageOf(first)) {
    throw new ManifestError(`${where}: tensor ${w.name} is stored as ${storageOf(w)} but ${first.name} as ${storageOf(first)}; a package uses one storage type`);
  }
}

/** float32 or float16 for the whole package (checkTensors made sure all tensors agree). */
export function packageStorage(m: ModelManifest): StorageDtype {
  const first = m.weightsManifest.find((g) => g.weights.length)?.weights[0];
  return first ? storageOf(first) : 'float32';
}

export function tensorBytes(m: ModelManifest): number {
  const bytes = { float32: 4, float16: 2 } as const;
  return m.weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + bytes[storageOf(w)] * w.shape.reduce((a, b) => a * b, 1), 0);
}
