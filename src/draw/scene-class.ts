// One shown class of a scene. What the heat needs (plane, colour, probability) is there at once;
// what the threshold decides (mask, box, instances, IoU) is worked out when first read and kept.
// drawScene reads it for the MAX_LABELS classes it outlines, so a threshold step with a thousand
// classes shown costs a dozen classes' geometry (issue 20); a caller that lists every class's box
// (the class list, `locate`) reads them all and pays for all.
import type { Box, RuleOptions } from '../localize/boxes';
import { classBox, ruleMask } from '../localize/boxes';
import { instances } from '../localize/instances';
import { iouMatcher } from '../localize/metrics';
import type { ClassMaps, Inference } from '../models/class-maps';
import { mapOf } from '../models/class-maps';
import type { RGB } from './colormap';

export interface SceneClass {
  index: number;
  name: string;
  probability: number;
  color: RGB;
  /** Raw activations on the map grid. */
  plane: Float32Array;
  /** Cells the rule keeps at its threshold (drawn as a contour). */
  mask: Uint8Array;
  box: Box | null;
  /** Best IoU of the box with the ground truth, when there is ground truth. */
  iou: number | null;
  /** With SceneOptions.instances: one box per separate region, largest first (`box` is then the first). */
  instances?: Box[];
}

/** What the classes of one scene share: where their geometry comes from. */
export interface GeometrySource {
  inference: Inference;
  rule: RuleOptions;
  gt: readonly Box[];
  /** One box per separate region (SceneOptions.instances). */
  instances: boolean;
}

/**
 * The IoU matcher for a ground-truth list, kept while the list itself is: a slider move rebuilds the
 * scene, and sorting 10,000 boxes again each time would be most of the frame.
 */
const matchers = new WeakMap<readonly Box[], (box: Box) => number>();
function matcherFor(gt: readonly Box[]): (box: Box) => number {
  let m = matchers.get(gt);
  if (!m) matchers.set(gt, (m = iouMatcher(gt)));
  return m;
}

/**
 * Each class's plane by index, kept while the maps are: mapOf finds a class by a linear search,
 * a thousand of them per frame.
 */
const planeTables = new WeakMap<ClassMaps, Map<number, Float32Array>>();
export function planeOf(maps: ClassMaps, index: number): Float32Array {
  let table = planeTables.get(maps);
  if (!table) planeTables.set(maps, (table = new Map(maps.classes.map((c) => [c, mapOf(maps, c)]))));
  return table.get(index) ?? mapOf(maps, index);
}

/** A class whose geometry is worked out when first read: a class rather than closures, as a scene can hold a thousand. */
export class LazySceneClass implements SceneClass {
  #mask: Uint8Array | undefined;
  #boxes: { box: Box | null; regions?: Box[] } | undefined;
  #iou: number | null | undefined;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly probability: number,
    readonly color: RGB,
    readonly plane: Float32Array,
    readonly source: GeometrySource,
  ) {}

  get mask(): Uint8Array {
    return (this.#mask ??= ruleMask(this.source.inference.maps, this.index, this.source.rule));
  }

  get box(): Box | null {
    return this.#geometry().box;
  }

  get instances(): Box[] | undefined {
    return this.#geometry().regions;
  }

  get iou(): number | null {
    if (this.#iou !== undefined) return this.#iou;
    const { gt } = this.source;
    const { box, regions } = this.#geometry();
    const boxes = regions ?? (box ? [box] : []);
    return (this.#iou = gt.length ? (boxes.length ? Math.max(...boxes.map(matcherFor(gt))) : 0) : null);
  }

  #geometry(): { box: Box | null; regions?: Box[] } {
    if (this.#boxes) return this.#boxes;
    const { inference: inf, rule } = this.source;
    const regions = this.source.instances ? instances(inf.maps, this.index, inf.transform, rule).map((r) => r.box) : undefined;
    return (this.#boxes = { box: regions ? (regions[0] ?? null) : classBox(inf.maps, this.index, inf.transform, rule), regions });
  }
}
