// The JSON shape of one photo's result: what `locate --json` prints and the page exports.
import type { Inference } from '../models/class-maps';
import { classBox, type Box, type RuleOptions } from './boxes';

export interface ClassResult {
  index: number;
  name: string;
  probability: number;
  logit: number;
  /** [xmin, ymin, xmax, ymax] in photo pixels, or null when the rule selects no cell. */
  box: Box | null;
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
  classes: ClassResult[];
  logits?: number[];
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

export function locateResult(image: string, model: string, inf: Inference, opts: RuleOptions, withLogits = false): LocateResult {
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
    classes: inf.top.map((p) => {
      const box = classBox(inf.maps, p.index, inf.transform, opts);
      return {
        index: p.index, name: p.name, probability: round(p.probability, 6), logit: round(p.logit, 5),
        box: box ? (box.map((v) => round(v, 1)) as Box) : null,
      };
    }),
    ...(withLogits ? { logits: Array.from(inf.logits, (v) => round(v, 5)) } : {}),
  };
}
