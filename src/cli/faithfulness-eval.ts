// `eval --faithfulness`: deletion and insertion curves of each image's top-1 class map over a
// dev-set prefix, in this thread (N steps cost 2N - 1 forward passes per image). An image that
// cannot be read or run is listed with its reason; the others still count.
import { readFile } from 'node:fs/promises';
import { decodeImage } from '../image/decode-node';
import { DEFAULT_STEPS, trapezoidAuc, type FaithfulnessCurves } from '../localize/faithfulness';
import { runFaithfulness } from '../localize/faithfulness-run';
import type { DevImage } from './dev-set';
import { openModel, type JobSetup } from './eval-jobs';

export interface FaithfulnessReport {
  steps: number;
  /** Which class's map orders the pixels. */
  classOf: 'top-1';
  images: number;
  /** Means over the images of the areas, and the mean curves (their areas equal the mean areas). */
  deletionAuc: number;
  insertionAuc: number;
  fractions: number[];
  deletion: number[];
  insertion: number[];
  /** Forward passes, wall seconds (model load excluded) and seconds per image. */
  passes: number;
  seconds: number;
  secondsPerImage: number;
  /** Each image's class and areas, in image order (failed images left out). */
  perImage: { image: string; classIndex: number; deletionAuc: number; insertionAuc: number }[];
  failed: { image: string; message: string }[];
}

const r4 = (v: number) => Number(v.toFixed(4));

export async function faithfulnessOver(
  images: readonly DevImage[],
  setup: JobSetup,
  steps = DEFAULT_STEPS,
  onDone: () => void = () => {},
): Promise<FaithfulnessReport> {
  const { model } = await openModel(setup);
  const start = performance.now();
  const curves: FaithfulnessCurves[] = [];
  const perImage: FaithfulnessReport['perImage'] = [];
  const failed: FaithfulnessReport['failed'] = [];
  try {
    for (const im of images) {
      try {
        const photo = decodeImage(new Uint8Array(await readFile(im.path)), im.path);
        const c = await runFaithfulness(model, photo, { steps, size: setup.size, flip: setup.flip });
        curves.push(c);
        perImage.push({ image: im.path, classIndex: c.classIndex, deletionAuc: r4(c.deletionAuc), insertionAuc: r4(c.insertionAuc) });
      } catch (e) {
        failed.push({ image: im.path, message: (e as Error).message });
      }
      onDone();
    }
  } finally {
    model.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const meanAt = (key: 'deletion' | 'insertion') =>
    Array.from({ length: steps + 1 }, (_, k) => curves.reduce((a, c) => a + c[key][k], 0) / Math.max(1, curves.length));
  const deletion = meanAt('deletion'),
    insertion = meanAt('insertion');
  return {
    steps,
    classOf: 'top-1',
    images: curves.length,
    deletionAuc: r4(curves.length ? trapezoidAuc(deletion) : NaN),
    insertionAuc: r4(curves.length ? trapezoidAuc(insertion) : NaN),
    fractions: deletion.map((_, k) => k / steps),
    deletion: deletion.map(r4),
    insertion: insertion.map(r4),
    passes: curves.reduce((a, c) => a + c.passes, 0),
    seconds: Number(seconds.toFixed(1)),
    secondsPerImage: Number((seconds / Math.max(1, images.length)).toFixed(2)),
    perImage,
    failed,
  };
}

export function formatFaithfulness(f: FaithfulnessReport): string {
  return [
    `Faithfulness (top-1 class map, ${f.steps} steps, blur sigma = shorter side / 22): ${f.images} images, ${f.passes} forward passes, ${f.seconds} s (${f.secondsPerImage} s/image)`,
    `  deletion AUC ${f.deletionAuc} (lower = more faithful), insertion AUC ${f.insertionAuc} (higher = more faithful)`,
    `  mean deletion curve:  ${f.deletion.map((v) => v.toFixed(3)).join(' ')}`,
    `  mean insertion curve: ${f.insertion.map((v) => v.toFixed(3)).join(' ')}`,
    ...f.failed.map((x) => `  skipped ${x.image}: ${x.message}`),
  ].join('\n');
}
