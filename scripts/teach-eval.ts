// How good a taught class is, on the shared dev set: teach a coarse concept that ImageNet splits into
// many classes (dog, bird, monkey: scripts/teach-concepts.ts) from N of its photos, and evaluate on
// the concept's other photos and on photos of other things.
//
// Per concept, N and way of teaching (the user's "not this" photos: 2N other photos of the dev set,
// or none; with or without the ImageNet classifier's competitors, src/teach/train.ts), over `--seeds`
// random draws of the examples:
// - GT-known Loc (cam rule, tau 0.25, as the README's eval) and MaxBoxAccV2 of the taught map on the
//   concept's held-out photos, against the 1000-class head's map of each photo's own ImageNet class;
// - detection: the share of those photos where the taught class is present (logit > 0);
// - false positives: the share of the other photos (not used as examples) where it is present.
// The features come from the cache scripts/teach-cache.ts writes (run it first, per model).
//
//   npx tsx scripts/teach-eval.ts --data DIR [--model ID]... [--seeds 3] [--cache .cache/teach]
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/cli/backend-node';
import { readDevSet } from '../src/cli/dev-set';
import { modelDir } from '../src/cli/models';
import { inputTransform } from '../src/image/geometry';
import { gtKnownLoc, maxBoxAccV2, type EvalSample } from '../src/localize/metrics';
import { trainHead, type Classifier, type TrainOptions } from '../src/teach/train';
import { loadPackage } from '../src/weights/load-package';
import { folderSource } from '../src/weights/node-package';
import { DEFAULT_CACHE, cachePaths } from './teach-cache';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/cli/paths';
import { parseBackground } from '../src/teach/background';
import { backboneOf } from '../src/teach/head-file';
import { CONCEPTS, conceptOf } from './teach-concepts';

interface Photo {
  index: number;
  concept: string | null;
  classIndex: number;
  pooled: Float32Array;
  /** [h * w, F], for the concepts' photos. */
  features: Float32Array | null;
  sample: Omit<EvalSample, 'maps'> & { width: number; height: number };
}

const f16 = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    table[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return (bits: Uint16Array) => Float32Array.from(bits, (b) => table[b]);
})();

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The map of a linear head (weights [F] or a classifier column) on [cells, F] features. */
function headMap(features: Float32Array, f: number, weight: (k: number) => number, bias: number): Float32Array {
  const cells = features.length / f;
  const w = Float32Array.from({ length: f }, (_, k) => weight(k));
  const out = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    let s = bias;
    const o = c * f;
    for (let k = 0; k < f; k++) s += features[o + k] * w[k];
    out[c] = s;
  }
  return out;
}

function sampleWith(p: Photo, plane: Float32Array, side: number): EvalSample {
  const { width, height, ...rest } = p.sample;
  void width;
  void height;
  return {
    ...rest,
    gtClass: 0,
    topClass: 0,
    maps: { width: side, height: side, cellSize: p.sample.transform.inputSize / side, classes: [0], data: plane, winner: new Int32Array(0) },
  };
}

const pct = (v: number) => (100 * v).toFixed(1);

