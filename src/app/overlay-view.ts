// The page's view settings -> the shared renderer's scene and the shared JSON report, so the
// viewer, the compare panes and both exports agree with each other and with the CLI.
import { buildScene, type Scene } from '../draw/scene';
import type { RuleOptions } from '../localize/boxes';
import { locateResult, type LocateResult } from '../localize/report';
import type { Inference } from '../models/class-maps';
import type { View } from './state';

export const ruleOptions = (view: View): RuleOptions => ({ rule: view.rule, threshold: view.thresholds[view.rule] });

export function sceneFor(inf: Inference, view: View, names: readonly string[], shown: readonly number[] = view.shown): Scene {
  return buildScene(inf, {
    ...ruleOptions(view),
    shown,
    opacity: view.opacity,
    scale: view.scale,
    rawGrid: view.rawGrid,
    gt: view.gt,
    names,
    instances: view.instances ?? false,
  });
}

/** The export: exactly what `npm run cli -- locate --json` prints for the same photo, model and options. */
export function exportResult(photoName: string, modelId: string, inf: Inference, view: View, names: readonly string[]): LocateResult {
  return locateResult(photoName, modelId, inf, ruleOptions(view), { classes: view.shown, names, gt: view.gt, instances: view.instances ?? false });
}
