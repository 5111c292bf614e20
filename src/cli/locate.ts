// `locate IMAGE...`: top-k classes, their boxes from the class maps, backend and time.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../image/decode-node';
import { type LensModel } from '../models/lens-model';
import { resolveClass } from '../models/class-search';
import { DEFAULT_RULE, DEFAULT_THRESHOLD, type Box, type BoxRule } from '../localize/boxes';
import { checkGroundTruth, parseBoxArg, parseGroundTruth, type GroundTruth } from '../localize/ground-truth';
import { locateResult, type LocateResult } from '../localize/report';
import { buildScene } from '../draw/scene';
import { initBackend } from './backend-node';
import { DEFAULT_MODEL, resolveModel } from './models';
import { loadHeads } from './heads';
import { UsageError, inputSize, number, oneOf, stepsArg } from './args';
import { overlayPng } from './overlay-png';
import { runFaithfulness } from '../localize/faithfulness-run';
import type { FaithfulnessCurves } from '../localize/faithfulness';

const r = (v: number, d: number) => Number(v.toFixed(d));
const roundCurves = (f: FaithfulnessCurves): FaithfulnessCurves => ({
  ...f,
  deletion: f.deletion.map((v) => r(v, 6)),
  insertion: f.insertion.map((v) => r(v, 6)),
  deletionAuc: r(f.deletionAuc, 6),
  insertionAuc: r(f.insertionAuc, 6),
  blurSigma: r(f.blurSigma, 2),
  ms: r(f.ms, 1),
});

export const LOCATE_USAGE =
  'locate IMAGE... [--model ID|DIR] [--top K] [--class NAME|INDEX]... [--rule cam|drn] [--threshold X] [--gt x0,y0,x1,y1]... [--gt-file VOC.xml|BOXES.json] [--json] [--overlay OUT.png] [--logits] [--backend wasm|cpu] [--size N] [--flip] [--faithfulness [--steps N]] [--head FILE.head.json]... [--instances]';

function printText(r: LocateResult): void {
  console.log(
    `${r.image} (${r.width}x${r.height}) · ${r.model} · ${r.mapSize.join('x')} maps · ${r.backend} · ${r.ms.toFixed(0)} ms · rule ${r.rule} threshold ${r.threshold}`,
  );
  const width = Math.max(...r.classes.map((c) => c.name.length));
  if (r.gt.length) console.log(`  ground truth: ${r.gt.map((b) => `[${b.map((v) => v.toFixed(0)).join(', ')}]`).join(' ')}`);
  r.classes.forEach((c, i) => {
    const show = (b: Box) => `[${b.map((v) => v.toFixed(0)).join(', ')}]`;
    const box = c.boxes
      ? c.boxes.length
        ? `${c.boxes.length} box${c.boxes.length > 1 ? 'es' : ''} ${c.boxes.map(show).join(' ')}`
        : 'no box: no cell passes the threshold'
      : c.box
        ? `box ${show(c.box)}`
        : 'box (no box: no cell passes the threshold)';
    const iou = c.iou !== null ? `  IoU ${c.iou.toFixed(3)}` : '';
    const taught = c.taught ? `  taught, ${c.present ? 'present' : 'absent'} (logit ${c.logit.toFixed(2)})` : '';
    console.log(`  ${String(i + 1).padStart(2)}. ${c.name.padEnd(width)}  ${c.probability.toFixed(3)}  ${box}${iou}${taught}`);
  });
  for (const c of r.classes) {
    const f = c.faithfulness;
    if (!f) continue;
    console.log(
      `  faithfulness of ${c.name} (${f.fractions.length - 1} steps, ${f.passes} passes, ${(f.ms / 1000).toFixed(1)} s): deletion AUC ${f.deletionAuc.toFixed(3)}, insertion AUC ${f.insertionAuc.toFixed(3)}`,
    );
    console.log(`    deletion:  ${f.deletion.map((v) => v.toFixed(3)).join(' ')}`);
    console.log(`    insertion: ${f.insertion.map((v) => v.toFixed(3)).join(' ')}`);
  }
  if (r.logits) console.log(`  logits: ${r.logits.join(' ')}`);
}

