// `compare --data DIR --model A --to B`: do two packages of one network see the same thing? Runs
// both on every image of a box-annotated set (eval's format) and reports how often their top-1
// class and top-5 set agree, how far apart their class maps are (as a fraction of each map's
// range), and eval's localization metrics for both. Made to check float16 storage against
// float32 (README, "Weights in float16"); exits 1 when a bound is missed.
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLD } from '../localize/boxes';
import { gtKnownLoc, maxBoxAccV2, top1Cls, top1Loc, type EvalSample } from '../localize/metrics';
import { mapOf, type ClassMaps } from '../models/class-maps';
import type { LensModel } from '../models/lens-model';
import { packageStorage, tensorBytes } from '../weights/manifest';
import { UsageError, number } from './args';
import { initBackend } from './backend-node';
import { readDevPhoto, readDevSet } from './dev-set';
import { modelDir, resolveModel } from './models';
import { progressBar } from './progress';

export const COMPARE_USAGE = 'compare --data DIR --model A --to B [--limit N] [--json]   (exit 1 when B misses a parity bound)';

/** The parity bounds of issue 11: what float16 storage may change. */
export const BOUNDS = { top1Agreement: 0.995, top5Agreement: 0.98, mapDiff: 0.01, metricPoints: 0.5 } as const;

/** Largest |a - b| over the map's cells, as a fraction of a's range (max - min). */
export function mapDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`maps of ${a.length} and ${b.length} cells cannot be compared`);
  let lo = Infinity,
    hi = -Infinity,
    d = 0;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, a[i]);
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  if (d === 0) return 0;
  return hi > lo ? d / (hi - lo) : Infinity;
}

export const quantile = (xs: readonly number[], q: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

export interface PairImage {
  a: EvalSample;
  b: EvalSample;
  /** Top-5 class indices of each package, best first. */
  top5A: number[];
  top5B: number[];
  /** Per compared class (the ground truth's and A's top-1), the map difference as a fraction of A's map's range. */
  mapDiffs: number[];
}

/** The classes whose maps are compared: the ground truth's (GT-known Loc) and A's top-1 (Top-1 Loc). */
export function comparedClasses(gtClass: number, topA: number): number[] {
  return gtClass === topA ? [gtClass] : [gtClass, topA];
}

export function pairMapDiffs(a: ClassMaps, b: ClassMaps, classes: readonly number[]): number[] {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`maps are ${a.width}x${a.height} and ${b.width}x${b.height}: compare packages of one architecture`);
  return classes.map((c) => mapDiff(mapOf(a, c), mapOf(b, c)));
}

export interface Metrics {
  top1Cls: number;
  camTop1Loc: number;
  camGtKnownLoc: number;
  drnTop1Loc: number;
  drnGtKnownLoc: number;
  maxBoxAccV2: number;
}

export const METRIC_NAMES: Record<keyof Metrics, string> = {
  top1Cls: 'Top-1 Cls',
  camTop1Loc: `Top-1 Loc, cam, tau ${DEFAULT_THRESHOLD.cam}`,
  camGtKnownLoc: `GT-known Loc, cam, tau ${DEFAULT_THRESHOLD.cam}`,
  drnTop1Loc: `Top-1 Loc, drn, t ${DEFAULT_THRESHOLD.drn}`,
  drnGtKnownLoc: `GT-known Loc, drn, t ${DEFAULT_THRESHOLD.drn}`,
  maxBoxAccV2: 'MaxBoxAccV2',
};

/** eval's figures at the default thresholds (the ones the page uses). */
export function metrics(samples: readonly EvalSample[]): Metrics {
  return {
    top1Cls: top1Cls(samples),
    camTop1Loc: top1Loc(samples, 'cam', DEFAULT_THRESHOLD.cam),
    camGtKnownLoc: gtKnownLoc(samples, 'cam', DEFAULT_THRESHOLD.cam),
    drnTop1Loc: top1Loc(samples, 'drn', DEFAULT_THRESHOLD.drn),
    drnGtKnownLoc: gtKnownLoc(samples, 'drn', DEFAULT_THRESHOLD.drn),
    maxBoxAccV2: maxBoxAccV2(samples).value,
  };
}

export interface Parity {
  images: number;
  top1Agreement: number;
  top5Agreement: number;
  mapDiff: { max: number; p99: number; maps: number };
  a: Metrics;
  b: Metrics;
  /** Bounds missed, as sentences; empty when B passes. */
  failed: string[];
}

export function parity(pairs: readonly PairImage[]): Parity {
  const n = Math.max(1, pairs.length);
  const sameSet = (x: number[], y: number[]) => x.length === y.length && x.every((c) => y.includes(c));
  const top1Agreement = pairs.filter((p) => p.top5A[0] === p.top5B[0]).length / n;
  const top5Agreement = pairs.filter((p) => sameSet(p.top5A, p.top5B)).length / n;
  const diffs = pairs.flatMap((p) => p.mapDiffs);
  const mapDiffs = { max: diffs.reduce((m, d) => Math.max(m, d), 0), p99: quantile(diffs, 0.99), maps: diffs.length };
  const a = metrics(pairs.map((p) => p.a));
  const b = metrics(pairs.map((p) => p.b));
  const failed: string[] = [];
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  if (top1Agreement < BOUNDS.top1Agreement) failed.push(`top-1 agrees on ${pct(top1Agreement)} < ${pct(BOUNDS.top1Agreement)}`);
  if (top5Agreement < BOUNDS.top5Agreement) failed.push(`top-5 sets agree on ${pct(top5Agreement)} < ${pct(BOUNDS.top5Agreement)}`);
  if (!(mapDiffs.max <= BOUNDS.mapDiff)) failed.push(`maps differ by up to ${pct(mapDiffs.max)} of their range > ${pct(BOUNDS.mapDiff)}`);
  for (const k of Object.keys(METRIC_NAMES) as (keyof Metrics)[]) {
    const moved = 100 * Math.abs(b[k] - a[k]);
    if (moved > BOUNDS.metricPoints + 1e-9) failed.push(`${METRIC_NAMES[k]} moved ${moved.toFixed(2)} points > ${BOUNDS.metricPoints}`);
  }
  return { images: pairs.length, top1Agreement, top5Agreement, mapDiff: mapDiffs, a, b, failed };
}

