// The figures of an evaluated image set, shared by `eval` and the page's folder evaluation so that
// both print the same numbers for the same maps: Top-1 Cls, both rules swept over their thresholds
// (best and default), and MaxBoxAccV2.
import { DEFAULT_THRESHOLD, type BoxRule } from './boxes';
import {
  activationGrid,
  bestThreshold,
  grid,
  maxBoxAccV2,
  sweepRule,
  top1Cls,
  type EvalSample,
  type MaxBoxAccV2,
  type ThresholdSweep,
} from './metrics';

/**
 * Thresholds each rule is tuned over. tau is a fraction of the normalized map; t is a raw class
 * activation (pre-softmax), whose range depends on the model, so its grid comes from the maps.
 */
export function ruleGrid(samples: readonly EvalSample[], rule: BoxRule): number[] {
  const base = rule === 'cam' ? grid(0, 1, 0.05) : activationGrid(samples);
  return [...new Set([...base, DEFAULT_THRESHOLD[rule]])].sort((a, b) => a - b);
}

export interface RuleReport {
  rule: BoxRule;
  /** Chosen to maximize GT-known Loc on the evaluated images. */
  best: { threshold: number; top1Loc: number; gtKnownLoc: number };
  default: { threshold: number; top1Loc: number; gtKnownLoc: number };
  sweep: ThresholdSweep;
}

export function ruleReport(samples: readonly EvalSample[], rule: BoxRule): RuleReport {
  const thresholds = ruleGrid(samples, rule);
  const sweep = sweepRule(samples, rule, thresholds);
  const at = (t: number) => {
    const i = thresholds.indexOf(t);
    return { threshold: t, top1Loc: sweep.top1Loc[i], gtKnownLoc: sweep.gtKnownLoc[i] };
  };
  return {
    rule,
    best: at(bestThreshold(thresholds, sweep.gtKnownLoc, DEFAULT_THRESHOLD[rule]).threshold),
    default: at(DEFAULT_THRESHOLD[rule]),
    sweep,
  };
}

export interface SetFigures {
  top1Cls: number;
  rules: RuleReport[];
  maxBoxAccV2: MaxBoxAccV2;
}

export function setFigures(samples: readonly EvalSample[]): SetFigures {
  return { top1Cls: top1Cls(samples), rules: [ruleReport(samples, 'cam'), ruleReport(samples, 'drn')], maxBoxAccV2: maxBoxAccV2(samples) };
}
