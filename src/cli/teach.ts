// `teach --name NAME --examples DIR --out FILE.head.json`: a new class from photos of the object.
// One forward pass per photo gives its pooled features; a linear head is trained on them (and on the
// "not this" photos, or the built-in competitors when there are none) and written as a head file.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeImage } from '../image/decode-node';
import type { LensModel } from '../models/lens-model';
import { backboneOf, serializeHead, type TaughtHead } from '../teach/head-file';
import { trainHead, type TrainFigures } from '../teach/train';
import { UsageError, inputSize, oneOf } from './args';
import { initBackend } from './backend-node';
import { builtInBackground, imagesIn } from './heads';
import { DEFAULT_MODEL, resolveModel } from './models';
import { progressBar } from './progress';

export const TEACH_USAGE = 'teach --name NAME --examples DIR [--negatives DIR] [--model ID|DIR] [--size N] [--backend wasm|cpu] --out FILE.head.json';

/** The pooled features of every readable image of a folder; unreadable ones are listed on stderr and skipped. */
async function featuresOf(model: LensModel, dir: string, what: string, size: number | undefined): Promise<Float32Array[]> {
  const files = await imagesIn(dir);
  if (!files.length) throw new Error(`${dir}: no images (PNG or JPEG) for the ${what}`);
  const bar = progressBar(files.length, what);
  const out: Float32Array[] = [];
  try {
    for (const f of files) {
      try {
        const image = decodeImage(new Uint8Array(await readFile(f.path)), f.path);
        const inf = await model.infer(image, { topK: 1, winner: false, pooled: true, size });
        out.push(inf.pooled!);
      } catch (e) {
        console.error(`skipped: ${(e as Error).message}`);
      }
      bar.tick(f.name);
    }
  } finally {
    bar.done();
  }
  if (!out.length) throw new Error(`${dir}: none of its ${files.length} images could be read`);
  return out;
}

export function formatFigures(name: string, f: TrainFigures): string {
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  const builtIn = [f.background ? `${f.background} background photos` : '', f.competitors ? `${f.competitors} ImageNet competitors` : '']
    .filter(Boolean)
    .join(' and ');
  const against = [f.negatives ? `${f.negatives} "not this" photos` : '', builtIn ? `${builtIn} (built in)` : ''].filter(Boolean).join(' and ');
  return `taught "${name}" from ${f.positives} photos against ${against} in ${f.ms.toFixed(0)} ms: ${pct(f.positivesRight)} of its photos and ${pct(f.negativesRight)} of the "not this" ones on the right side; loss ${f.loss.toFixed(3)}`;
}

export async function teachCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      name: { type: 'string' },
      examples: { type: 'string' },
      negatives: { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL },
      size: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      out: { type: 'string' },
    },
  });
  if (!values.name?.trim() || !values.examples || !values.out) throw new UsageError(`usage: ${TEACH_USAGE}`);
  const size = inputSize(values.size);
  // Folders are checked before the model loads: an empty one costs no 100 MB read.
  if (!(await imagesIn(values.examples)).length) throw new Error(`${values.examples}: no images (PNG or JPEG) for the examples`);
  if (values.negatives && !(await imagesIn(values.negatives)).length)
    throw new Error(`${values.negatives}: no images (PNG or JPEG) for the "not this" examples`);
  await initBackend(oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']));
  const model = await resolveModel(values.model);
  try {
    const positives = await featuresOf(model, values.examples, 'examples', size);
    const negatives = values.negatives ? await featuresOf(model, values.negatives, '"not this" examples', size) : [];
    const trained = trainHead(positives, negatives, { classifier: await model.classifierWeights(), background: await builtInBackground(model) });
    const prep = model.manifest.preprocessing.resize;
    const head: TaughtHead = {
      name: values.name.trim(),
      backbone: await backboneOf(model.manifest),
      inputSize: size ?? (prep.mode === 'stretch' ? prep.size : prep.crop),
      features: trained.weights.length,
      weights: trained.weights,
      bias: trained.bias,
      examples: { positives: positives.length, negatives: negatives.length },
      createdAt: new Date().toISOString(),
    };
    await writeFile(values.out, serializeHead(head));
    console.log(formatFigures(head.name, trained.figures));
    console.log(`written to ${values.out} (${model.manifest.id})`);
  } finally {
    model.dispose();
  }
}
