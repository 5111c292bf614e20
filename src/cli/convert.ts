// `convert CHECKPOINT`: an official DRN PyTorch checkpoint (.pth, legacy or zip format) to a
// model package that `locate` and `eval` use like any other. No Python involved.
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isArchName, type ArchName } from '../models/architectures';
import { IMAGENET_CLASSES } from '../models/imagenet-classes';
import { importCheckpoint } from '../weights/import-drn';
import { STORAGE_DTYPES, type StorageDtype } from '../weights/manifest';
import { writePackage } from '../weights/node-package';
import { UsageError, oneOf } from './args';
import { MODELS_DIR } from './paths';

export const CONVERT_USAGE = `convert CHECKPOINT.pth [--arch drn_c_26] [--out models/<id>] [--dtype ${STORAGE_DTYPES.join('|')}]`;

export async function convertCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { arch: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string', default: 'float32' } },
  });
  if (positionals.length !== 1) throw new UsageError(`usage: ${CONVERT_USAGE}`);
  const file = positionals[0];
  const dtype = oneOf<StorageDtype>('--dtype', values.dtype, STORAGE_DTYPES);
  let arch: ArchName | undefined;
  if (values.arch !== undefined) {
    if (!isArchName(values.arch))
      throw new UsageError(`--arch must be an official name such as drn_c_26 or drn_d_105, got ${JSON.stringify(values.arch)}`);
    arch = values.arch;
  }
  const bytes = new Uint8Array(
    await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }),
  );
  // Official DRN checkpoints classify the ImageNet 1000.
  const classes = [...IMAGENET_CLASSES];
  const id = values.out ? basename(values.out) : undefined;
  const { meta, tensors, detection } = await importCheckpoint(bytes, basename(file), { classes, arch, id });
  const d = detection;
  const width = d.width === 1 ? 'official width' : `1/${d.width} width`;
  console.log(
    `${basename(file)}: ${arch ? 'read as' : 'detected'} ${d.base} (${width}, ${d.arch.numClasses} classes, ${tensors.length / 2} convolutions after folding batch norm)`,
  );
  if (d.alsoFits.length) console.log(`  its keys also fit ${d.alsoFits.join(', ')}; pass --arch ${d.alsoFits[0]} to run it as that`);
  const unused = [...new Set(d.dropped.filter((k) => !k.endsWith('num_batches_tracked')).map((k) => k.replace(/\.\d+\.[a-z_]+$/, '')))];
  if (unused.length) console.log(`  dropped ${unused.join(', ')} (in the checkpoint, unused by the forward pass)`);
  const out = values.out ?? join(MODELS_DIR, meta.id);
  const manifest = await writePackage(out, meta, tensors, { dtype });
  const mb = manifest.files.reduce((n, f) => n + f.bytes, 0) / 2 ** 20;
  const shown = values.out ?? relative(process.cwd(), out);
  console.log(
    `wrote ${shown} (${dtype}, ${manifest.files.length} files, ${mb.toFixed(1)} MB); try: npm run cli -- locate PHOTO --model ${values.out ?? meta.id}`,
  );
}
