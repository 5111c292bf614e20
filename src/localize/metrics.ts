// Weakly supervised localization metrics over a set of images, as pure functions. Each image is
// run once; its maps are kept and every threshold is swept over the stored maps afterwards.
import type { InputTransform } from '../image/geometry';
import type { ClassMaps } from '../models/class-maps';
import { mapOf } from '../models/class-maps';
import { componentBoxes, gridBoxToImage, iou, paperRuleBox, type Box, type BoxRule, type GridBox } from './boxes';

/** What evaluation keeps of one image after its single forward pass. */
export interface EvalSample {
  gtClass: number;
  /** Ground-truth boxes in photo pixels (one or more). */
  gtBoxes: Box[];
  topClass: number;
  /** Must hold the planes of gtClass and topClass, and the winner grid. */
  maps: ClassMaps;
  transform: InputTransform;
}

/** The IoU thresholds MaxBoxAccV2 averages over (Choe et al., CVPR 2020). */
export const BOX_ACC_DELTAS = [0.3, 0.5, 0.7] as const;

/** lo, lo+step, ..., hi, without floating-point drift in the printed values. */
export function grid(lo: number, hi: number, step: number): number[] {
  const n = Math.round((hi - lo) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((lo + i * step).toFixed(10)));
}

/** CAM thresholds for MaxBoxAccV2 (the wsolevaluation interval, 0.01, plus tau = 1). */
export const MAX_BOX_ACC_TAUS = grid(0, 1, 0.01);

/**
 * Raw-activation thresholds for the paper rule, derived from the maps because the logit scale
 * differs between models: 0 up to the `quantile` of the per-image peaks of the GT-class maps
 * (above it that share of images has no box at all, so the useful range ends there and one
 * outlier peak cannot stretch the grid), in about `steps` round steps (1, 2, 2.5, 5 x 10^k).
 */
export function activationGrid(samples: readonly EvalSample[], steps = 40, quantile = 0.75): number[] {
  const peaks = samples.map((s) => mapOf(s.maps, s.gtClass).reduce((a, v) => Math.max(a, v), -Infinity)).sort((a, b) => a - b);
  const hi = peaks.length ? peaks[Math.max(0, Math.ceil(quantile * peaks.length) - 1)] : 0;
  if (!(hi > 0)) return [0];
  const raw = hi / steps;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((v) => v >= raw * (1 - 1e-9))!;
  return grid(0, Math.ceil(hi / step - 1e-9) * step, step);
}

/**
 * bestIoU against one fixed ground truth, for many boxes (a thousand classes against ten thousand
 * ground-truth boxes): the boxes are sorted by area once, and for each query only those whose area
 * is close enough to the query's are tried, since IoU <= smaller area / larger area. Same result as
 * bestIoU([box], gt).
 */
export function iouMatcher(gt: readonly Box[]): (box: Box) => number {
  const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
  // A box without area overlaps nothing: its IoU is 0 and it cannot raise the best.
  const sorted = gt.filter((g) => area(g) > 0).sort((a, b) => area(a) - area(b));
  const areas = sorted.map(area);
  // Coordinates that are not numbers make iou() NaN; leave such input to the plain loop.
  const odd = gt.some((g) => !g.every(Number.isFinite));
  return (box: Box) => {
    const a = area(box);
    if (odd || !(a > 0) || !box.every(Number.isFinite)) return bestIoU([box], gt);
    if (!sorted.length) return 0;
    let lo = 0,
      hi = areas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (areas[mid] < a) lo = mid + 1;
      else hi = mid;
    }
    // Walk outwards from the query's area, always to the side whose bound is higher.
    let best = 0,
      up = lo,
      down = lo - 1;
    const bound = (i: number) => (areas[i] < a ? areas[i] / a : a / areas[i]);
    // A hair of slack so rounding in iou() can never make a skipped box the best one.
    const slack = 1 + 1e-9;
    for (;;) {
      const bu = up < areas.length ? bound(up) : -1,
        bd = down >= 0 ? bound(down) : -1;
      const i = bu >= bd ? up : down;
      if (Math.max(bu, bd) * slack < best || (bu < 0 && bd < 0)) break;
      best = Math.max(best, iou(box, sorted[i]));
      if (i === up) up++;
      else down--;
    }
    return best;
  };
}

/** The largest IoU between any of `boxes` and any ground-truth box (0 when there is no box). */
export function bestIoU(boxes: readonly Box[], gt: readonly Box[]): number {
  let best = 0;
  for (const b of boxes) for (const g of gt) best = Math.max(best, iou(b, g));
  return best;
}

function toImage(s: EvalSample, boxes: GridBox[]): Box[] {
  return boxes.map((b) => gridBoxToImage(b, s.maps.cellSize, s.transform));
}

/** IoU of the paper-rule box of `classIndex` (raw threshold t) with its best-matching GT box. */
export function paperRuleIoU(s: EvalSample, classIndex: number, t: number): number {
  const box = paperRuleBox(s.maps, classIndex, t);
  return box ? bestIoU(toImage(s, [box]), s.gtBoxes) : 0;
}

