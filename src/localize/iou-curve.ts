// IoU against the threshold, per rule: how the box of one class fares against the ground truth as
// the slider moves. Pure, so the page's chart and its tests share the numbers.
import type { InputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { mapOf } from '../models/class-maps';
import type { Box, BoxRule } from './boxes';
import { grid, ruleIoU } from './metrics';

export interface ThresholdRange {
  min: number;
  max: number;
  step: number;
}

/** The largest raw activation of a class's map (the paper rule's useful thresholds end there). */
export function peak(maps: ClassMaps, classIndex: number): number {
  return mapOf(maps, classIndex).reduce((a, v) => Math.max(a, v), -Infinity);
}

/**
 * The threshold slider's range: tau is a fraction of the normalized map; the paper rule's t is in
 * raw logit units, from 0 to the peak (rounded up), beyond which no cell can pass.
 */
export function thresholdRange(rule: BoxRule, peakActivation: number): ThresholdRange {
  if (rule === 'cam') return { min: 0, max: 1, step: 0.01 };
  const max = Math.max(1, Math.ceil(peakActivation));
  return { min: 0, max, step: max / 200 };
}

/** Thresholds a curve is drawn at: `points` evenly over the range, ends included. */
export function curveThresholds(range: ThresholdRange, points = 41): number[] {
  return grid(0, points - 1, 1).map((i) => range.min + ((range.max - range.min) * i) / (points - 1));
}

/** Best IoU with any ground-truth box of the class's box by `rule`, at each threshold. */
export function iouCurve(
  maps: ClassMaps,
  transform: InputTransform,
  classIndex: number,
  rule: BoxRule,
  thresholds: readonly number[],
  gt: readonly Box[],
): number[] {
  const sample = { gtClass: classIndex, topClass: classIndex, gtBoxes: [...gt], maps, transform };
  return thresholds.map((t) => ruleIoU(sample, classIndex, rule, t));
}
