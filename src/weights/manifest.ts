// The model package format: models/<id>/manifest.json plus weight shards in TF.js's
// weights-manifest binary layout (little-endian float32, or float16 where the manifest says so, tensors back to back, < 4 MB a file).
// Validation here is pure so that Node, the page and the import worker all say the same thing.
import type { ArchConfig, Level, LevelKind, Stem } from '../models/architectures';
import { foldedShapes } from '../models/plan';
import type { Preprocessing, Resize } from '../image/geometry';
import { FORMAT, type ModelManifest, type WeightEntry } from '../models/package';

export const SHARD_BYTES = 4 * 1024 * 1024 - 1;

// The package's types live with the models that run it (src/models/package.ts); re-exported here
// for the readers and writers of the format.
export { FORMAT, type FileEntry, type ModelManifest, type WeightEntry, type WeightGroup } from '../models/package';

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0);

/** Reads the fields of one JSON object, each checked; the first bad one throws with its full path. */
class Fields {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly path: string,
    private readonly fail: (msg: string) => never,
  ) {}

  static of(v: unknown, path: string, fail: (msg: string) => never): Fields {
    if (!isObj(v)) fail(`"${path}" must be an object, got ${show(v)}`);
    return new Fields(v as Record<string, unknown>, path, fail);
  }

  private bad(key: string, want: string): never {
    return this.fail(`"${this.path}.${key}" must be ${want}, got ${show(this.obj[key])}`);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.obj[key];
    return values.includes(v as T) ? (v as T) : this.bad(key, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  }

  string(key: string): string {
    const v = this.obj[key];
    return typeof v === 'string' && v.length > 0 ? v : this.bad(key, 'a non-empty string');
  }

  boolean(key: string): boolean {
    const v = this.obj[key];
    return typeof v === 'boolean' ? v : this.bad(key, 'true or false');
  }

  /** An integer >= min. */
  int(key: string, min = 1): number {
    const v = this.obj[key];
    return Number.isInteger(v) && (v as number) >= min ? (v as number) : this.bad(key, `an integer >= ${min}`);
  }

  /** A finite number, > 0 when `positive`. */
  number(key: string, positive = false): number {
    const v = this.obj[key];
    return typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0) ? v : this.bad(key, positive ? 'a number > 0' : 'a finite number');
  }

  triple(key: string, positive = false): [number, number, number] {
    const v = this.obj[key];
    const ok = Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
    return ok ? (v as [number, number, number]) : this.bad(key, `3 ${positive ? 'numbers > 0' : 'finite numbers'}`);
  }

  list(key: string): unknown[] {
    const v = this.obj[key];
    return Array.isArray(v) && v.length > 0 ? v : this.bad(key, 'a non-empty list');
  }

  /** Fields the format does not know are refused too: a misspelt one would otherwise be silently ignored. */
  only(keys: readonly string[]): void {
    const extra = Object.keys(this.obj).find((k) => !keys.includes(k));
    if (extra !== undefined) this.fail(`"${this.path}.${extra}" is not a field of ${this.path} (known: ${keys.join(', ')})`);
  }
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v))).slice(0, 60);

const FAMILIES = ['resnet', 'drn-a', 'drn-b', 'drn-c', 'drn-d'] as const satisfies readonly ArchConfig['family'][];
const STEMS = ['resnet', 'conv1', 'layer0'] as const satisfies readonly Stem[];
const KINDS = ['basic', 'bottleneck', 'conv'] as const satisfies readonly LevelKind[];

function parseLevel(v: unknown, path: string, fail: (msg: string) => never): Level {
  const f = Fields.of(v, path, fail);
  f.only(['kind', 'channels', 'blocks', 'stride', 'dilation', 'entryDilation', 'residual']);
  const level: Level = {
    kind: f.oneOf('kind', KINDS),
    channels: f.int('channels'),
    blocks: f.int('blocks'),
    stride: f.int('stride'),
    dilation: f.int('dilation'),
    residual: f.boolean('residual'),
  };
  if ((v as Record<string, unknown>).entryDilation !== undefined) level.entryDilation = f.int('entryDilation');
  return level;
}