/**
 * For the CAM rule at tau: the IoU of the largest component's box (what the rule shows) and the
 * best IoU over every component's box (what MaxBoxAccV2 scores), from one labelling.
 */
export function camIoUs(s: EvalSample, classIndex: number, tau: number): { largest: number; any: number } {
  const boxes = toImage(s, componentBoxes(mapOf(s.maps, classIndex), s.maps.width, tau));
  return { largest: bestIoU(boxes.slice(0, 1), s.gtBoxes), any: bestIoU(boxes, s.gtBoxes) };
}

export function ruleIoU(s: EvalSample, classIndex: number, rule: BoxRule, threshold: number): number {
  return rule === 'drn' ? paperRuleIoU(s, classIndex, threshold) : camIoUs(s, classIndex, threshold).largest;
}

function fraction(samples: readonly EvalSample[], hit: (s: EvalSample) => boolean): number {
  return samples.length ? samples.filter(hit).length / samples.length : 0;
}

export function top1Cls(samples: readonly EvalSample[]): number {
  return fraction(samples, (s) => s.topClass === s.gtClass);
}

/** The top-1 class is right and the box from its map has IoU >= 0.5 with some GT box. */
export function top1Loc(samples: readonly EvalSample[], rule: BoxRule, threshold: number): number {
  return fraction(samples, (s) => s.topClass === s.gtClass && ruleIoU(s, s.topClass, rule, threshold) >= 0.5);
}

/** The box from the ground-truth class's map has IoU >= 0.5 with some GT box (class errors ignored). */
export function gtKnownLoc(samples: readonly EvalSample[], rule: BoxRule, threshold: number): number {
  return fraction(samples, (s) => ruleIoU(s, s.gtClass, rule, threshold) >= 0.5);
}

export interface ThresholdSweep {
  thresholds: number[];
  /** Per threshold, the fraction of images whose box has IoU >= 0.5 (one value per threshold). */
  gtKnownLoc: number[];
  top1Loc: number[];
}

/** GT-known and Top-1 Loc of one rule at every threshold, from the stored maps. */
export function sweepRule(samples: readonly EvalSample[], rule: BoxRule, thresholds: readonly number[]): ThresholdSweep {
  const known = new Array<number>(thresholds.length).fill(0);
  const top1 = new Array<number>(thresholds.length).fill(0);
  for (const s of samples) {
    const correct = s.topClass === s.gtClass;
    thresholds.forEach((t, i) => {
      if (ruleIoU(s, s.gtClass, rule, t) < 0.5) return;
      known[i]++;
      if (correct) top1[i]++;
    });
  }
  const n = Math.max(1, samples.length);
  return { thresholds: [...thresholds], gtKnownLoc: known.map((k) => k / n), top1Loc: top1.map((k) => k / n) };
}

/**
 * The threshold with the best score; among equal scores the one nearest `preferred` (the
 * current default), so a flat curve does not move the default for nothing.
 */
export function bestThreshold(thresholds: readonly number[], scores: readonly number[], preferred: number): { threshold: number; score: number } {
  let best = -1;
  thresholds.forEach((t, i) => {
    if (best < 0 || scores[i] > scores[best] || (scores[i] === scores[best] && Math.abs(t - preferred) < Math.abs(thresholds[best] - preferred)))
      best = i;
  });
  if (best < 0) throw new Error('bestThreshold: no thresholds');
  return { threshold: thresholds[best], score: scores[best] };
}

export interface MaxBoxAccV2 {
  /** Mean over the deltas of the best BoxAcc. */
  value: number;
  perDelta: { delta: number; boxAcc: number; tau: number }[];
}

/**
 * MaxBoxAccV2: for each IoU threshold delta, BoxAcc(tau, delta) is the fraction of images where
 * some component box of the GT class's map at tau has IoU >= delta with some GT box; the best
 * tau is taken per delta, and the three maxima are averaged.
 */
export function maxBoxAccV2(
  samples: readonly EvalSample[],
  taus: readonly number[] = MAX_BOX_ACC_TAUS,
  deltas: readonly number[] = BOX_ACC_DELTAS,
): MaxBoxAccV2 {
  if (!taus.length) throw new Error('maxBoxAccV2: no thresholds');
  // best[i][j]: best IoU of image j at taus[i]; each (image, tau) is labelled once for all deltas.
  const best = taus.map((tau) => samples.map((s) => camIoUs(s, s.gtClass, tau).any));
  const n = Math.max(1, samples.length);
  const perDelta = deltas.map((delta) => {
    const accs = best.map((row) => row.filter((v) => v >= delta).length / n);
    let i = 0;
    accs.forEach((a, k) => {
      if (a > accs[i]) i = k;
    });
    return { delta, boxAcc: accs[i], tau: taus[i] };
  });
  return { value: perDelta.reduce((a, d) => a + d.boxAcc, 0) / Math.max(1, perDelta.length), perDelta };
}
