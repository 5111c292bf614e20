// Deletion and insertion curves (Petsiuk, Das, Saenko, "RISE", BMVC 2018): is a class map faithful
// to the network? Pixels are taken in the order of the map's evidence, strongest first. Deletion
// replaces a growing fraction of them by a blurred copy of the photo and should make the class's
// probability fall fast (small area under the curve); insertion starts from the blurred photo and
// reveals them, and should make it rise fast (large area). The pure parts: the order, the mixed
// photo at each step, the areas. The network loop is src/localize/faithfulness-run.ts.
import type { RGBAImage } from '../image/geometry';

export type CurveKind = 'deletion' | 'insertion';

export interface FaithfulnessCurves {
  classIndex: number;
  /** Fraction of the ordered pixels changed at each step: 0, 1/steps, ..., 1. */
  fractions: number[];
  /** The class's probability after removing that fraction of the pixels (the first point is the photo). */
  deletion: number[];
  /** The class's probability after revealing that fraction of the pixels on the blurred photo (the last point is the photo). */
  insertion: number[];
  /** Trapezoid areas under the two curves, in [0, 1]. */
  deletionAuc: number;
  insertionAuc: number;
  /** Standard deviation of the blur, in photo pixels. */
  blurSigma: number;
  /** Forward passes run and the wall time they took. */
  passes: number;
  ms: number;
}

/** Default number of steps (the N). */
export const DEFAULT_STEPS = 16;

/** The blur's standard deviation for a photo: 1/22 of its shorter side (~10 pixels at the network's 224). */
export const blurSigmaFor = (width: number, height: number): number => Math.min(width, height) / 22;

/**
 * Each pixel's place in the evidence order (0 = strongest), strongest first, ties by pixel index
 * (row-major), so the order is the same on every machine. Pixels with no evidence value (NaN:
 * outside the network's input, a centre crop) are never changed: their rank is -1.
 */
export function evidenceRanks(evidence: Float32Array): { rank: Int32Array; ordered: number } {
  const idx: number[] = [];
  for (let i = 0; i < evidence.length; i++) if (!Number.isNaN(evidence[i])) idx.push(i);
  idx.sort((a, b) => evidence[b] - evidence[a] || a - b);
  const rank = new Int32Array(evidence.length).fill(-1);
  idx.forEach((p, r) => {
    rank[p] = r;
  });
  return { rank, ordered: idx.length };
}

/** How many ordered pixels are changed at each of steps + 1 points (0 ... ordered). */
export function stepCounts(ordered: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a whole number >= 1, got ${steps}`);
  return Array.from({ length: steps + 1 }, (_, k) => Math.round((ordered * k) / steps));
}

/**
 * The photo at one step: deletion takes the blurred copy for the `count` strongest pixels and the
 * photo elsewhere; insertion takes the photo for them and the blurred copy elsewhere (pixels that
 * are never ordered keep the photo's values in both, as the network never sees them).
 */
export function mixedImage(photo: RGBAImage, blurred: RGBAImage, rank: Int32Array, count: number, kind: CurveKind): RGBAImage {
  if (photo.width !== blurred.width || photo.height !== blurred.height || rank.length !== photo.width * photo.height) {
    throw new RangeError('mixedImage: the photo, its blurred copy and the ranks must have the same size');
  }
  const data = new Uint8ClampedArray(photo.data.length);
  for (let i = 0; i < rank.length; i++) {
    const r = rank[i];
    const changed = r >= 0 && r < count;
    const useBlur = r >= 0 && (kind === 'deletion' ? changed : !changed);
    const src = useBlur ? blurred.data : photo.data;
    const p = 4 * i;
    data[p] = src[p];
    data[p + 1] = src[p + 1];
    data[p + 2] = src[p + 2];
    data[p + 3] = src[p + 3];
  }
  return { width: photo.width, height: photo.height, data };
}

/** Area under a curve sampled at evenly spaced x from 0 to 1 (trapezoid rule). */
export function trapezoidAuc(ys: readonly number[]): number {
  if (ys.length < 2) throw new RangeError('an area needs at least two points');
  let sum = 0;
  for (let i = 1; i < ys.length; i++) sum += (ys[i - 1] + ys[i]) / 2;
  return sum / (ys.length - 1);
}

export interface CurveOptions {
  steps?: number;
  /** Blur standard deviation in photo pixels (default blurSigmaFor the photo). */
  blurSigma?: number;
  /** The class's probability on the untouched photo, when the caller has it already (saves a pass). */
  photoProbability?: number;
  /** Called after each forward pass with passes done and the total. */
  onStep?(done: number, total: number): void;
  /** Asked before each pass; true stops the run with an error (the user cancelled). */
  cancelled?(): boolean;
}

/**
 * Both curves for one class, given the evidence per photo pixel and a way to get the class's
 * probability for any photo (the network, or a stand-in in tests). The untouched and the fully
 * blurred photos are shared by both curves, so steps N cost 2N passes (2N - 1 with photoProbability).
 */
export async function faithfulnessCurves(
  photo: RGBAImage,
  blurred: RGBAImage,
  evidence: Float32Array,
  classIndex: number,
  probability: (image: RGBAImage) => Promise<number>,
  opts: CurveOptions & { blurSigma: number },
): Promise<FaithfulnessCurves> {
  const start = performance.now();
  const steps = opts.steps ?? DEFAULT_STEPS;
  const { rank, ordered } = evidenceRanks(evidence);
  const counts = stepCounts(ordered, steps);
  const total = 2 * steps - (opts.photoProbability === undefined ? 0 : 1);
  let done = 0;
  const run = async (image: RGBAImage) => {
    // A macrotask turn between passes: a worker's forward pass resolves in microtasks only, so
    // without it a cancel message would not be read before the whole run ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (opts.cancelled?.()) throw new Error('faithfulness run cancelled');
    const p = await probability(image);
    done++;
    opts.onStep?.(done, total);
    return p;
  };
  const atPhoto = opts.photoProbability ?? (await run(photo));
  const atBlur = await run(mixedImage(photo, blurred, rank, ordered, 'deletion'));
  const deletion = [atPhoto],
    insertion = [atBlur];
  for (let k = 1; k < steps; k++) {
    deletion.push(await run(mixedImage(photo, blurred, rank, counts[k], 'deletion')));
    insertion.push(await run(mixedImage(photo, blurred, rank, counts[k], 'insertion')));
  }
  deletion.push(atBlur);
  insertion.push(atPhoto);
  return {
    classIndex,
    fractions: counts.map((_, k) => k / steps),
    deletion,
    insertion,
    deletionAuc: trapezoidAuc(deletion),
    insertionAuc: trapezoidAuc(insertion),
    blurSigma: opts.blurSigma,
    passes: done,
    ms: performance.now() - start,
  };
}