/** Every field of an architecture table, checked; the first bad one is named. */
export function parseArchitecture(v: unknown, fail: (msg: string) => never, path = 'architecture'): ArchConfig {
  const f = Fields.of(v, path, fail);
  f.only(['name', 'family', 'stem', 'stemChannels', 'strideIn', 'levels', 'numClasses', 'fcLinear']);
  return {
    name: f.string('name'),
    family: f.oneOf('family', FAMILIES),
    stem: f.oneOf('stem', STEMS),
    stemChannels: f.int('stemChannels'),
    strideIn: f.oneOf('strideIn', ['1x1', '3x3'] as const),
    levels: f.list('levels').map((l, i) => parseLevel(l, `${path}.levels[${i}]`, fail)),
    numClasses: f.int('numClasses'),
    fcLinear: f.boolean('fcLinear'),
  };
}

/** Every field of the preprocessing, checked; the first bad one is named. */
export function parsePreprocessing(v: unknown, fail: (msg: string) => never, path = 'preprocessing'): Preprocessing {
  const f = Fields.of(v, path, fail);
  f.only(['resize', 'channelOrder', 'scale', 'mean', 'std']);
  const r = Fields.of((v as Record<string, unknown>).resize, `${path}.resize`, fail);
  const mode = r.oneOf('mode', ['stretch', 'center-crop'] as const);
  let resize: Resize;
  if (mode === 'stretch') {
    r.only(['mode', 'size']);
    resize = { mode, size: r.int('size') };
  } else {
    r.only(['mode', 'resize', 'crop']);
    resize = { mode, resize: r.int('resize'), crop: r.int('crop') };
    if (resize.crop > resize.resize) fail(`"${path}.resize.crop" (${resize.crop}) must not exceed "${path}.resize.resize" (${resize.resize})`);
  }
  return {
    resize,
    channelOrder: f.oneOf('channelOrder', ['RGB', 'BGR'] as const),
    scale: f.number('scale', true),
    mean: f.triple('mean'),
    std: f.triple('std', true),
  };
}

/** Checks an untrusted manifest.json and returns it typed, or throws a ManifestError naming the problem. */
export function parseManifest(json: unknown, where = 'manifest.json'): ModelManifest {
  const fail = (msg: string): never => {
    throw new ManifestError(`${where}: ${msg}`);
  };
  if (!isObj(json)) fail('not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${FORMAT}"`);
  for (const k of ['id', 'title', 'provenance', 'license']) if (typeof m[k] !== 'string') fail(`"${k}" must be a string`);
  const architecture = parseArchitecture(m.architecture, fail);
  const preprocessing = parsePreprocessing(m.preprocessing, fail);
  if (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string')) fail('"classes" must be a list of names');
  if ((m.classes as string[]).length !== architecture.numClasses)
    fail(`${(m.classes as string[]).length} class names for ${architecture.numClasses} classes`);
  if (!Array.isArray(m.weightsManifest)) fail('"weightsManifest" missing');
  if (!Array.isArray(m.files)) fail('"files" missing');
  for (const f of m.files as unknown[]) {
    if (!isObj(f) || typeof f.path !== 'string' || !Number.isInteger(f.bytes) || typeof f.sha256 !== 'string') fail('bad entry in "files"');
  }
  const manifest = { ...(json as unknown as ModelManifest), architecture, preprocessing };
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
      throw new ManifestError(
        `${where}: tensor ${g.name} has shape ${JSON.stringify(g.shape)}, architecture ${m.architecture.name} needs ${JSON.stringify(e.shape)}`,
      );
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
    throw new ManifestError(
      `${where}: tensor ${w.name} has quantization ${JSON.stringify(q)}; only {"dtype":"float16"} (or none, float32) is supported`,
    );
  }
  if (storageOf(w) !== storageOf(first)) {
    throw new ManifestError(
      `${where}: tensor ${w.name} is stored as ${storageOf(w)} but ${first.name} as ${storageOf(first)}; a package uses one storage type`,
    );
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
