// `label IMAGES_DIR --head FILE [--class NAME]... --format voc|coco|yolo --out DIR`: the boxes of the
// taught (and named ImageNet) classes on every image of a folder, written as detection labels. A
// class gets a box on an image where it is present (taught: logit > 0; ImageNet: among the top 5).
// A bad image is listed and skipped, never fatal.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../image/decode-node';
import { DEFAULT_RULE, DEFAULT_THRESHOLD, classBox, type BoxRule } from '../localize/boxes';
import { instances } from '../localize/instances';
import { LABEL_FORMATS, labelFiles, type LabelFormat, type LabeledImage } from '../localize/label-writers';
import { resolveClass } from '../models/class-search';
import { UsageError, inputSize, number, oneOf } from './args';
import { initBackend } from './backend-node';
import { imagesIn, loadHeads } from './heads';
import { DEFAULT_MODEL, resolveModel } from './models';
import { progressBar } from './progress';

export const LABEL_USAGE =
  'label IMAGES_DIR --head FILE... [--class NAME|INDEX]... --format voc|coco|yolo --out DIR [--instances] [--model ID|DIR] [--rule cam|drn] [--threshold X] [--size N] [--backend wasm|cpu]';

/** How many top ImageNet classes count as "present" for an ImageNet class asked for with --class. */
const IMAGENET_PRESENT_TOP = 5;

export async function labelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      head: { type: 'string', multiple: true, default: [] },
      class: { type: 'string', multiple: true, default: [] },
      format: { type: 'string' },
      out: { type: 'string' },
      instances: { type: 'boolean', default: false },
      model: { type: 'string', default: DEFAULT_MODEL },
      rule: { type: 'string', default: DEFAULT_RULE },
      threshold: { type: 'string' },
      size: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  if (positionals.length !== 1 || !values.out || !values.format || (!values.head.length && !values.class.length))
    throw new UsageError(`usage: ${LABEL_USAGE}`);
  const format = oneOf<LabelFormat>('--format', values.format, LABEL_FORMATS);
  const rule = oneOf<BoxRule>('--rule', values.rule, ['drn', 'cam']);
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD[rule] : number('--threshold', values.threshold);
  const size = inputSize(values.size);
  const files = await imagesIn(positionals[0]);
  if (!files.length) throw new Error(`${positionals[0]}: no images (PNG or JPEG)`);
  await initBackend(oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']));
  const model = await resolveModel(values.model);
  try {
    const heads = await loadHeads(values.head, model);
    let imagenet: number[];
    try {
      imagenet = values.class.map((q) => resolveClass(model.manifest.classes, q).index);
    } catch (e) {
      throw new UsageError(`--class: ${(e as Error).message}`);
    }
    const names = new Map<number, string>([
      ...imagenet.map((c) => [c, model.manifest.classes[c].split(',')[0].trim()] as const),
      ...heads.map((h) => [h.index, h.head.name] as const),
    ]);
    const wanted = [...names.keys()];
    const labeled: LabeledImage[] = [];
    const bad: string[] = [];
    const bar = progressBar(files.length, 'label');
    try {
      for (const f of files) {
        try {
          const image = decodeImage(new Uint8Array(await readFile(f.path)), f.path);
          const inf = await model.infer(image, { topK: IMAGENET_PRESENT_TOP, extraClasses: wanted, size, winner: rule === 'drn' });
          const objects = wanted.flatMap((c) => {
            const taught = inf.taught.find((t) => t.index === c);
            const present = taught ? taught.present : inf.top.some((p) => p.index === c);
            if (!present) return [];
            const score = taught ? taught.probability : inf.top.find((p) => p.index === c)!.probability;
            const opts = { rule, threshold };
            const boxes = values.instances
              ? instances(inf.maps, c, inf.transform, opts).map((r) => r.box)
              : [classBox(inf.maps, c, inf.transform, opts)].filter((b) => b !== null);
            return boxes.map((box) => ({ label: names.get(c)!, box, score: Number(score.toFixed(4)) }));
          });
          labeled.push({ file: f.name, width: image.width, height: image.height, objects });
        } catch (e) {
          bad.push(`${f.path}: ${(e as Error).message.replace(`${f.path}: `, '')}`);
        }
        bar.tick(f.name);
      }
    } finally {
      bar.done();
    }
    const written = labelFiles(format, labeled, [...names.values()]);
    for (const file of written) {
      const path = join(values.out, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.text);
    }
    const boxes = labeled.reduce((a, im) => a + im.objects.length, 0);
    const withBoxes = labeled.filter((im) => im.objects.length).length;
    console.log(
      `${boxes} boxes on ${withBoxes} of ${labeled.length} images (${[...names.values()].join(', ')}); ${written.length} ${format.toUpperCase()} files written to ${values.out}`,
    );
    if (bad.length) console.log(`${bad.length} image${bad.length > 1 ? 's' : ''} could not be read:\n${bad.map((b) => `  ${b}`).join('\n')}`);
    return 0;
  } finally {
    model.dispose();
  }
}
