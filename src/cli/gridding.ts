// `gridding --data DIR`: the mean gridding (src/localize/gridding.ts) of a model's maps over the
// first images of a box-annotated set, for the trained built-in models or any architecture with
// seeded random weights (--arch), so families can be compared before their weights are imported.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeImage } from '../image/decode-node';
import { mapOf } from '../models/class-maps';
import type { LensModel } from '../models/lens-model';
import { gridding, whiteNoiseScore } from '../localize/gridding';
import { UsageError, number, oneOf } from './args';
import { initBackend } from './backend-node';
import { readDevSet } from './dev-set';
import { randomModel } from './random-model';
import { DEFAULT_MODEL, resolveModel } from './models';
import { progressBar } from './progress';

export const GRIDDING_USAGE = 'gridding --data DIR [--limit N] [--model ID|DIR | --arch NAME] [--backend wasm|cpu] [--json]';

export interface GriddingReport {
  data: string;
  model: string;
  /** 'trained' for a package's weights, 'seeded random' for --arch. */
  weights: 'trained' | 'seeded random';
  images: number;
  mapSize: [number, number];
  /** Mean and median score of each image's top-1 class map and of its ground-truth class map. */
  top1: { mean: number; median: number };
  gtClass: { mean: number; median: number };
  /** The score of white noise on maps of this size (the measure's chance level). */
  chance: number;
  seconds: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const r4 = (v: number) => Number(v.toFixed(4));

export async function griddingCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      data: { type: 'string' },
      limit: { type: 'string', default: '20' },
      model: { type: 'string' },
      arch: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.data) throw new UsageError(`usage: ${GRIDDING_USAGE}`);
  if (values.model && values.arch) throw new UsageError('give --model or --arch, not both');
  const limit = number('--limit', values.limit, 1);
  const backend = await initBackend(oneOf<'wasm' | 'cpu'>('--backend', values.backend, ['wasm', 'cpu']));
  const images = await readDevSet(values.data, limit);
  const model: LensModel = values.arch ? randomModel(values.arch) : await resolveModel(values.model ?? DEFAULT_MODEL);
  const top1: number[] = [],
    gt: number[] = [];
  let size: [number, number] = [0, 0];
  const bar = progressBar(images.length, 'gridding');
  const start = performance.now();
  try {
    for (const im of images) {
      const photo = decodeImage(new Uint8Array(await readFile(im.path)), im.path);
      const inf = await model.infer(photo, { topK: 1, extraClasses: [im.classIndex], winner: false });
      const { width, height } = inf.maps;
      size = [width, height];
      const g1 = gridding(mapOf(inf.maps, inf.top[0].index), width, height);
      const g2 = gridding(mapOf(inf.maps, im.classIndex), width, height);
      if (!g1 || !g2) throw new Error(`${model.manifest.id}: gridding is not defined on ${width}x${height} maps (sides must be multiples of 4)`);
      top1.push(g1.score);
      gt.push(g2.score);
      bar.tick();
    }
  } finally {
    bar.done();
    model.dispose();
  }
  const report: GriddingReport = {
    data: values.data,
    model: model.manifest.id,
    weights: values.arch ? 'seeded random' : 'trained',
    images: images.length,
    mapSize: size,
    top1: { mean: r4(mean(top1)), median: r4(median(top1)) },
    gtClass: { mean: r4(mean(gt)), median: r4(median(gt)) },
    chance: r4(whiteNoiseScore(size[0], size[1])),
    seconds: Number(((performance.now() - start) / 1000).toFixed(1)),
  };
  if (values.json) console.log(JSON.stringify(report, null, 1));
  else {
    console.log(
      `${report.model} (${report.weights} weights, ${size.join('x')} maps, ${backend}) on the first ${report.images} images of ${report.data}, ${report.seconds} s`,
    );
    console.log(`gridding, top-1 class map: mean ${report.top1.mean}, median ${report.top1.median}`);
    console.log(`gridding, ground-truth class map: mean ${report.gtClass.mean}, median ${report.gtClass.median}`);
    console.log(`white noise on these maps scores ${report.chance}; a pure period-2/4 checkerboard 1; a smooth blob ~0`);
  }
  return 0;
}
