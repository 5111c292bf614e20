// The network side of the faithfulness curves, shared by `locate`/`eval --faithfulness` and the
// page's worker: the class map's evidence at every photo pixel (upsampled as the viewer draws it),
// then one forward pass per step through src/localize/faithfulness.ts.
import { sampleMap } from './sample-map';
import { blurImage } from '../image/blur';
import type { RGBAImage } from '../image/geometry';
import { blurSigmaFor, faithfulnessCurves, type CurveOptions, type FaithfulnessCurves } from './faithfulness';
import { mapOf, softmax } from '../models/class-maps';
import type { LensModel } from '../models/lens-model';

export interface FaithfulnessRun extends CurveOptions {
  /** The class whose map orders the pixels (default: the photo's top-1 class). */
  classIndex?: number;
  /** Network input side and flip, as in InferOptions. */
  size?: number;
  flip?: boolean;
}

export async function runFaithfulness(model: LensModel, photo: RGBAImage, opts: FaithfulnessRun = {}): Promise<FaithfulnessCurves> {
  const { size, flip } = opts;
  const extra = opts.classIndex === undefined ? [] : [opts.classIndex];
  const inf = await model.infer(photo, { topK: 1, extraClasses: extra, winner: false, size, flip });
  const classIndex = opts.classIndex ?? inf.top[0].index;
  // Smooth, as the viewer and the overlay draw it: the pixel order follows the map the user sees.
  const evidence = sampleMap(mapOf(inf.maps, classIndex), inf.maps, inf.transform, photo.width, photo.height, true);
  const blurSigma = opts.blurSigma ?? blurSigmaFor(photo.width, photo.height);
  const probability = async (image: RGBAImage) => softmax((await model.infer(image, { topK: 1, winner: false, size, flip })).logits)[classIndex];
  return faithfulnessCurves(photo, blurImage(photo, blurSigma), evidence, classIndex, probability, {
    ...opts,
    blurSigma,
    photoProbability: softmax(inf.logits)[classIndex],
  });
}
