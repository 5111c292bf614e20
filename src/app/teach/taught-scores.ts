// A taught class's score on a photo, read from its map: its logit is the spatial mean of its map
// (the head is linear, as the ImageNet classifier is), its score the sigmoid of that, and it is
// present when the logit is above 0. Read from the plane, so a class taught after the photo was
// inferred is scored without a new forward pass. Pure.
import { mapOf, type ClassMaps } from '../../models/class-maps';
import { sigmoid } from './teach-state';

export interface TaughtScore {
  index: number;
  logit: number;
  probability: number;
  present: boolean;
}

/** The score of class `index` (a taught one) from its plane in `maps`; null when the plane is not there. */
export function taughtScore(maps: ClassMaps, index: number): TaughtScore | null {
  if (!maps.classes.includes(index)) return null;
  const plane = mapOf(maps, index);
  let sum = 0;
  for (const v of plane) sum += v;
  const logit = sum / plane.length;
  return { index, logit, probability: sigmoid(logit), present: logit > 0 };
}

/** A class's probability as the page states it: softmax over the model's classes, or a taught class's own score. */
export function classProbability(maps: ClassMaps, softmaxed: Float32Array, index: number): number {
  if (index < softmaxed.length) return softmaxed[index];
  return taughtScore(maps, index)?.probability ?? 0;
}