export async function locateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string', default: DEFAULT_MODEL },
      top: { type: 'string', default: '5' },
      rule: { type: 'string', default: DEFAULT_RULE },
      class: { type: 'string', multiple: true, default: [] },
      gt: { type: 'string', multiple: true, default: [] },
      'gt-file': { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
      overlay: { type: 'string' },
      logits: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      faithfulness: { type: 'boolean', default: false },
      steps: { type: 'string' },
      size: { type: 'string' },
      flip: { type: 'boolean', default: false },
      head: { type: 'string', multiple: true, default: [] },
      instances: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError(`usage: ${LOCATE_USAGE}`);
  const rule = oneOf<BoxRule>('--rule', values.rule, ['drn', 'cam']);
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD[rule] : number('--threshold', values.threshold);
  const topK = number('--top', values.top, 1, 1000);
  if (!values.faithfulness && values.steps !== undefined) throw new UsageError('--steps goes with --faithfulness');
  const steps = values.faithfulness ? stepsArg(values.steps) : 0;
  const size = inputSize(values.size);
  const backend = await initBackend(oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']));
  // Ground truth is checked before the model loads: a typo costs no 100 MB read.
  let gtAll: GroundTruth;
  try {
    const typed: Box[] = values.gt.map((g) => parseBoxArg(g));
    const fromFile = values['gt-file']
      ? parseGroundTruth(
          await readFile(values['gt-file'], 'utf8').catch((e: NodeJS.ErrnoException) => {
            throw new Error(`${values['gt-file']}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
          }),
          values['gt-file'],
        )
      : null;
    gtAll = { boxes: [...typed, ...(fromFile?.boxes ?? [])], size: fromFile?.size ?? null };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const model: LensModel = await resolveModel(values.model);
  let classes: number[];
  try {
    classes = values.class.map((q) => resolveClass(model.manifest.classes, q).index);
  } catch (e) {
    model.dispose();
    throw new UsageError(`--class: ${(e as Error).message}`);
  }
  // Taught classes come after the ImageNet ones: reported like a --class, with their own decision.
  const heads = await loadHeads(values.head, model).catch((e: unknown) => {
    model.dispose();
    throw e;
  });
  classes.push(...heads.map((h) => h.index));
  const names = [...model.manifest.classes, ...heads.map((h) => h.head.name)];
  const results: LocateResult[] = [];
  let failures = 0;
  for (const file of positionals) {
    try {
      const image = decodeImage(
        new Uint8Array(
          await readFile(file).catch((e: NodeJS.ErrnoException) => {
            throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
          }),
        ),
        file,
      );
      const inf = await model.infer(image, { topK, extraClasses: classes, size, flip: values.flip });
      const gt = gtAll.boxes.length ? checkGroundTruth(gtAll, image.width, image.height, values['gt-file'] ?? '--gt') : [];
      const result = locateResult(
        file,
        model.manifest.id,
        { ...inf, backend },
        { rule, threshold },
        { withLogits: values.logits, classes, names, gt, instances: values.instances },
      );
      if (steps) {
        // The classes asked for with --class, else the top one: each costs 2 * steps - 1 forward passes.
        const wanted = classes.length ? classes : [inf.top[0].index];
        for (const c of result.classes.filter((r) => wanted.includes(r.index))) {
          c.faithfulness = roundCurves(await runFaithfulness(model, image, { classIndex: c.index, steps, size, flip: values.flip }));
        }
      }
      results.push(result);
      if (!values.json) printText(result);
      if (values.overlay) {
        const out =
          positionals.length === 1 ? values.overlay : values.overlay.replace(/(\.png)?$/i, `-${basename(file).replace(/\.[^.]*$/, '')}.png`);
        // The page's default view: the top class (and every --class) with its map, box and labels.
        const shown = [...new Set([inf.top[0]?.index, ...classes].filter((c): c is number => c !== undefined))];
        const scene = buildScene(
          { ...inf, backend },
          {
            rule,
            threshold,
            shown,
            opacity: 0.6,
            scale: 'class',
            rawGrid: false,
            gt,
            names,
            instances: values.instances,
          },
        );
        await writeFile(out, overlayPng(image, scene));
        if (!values.json) console.log(`  overlay written to ${out}`);
      }
    } catch (e) {
      failures++;
      console.error(`error: ${(e as Error).message}`);
    }
  }
  if (values.json) console.log(JSON.stringify(results.length === 1 && positionals.length === 1 ? results[0] : results, null, 1));
  model.dispose();
  return failures ? 1 : 0;
}
