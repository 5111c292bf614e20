// What the viewer draws, as data: per shown class its colour and its box by the current rule.
// Pure, so boxes move with the sliders without running the network again.
import type { RGB } from '../draw/colormap';
import { CLASS_COLORS } from '../draw/colormap';
import { classBox, type Box, type RuleOptions } from '../localize/boxes';
import { locateResult, type LocateResult } from '../localize/report';
import type { Inference } from '../models/class-maps';
import type { View } from './state';

export interface ShownClass {
  index: number;
  name: string;
  /** Rank in the top classes (0 = top-1): it picks the class's colour. */
  rank: number;
  color: RGB;
  box: Box | null;
}

export const ruleOptions = (view: View): RuleOptions => ({ rule: view.rule, threshold: view.thresholds[view.rule] });

export function classColor(rank: number): RGB {
  return CLASS_COLORS[rank % CLASS_COLORS.length];
}

export function shownClasses(inf: Inference, view: View, classes: number[] = view.shown): ShownClass[] {
  const opts = ruleOptions(view);
  return classes.flatMap((index) => {
    if (!inf.maps.classes.includes(index)) return [];
    const rank = inf.top.findIndex((p) => p.index === index);
    const name = inf.top[rank]?.name ?? `class ${index}`;
    return [{ index, name, rank, color: classColor(rank < 0 ? 0 : rank), box: classBox(inf.maps, index, inf.transform, opts) }];
  });
}

/** The export: exactly what `npm run cli -- locate --json` prints for the same photo and model. */
export function exportResult(photoName: string, modelId: string, inf: Inference, view: View): LocateResult {
  return locateResult(photoName, modelId, inf, ruleOptions(view));
}

/** Positive evidence for a class, scaled to [0, 1] by its maximum (cells against it stay 0). */
export function evidence(plane: Float32Array): { heat: Float32Array; max: number } {
  let max = 0;
  for (const v of plane) max = Math.max(max, v);
  return { heat: plane.map((v) => (max > 0 && v > 0 ? v / max : 0)), max };
}

/**
 * Blends heat over RGBA pixels, opacity growing with the evidence so that weak evidence fades
 * out instead of ending at a hard edge; `color` is a lookup table (one class) or one hue.
 */
export function blendHeat(img: { data: Uint8ClampedArray | Uint8Array }, heat: Float32Array, color: Uint8Array | RGB, opacity: number): void {
  const lut = color.length === 768 ? color : null;
  for (let i = 0; i < heat.length; i++) {
    const v = heat[i];
    if (!(v > 0)) continue;
    const a = opacity * Math.min(1, 3 * v);
    const c = lut ? 3 * Math.round(255 * Math.min(1, v)) : 0;
    const src = lut ?? color;
    for (let k = 0; k < 3; k++) img.data[4 * i + k] = img.data[4 * i + k] * (1 - a) + src[c + k] * a;
  }
}
