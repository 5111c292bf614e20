// `locate IMAGE...`: top-k classes, their boxes from the class maps, backend and time.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { decodeImage } from '../image/decode-node';
import type { RGBAImage } from '../image/geometry';
import { type LensModel } from '../models/lens-model';
import { mapOf, type Inference } from '../models/class-maps';
import { DEFAULT_THRESHOLD, normalize, type BoxRule } from '../localize/boxes';
import { locateResult, type LocateResult } from '../localize/report';
import { CLASS_COLORS } from '../draw/colormap';
import { blendColormap, sampleMap, strokeBox } from '../draw/overlay';
import { initBackend } from './backend-node';
import { DEFAULT_MODEL, resolveModel } from './models';
import { UsageError, inputSize, number, oneOf } from './args';

export const LOCATE_USAGE = 'locate IMAGE... [--model ID|DIR] [--top K] [--rule drn|cam] [--threshold X] [--json] [--overlay OUT.png] [--logits] [--backend wasm|cpu] [--size N] [--flip]';

function overlay(image: RGBAImage, inf: Inference, result: LocateResult): RGBAImage {
  const out: RGBAImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const top = inf.top[0];
  if (top) {
    const heat = sampleMap(normalize(mapOf(inf.maps, top.index)), inf.maps, inf.transform, image.width, image.height, true);
    blendColormap(out, heat, 'turbo', 0.5);
  }
  const thickness = Math.max(2, Math.round(Math.min(image.width, image.height) / 150));
  result.classes.forEach((c, i) => {
    if (c.box) strokeBox(out, c.box, 1, CLASS_COLORS[i % CLASS_COLORS.length], thickness);
  });
  return out;
}

function printText(r: LocateResult): void {
  console.log(`${r.image} (${r.width}x${r.height}) · ${r.model} · ${r.mapSize.join('x')} maps · ${r.backend} · ${r.ms.toFixed(0)} ms · rule ${r.rule} threshold ${r.threshold}`);
  const width = Math.max(...r.classes.map((c) => c.name.length));
  r.classes.forEach((c, i) => {
    const box = c.box ? `[${c.box.map((v) => v.toFixed(0)).join(', ')}]` : '(no box: no cell passes the threshold)';
    console.log(`  ${i + 1}. ${c.name.padEnd(width)}  ${c.probability.toFixed(3)}  box ${box}`);
  });
  if (r.logits) console.log(`  logits: ${r.logits.join(' ')}`);
}

export async function locateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      model: { type: 'string', default: DEFAULT_MODEL },
      top: { type: 'string', default: '5' },
      rule: { type: 'string', default: 'drn' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
      overlay: { type: 'string' },
      logits: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      size: { type: 'string' },
      flip: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError(`usage: ${LOCATE_USAGE}`);
  const rule = oneOf<BoxRule>('--rule', values.rule, ['drn', 'cam']);
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD[rule] : number('--threshold', values.threshold);
  const topK = number('--top', values.top, 1, 1000);
  const size = inputSize(values.size);
  const backend = await initBackend(oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']));
  const model: LensModel = await resolveModel(values.model);
  const results: LocateResult[] = [];
  let failures = 0;
  for (const file of positionals) {
    try {
      const image = decodeImage(new Uint8Array(await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      })), file);
      const inf = await model.infer(image, { topK, size, flip: values.flip });
      const result = locateResult(file, model.manifest.id, { ...inf, backend }, { rule, threshold }, values.logits);
      results.push(result);
      if (!values.json) printText(result);
      if (values.overlay) {
        const out = positionals.length === 1 ? values.overlay : values.overlay.replace(/(\.png)?$/i, `-${basename(file).replace(/\.[^.]*$/, '')}.png`);
        const png = overlay(image, inf, result);
        await writeFile(out, PNG.sync.write(Object.assign(new PNG({ width: png.width, height: png.height }), { data: Buffer.from(png.data) })));
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
