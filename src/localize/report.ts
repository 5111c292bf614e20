// The JSON shape of one photo's result: what `locate --json` prints and the page exports.
import type { Inference } from '../models/class-maps';
import { mapOf, softmax } from '../models/class-maps';
import { inputToImage } from '../image/geometry';
import { classBox, type Box, type RuleOptions } from './boxes';
import { instances } from './instances';
import { bestIoU } from './metrics';
import { gridding } from './gridding';
import type { FaithfulnessCurves } from './faithfulness';

export interface ClassResult {
  index: number;
  name: string;
  probability: number;
  logit: number;
  /** [xmin, ymin, xmax, ymax] in photo pixels, or null when the rule selects no cell. */
  box: Box | null;
  /** Best IoU of the box with any ground-truth box; null without ground truth. */
  iou: number | null;
  /** The map's strongest cell: its centre in photo pixels, and its raw activation. */
  peak: { x: number; y: number; value: number };
  /** The map's checkerboard share (gridding.ts: 1 pure gridding, ~0 smooth); null where undefined (e.g. 7x7 maps). */
  gridding: number | null;
  /** Deletion and insertion curves, when asked for (`locate --faithfulness`, the page's chart). */
  faithfulness?: FaithfulnessCurves;
  /** A taught class: present by its decision rule (logit > 0); its probability is sigmoid(logit). */
  taught?: true;
  present?: boolean;
  /** With ReportOptions.instances: one box per separate region, largest first (`box` is the first; `iou` the best of them). */
  boxes?: Box[];
}

export interface LocateResult {
  image: string;
  width: number;
  height: number;
  model: string;
  backend: string;
  ms: number;
  rule: RuleOptions['rule'];
  threshold: number;
  mapSize: [number, number];
  /** Ground-truth boxes in photo pixels (empty when none were given). */
  gt: Box[];
  /** The top classes, then any other classes asked for, in the order asked. */
  classes: ClassResult[];
  logits?: number[];
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

function peakOf(inf: Inference, classIndex: number): ClassResult['peak'] {
  const plane = mapOf(inf.maps, classIndex);
  let best = 0;
  for (let i = 1; i < plane.length; i++) if (plane[i] > plane[best]) best = i;
  const cx = best % inf.maps.width,
    cy = (best - cx) / inf.maps.width;
  const [x, y] = inputToImage(inf.transform, (cx + 0.5) * inf.maps.cellSize, (cy + 0.5) * inf.maps.cellSize);
  return { x: round(x, 1), y: round(y, 1), value: round(plane[best], 4) };
}

function griddingOf(inf: Inference, classIndex: number): number | null {
  const g = gridding(mapOf(inf.maps, classIndex), inf.maps.width, inf.maps.height);
  return g ? round(g.score, 4) : null;
}

/**
 * A class's probability and logit: the softmax's for the model's own classes; for a taught class
 * (an index past them) its own, the logit being the mean of its map (a linear head) and the
 * probability its sigmoid.
 */
function scoreOf(inf: Inference, probs: Float32Array, index: number): { probability: number; logit: number } {
  if (index < inf.logits.length) return { probability: probs[index], logit: inf.logits[index] };
  const plane = mapOf(inf.maps, index);
  let sum = 0;
  for (const v of plane) sum += v;
  const logit = sum / plane.length;
  return { probability: 1 / (1 + Math.exp(-logit)), logit };
}

export interface ReportOptions {
  withLogits?: boolean;
  /** Classes to report besides the top ones (their maps must be in the inference). */
  classes?: readonly number[];
  /** Names of all classes by index (the top ones are named in the inference itself). */
  names?: readonly string[];
  gt?: readonly Box[];
  /** One box per separate region above the threshold (`boxes`). */
  instances?: boolean;
}

export function locateResult(image: string, model: string, inf: Inference, opts: RuleOptions, report: ReportOptions = {}): LocateResult {
  const gt = [...(report.gt ?? [])];
  const probs = softmax(inf.logits);
  const top = inf.top.map((p) => p.index);
  const extra = (report.classes ?? []).filter((c, i, all) => !top.includes(c) && all.indexOf(c) === i);
  const named: { index: number; name: string; probability: number; logit: number; present?: boolean }[] = [
    ...inf.top,
    ...extra.map((index) => {
      const taught = inf.taught?.find((t) => t.index === index);
      if (taught) return { index, name: taught.name, probability: taught.probability, logit: taught.logit, present: taught.present };
      // (teach-page) A head set after the photo ran has no entry in `taught`: scored from its map.
      if (index >= inf.logits.length) {
        const own = scoreOf(inf, probs, index);
        return { index, name: report.names?.[index] ?? `class ${index}`, ...own, present: own.logit > 0 };
      }
      return { index, name: report.names?.[index] ?? `class ${index}`, probability: probs[index], logit: inf.logits[index] };
    }),
  ];
  return {
    image,
    width: inf.transform.imageWidth,
    height: inf.transform.imageHeight,
    model,
    backend: inf.backend,
    ms: round(inf.ms, 1),
    rule: opts.rule,
    threshold: opts.threshold,
    mapSize: [inf.maps.width, inf.maps.height],
    gt,
    classes: named.map((p) => {
      const regions = report.instances ? instances(inf.maps, p.index, inf.transform, opts).map((r) => r.box.map((v) => round(v, 1)) as Box) : null;
      const box = regions ? (regions[0] ?? null) : classBox(inf.maps, p.index, inf.transform, opts);
      const boxes = regions ?? (box ? [box] : []);
      return {
        index: p.index,
        name: p.name,
        probability: round(p.probability, 6),
        logit: round(p.logit, 5),
        box: box ? (box.map((v) => round(v, 1)) as Box) : null,
        iou: gt.length ? round(boxes.length ? bestIoU(boxes, gt) : 0, 4) : null,
        peak: peakOf(inf, p.index),
        gridding: griddingOf(inf, p.index),
        ...(p.present !== undefined ? { taught: true as const, present: p.present } : {}),
        ...(regions ? { boxes: regions } : {}),
      };
    }),
    ...(report.withLogits ? { logits: Array.from(inf.logits, (v) => round(v, 5)) } : {}),
  };
}