export interface CompareReport extends Parity {
  data: string;
  backend: string;
  model: { id: string; dir: string; storage: string; megabytes: number; secondsPerImage: number };
  to: { id: string; dir: string; storage: string; megabytes: number; secondsPerImage: number };
}

export function formatCompare(r: CompareReport): string {
  const pct = (v: number, d = 1) => `${(100 * v).toFixed(d)}%`;
  const who = (m: CompareReport['model']) =>
    `${m.dir} (${m.id}, ${m.storage}, ${m.megabytes.toFixed(1)} MB, ${m.secondsPerImage.toFixed(2)} s/image)`;
  const rows = (Object.keys(METRIC_NAMES) as (keyof Metrics)[]).map((k) => {
    const d = 100 * (r.b[k] - r.a[k]);
    return `${METRIC_NAMES[k].padEnd(28)} ${pct(r.a[k]).padStart(7)} ${pct(r.b[k]).padStart(7)} ${`${d >= 0 ? '+' : ''}${d.toFixed(2)}`.padStart(8)}`;
  });
  return [
    `A ${who(r.model)}`,
    `B ${who(r.to)}`,
    `on ${r.data}: ${r.images} images, backend ${r.backend}`,
    '',
    `top-1 class agrees      ${pct(r.top1Agreement, 2)}   (bound >= ${pct(BOUNDS.top1Agreement)})`,
    `top-5 set agrees        ${pct(r.top5Agreement, 2)}   (bound >= ${pct(BOUNDS.top5Agreement)})`,
    `map difference / range  max ${pct(r.mapDiff.max, 3)}, 99th percentile ${pct(r.mapDiff.p99, 3)} over ${r.mapDiff.maps} maps (GT and A's top-1 class; bound <= ${pct(BOUNDS.mapDiff)})`,
    '',
    `${'metric'.padEnd(28)} ${'A'.padStart(7)} ${'B'.padStart(7)} ${'B-A pts'.padStart(8)}   (bound: moves <= ${BOUNDS.metricPoints} points)`,
    ...rows,
    '',
    r.failed.length ? `B MISSES ${r.failed.length} bound(s): ${r.failed.join('; ')}` : 'B is within every bound',
  ].join('\n');
}

function describe(model: LensModel, dir: string, seconds: number, images: number): CompareReport['model'] {
  return {
    id: model.manifest.id,
    dir,
    storage: packageStorage(model.manifest),
    megabytes: tensorBytes(model.manifest) / 1e6,
    secondsPerImage: seconds / Math.max(1, images),
  };
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string' },
      model: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.data || !values.model || !values.to) throw new UsageError(`usage: ${COMPARE_USAGE}`);
  const limit = values.limit === undefined ? undefined : number('--limit', values.limit, 1);
  if (limit !== undefined && !Number.isInteger(limit)) throw new UsageError(`--limit must be a whole number, got ${values.limit}`);
  const images = await readDevSet(values.data, limit);
  const backend = await initBackend('wasm');
  const a = await resolveModel(values.model);
  const b = await resolveModel(values.to).catch((e: unknown) => {
    a.dispose();
    throw e;
  });
  const pairs: PairImage[] = [];
  let secondsA = 0,
    secondsB = 0;
  const bar = progressBar(images.length, 'compare');
  try {
    if (a.manifest.classes.join('\n') !== b.manifest.classes.join('\n'))
      throw new Error(`${values.model} and ${values.to} have different class lists`);
    for (const im of images) {
      const photo = await readDevPhoto(im, a.manifest.classes.length);
      const ia = await a.infer(photo, { topK: 5, extraClasses: [im.classIndex] });
      const classes = comparedClasses(im.classIndex, ia.top[0].index);
      const ib = await b.infer(photo, { topK: 5, extraClasses: classes });
      secondsA += ia.ms / 1000;
      secondsB += ib.ms / 1000;
      const sample = (inf: typeof ia): EvalSample => ({
        gtClass: im.classIndex,
        gtBoxes: im.boxes,
        topClass: inf.top[0].index,
        maps: inf.maps,
        transform: inf.transform,
      });
      pairs.push({
        a: sample(ia),
        b: sample(ib),
        top5A: ia.top.map((t) => t.index),
        top5B: ib.top.map((t) => t.index),
        mapDiffs: pairMapDiffs(ia.maps, ib.maps, classes),
      });
      bar.tick();
    }
  } finally {
    bar.done();
    a.dispose();
    b.dispose();
  }
  const report: CompareReport = {
    data: values.data,
    backend,
    ...parity(pairs),
    model: describe(a, modelDir(values.model), secondsA, pairs.length),
    to: describe(b, modelDir(values.to), secondsB, pairs.length),
  };
  console.log(values.json ? JSON.stringify(report, null, 1) : formatCompare(report));
  return report.failed.length ? 1 : 0;
}