/** Ways of teaching: the user's "not this" photos (2N other photos of the set) or none, and the built-in negatives. */
const WAYS = [
  { name: '2N others', user: true, background: false, competitors: false },
  { name: '2N others + built-in', user: true, background: true, competitors: true },
  { name: 'none: built-in (background + competitors)', user: false, background: true, competitors: true },
  { name: 'none: background only', user: false, background: true, competitors: false },
] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      model: { type: 'string', multiple: true },
      seeds: { type: 'string', default: '3' },
      cache: { type: 'string', default: DEFAULT_CACHE },
      // Experiments: the trainer's options as JSON, e.g. '{"l2": 0.01}'.
      train: { type: 'string', default: '{}' },
    },
  });
  if (!values.data) throw new Error('usage: tsx scripts/teach-eval.ts --data DIR [--model ID]... [--seeds N] [--cache DIR]');
  const images = await readDevSet(values.data);
  const seeds = Number(values.seeds);
  const trainOptions = JSON.parse(values.train) as TrainOptions;
  await initBackend('cpu');
  const rows: string[] = [];
  for (const model of values.model ?? ['drn-a-50-imagenet', 'resnet-50-imagenet']) {
    const pkg = await loadPackage(folderSource(modelDir(model)));
    const kernel = (await pkg.weights.get('fc.kernel')!.data()) as Float32Array;
    const bias = (await pkg.weights.get('fc.bias')!.data()) as Float32Array;
    const F = pkg.weights.get('fc.kernel')!.shape[2]!;
    const classifier: Classifier = { features: F, classes: bias.length, kernel: Float32Array.from(kernel), bias: Float32Array.from(bias) };
    for (const t of pkg.weights.values()) t.dispose();
    const prep = pkg.manifest.preprocessing;
    const backgroundFile = join(REPO_ROOT, 'public/teach-background', `${model}.features.json`);
    const background = parseBackground(readFileSync(backgroundFile, 'utf8'), backgroundFile, await backboneOf(pkg.manifest));
    const photos: Photo[] = [];
    images.forEach((im, index) => {
      const paths = cachePaths(values.cache, model, index);
      const concept = conceptOf(im.classIndex)?.name ?? null;
      if (!existsSync(paths.pooled) || (concept && !existsSync(paths.features))) return;
      const buf = readFileSync(paths.pooled);
      const pooled = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      let features: Float32Array | null = null;
      if (concept) {
        const fb = readFileSync(paths.features);
        features = f16(new Uint16Array(fb.buffer.slice(fb.byteOffset, fb.byteOffset + fb.byteLength)));
      }
      const transform = inputTransform(prep.resize, im.width, im.height);
      photos.push({
        index,
        concept,
        classIndex: im.classIndex,
        pooled,
        features,
        sample: { gtClass: 0, topClass: 0, gtBoxes: im.boxes, transform, width: im.width, height: im.height },
      });
    });
    const others = photos.filter((p) => !p.concept);
    console.error(`${model}: ${photos.length} cached photos (${others.length} of other things)`);
    for (const concept of CONCEPTS) {
      const mine = photos.filter((p) => p.concept === concept.name);
      if (!mine.length) continue;
      const side = Math.round(Math.sqrt(mine[0].features!.length / F));
      // The 1000-class head's map of each photo's own ImageNet class: the reference the taught map is held to.
      const own = new Map(mine.map((p) => [p.index, headMap(p.features!, F, (k) => kernel[k * bias.length + p.classIndex], bias[p.classIndex])]));
      for (const n of [5, 10, 20]) {
        if (mine.length - n < 3) {
          rows.push(`| ${model} | ${concept.name} | ${n} | (only ${mine.length} photos: too few to hold any out) | | | | | | |`);
          continue;
        }
        for (const way of WAYS) {
          const sums = { loc: 0, locRef: 0, box: 0, boxRef: 0, det: 0, fp: 0, ms: 0 };
          for (let seed = 1; seed <= seeds; seed++) {
            const random = seeded(seed * 7919 + n);
            const pos = shuffled(mine, random);
            const taughtOn = pos.slice(0, n);
            const held = pos.slice(n);
            const negPool = shuffled(others, random);
            const negatives = way.user ? negPool.slice(0, 2 * n) : [];
            const unseen = negPool.slice(negatives.length);
            const head = trainHead(
              taughtOn.map((p) => p.pooled),
              negatives.map((p) => p.pooled),
              {
                ...trainOptions,
                ...(way.competitors ? { classifier } : {}),
                ...(way.background ? { background } : {}),
              },
            );
            const score = (x: Float32Array) => x.reduce((a, v, i) => a + v * head.weights[i], head.bias);
            const taught = held.map((p) =>
              sampleWith(
                p,
                headMap(p.features!, F, (k) => head.weights[k], head.bias),
                side,
              ),
            );
            const ref = held.map((p) => sampleWith(p, own.get(p.index)!, side));
            sums.loc += gtKnownLoc(taught, 'cam', 0.25);
            sums.locRef += gtKnownLoc(ref, 'cam', 0.25);
            sums.box += maxBoxAccV2(taught).value;
            sums.boxRef += maxBoxAccV2(ref).value;
            sums.det += held.filter((p) => score(p.pooled) > 0).length / held.length;
            sums.fp += unseen.filter((p) => score(p.pooled) > 0).length / unseen.length;
            sums.ms += head.figures.ms;
          }
          const m = (v: number) => v / seeds;
          rows.push(
            `| ${model} | ${concept.name} | ${n} | ${way.name} | ${mine.length - n} | ${pct(m(sums.loc))} | ${pct(m(sums.locRef))} | ${pct(m(sums.box))} | ${pct(m(sums.boxRef))} | ${pct(m(sums.det))} | ${pct(m(sums.fp))} (${others.length - (way.user ? 2 * n : 0)}) |`,
          );
          console.error(rows[rows.length - 1]);
        }
      }
    }
  }
  console.log(
    [
      `Teach evaluation on ${values.data} (${seeds} random draws each; ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores)`,
      '',
      '| model | concept | N | "not this" examples | held-out photos | taught GT-known Loc | 1000-class GT-known Loc | taught MaxBoxAccV2 | 1000-class MaxBoxAccV2 | detected | false positives (other photos) |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
}

await main();
