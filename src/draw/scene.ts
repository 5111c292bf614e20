// The one renderer: what the page's viewer, its PNG export and `locate --overlay` draw over a photo.
// buildScene turns an inference and the view's settings into plain data; drawScene paints it on
// any 2D canvas (the browser's, or @napi-rs/canvas in Node) with the pure RGBA math of
// composite.ts, and uses the canvas only for text.
import type { Box, RuleOptions } from '../localize/boxes';
import { countLabel } from '../localize/instances';
import type { Inference } from '../models/class-maps';
import { softmax } from '../models/class-maps';
import { CLASS_COLORS, colormapTable, type RGB } from './colormap';
import {
  evidenceAlpha,
  overlayOpaque,
  paintBox,
  paintContour,
  paintEvidence,
  paintRamp,
  samePixels,
  scaleDenominators,
  type ColorScale,
} from './composite';
import { classesToDraw, MAX_LABELS, moreNote, placeLabels } from './labels';
import { LazySceneClass, planeOf, type GeometrySource, type SceneClass } from './scene-class';

export type { SceneClass } from './scene-class';

export interface SceneOptions extends RuleOptions {
  /** Class indices to show, in the order they were switched on. */
  shown: readonly number[];
  opacity: number;
  scale: ColorScale;
  rawGrid: boolean;
  gt: readonly Box[];
  /** Class names by index (the model's manifest, then the taught classes). */
  names: readonly string[];
  /** One box per separate region above the threshold, labelled with the count ("3 x dog"). */
  instances?: boolean;
}

export interface Scene {
  inference: Inference;
  classes: SceneClass[];
  opacity: number;
  scale: ColorScale;
  rawGrid: boolean;
  /** The caller's list itself (not a copy), so a renderer can tell that it has not changed. */
  gt: readonly Box[];
  rule: RuleOptions;
}

/** A class's colour: the top classes keep theirs by rank; others get the next free ones. */
export function classColors(shown: readonly number[], top: readonly number[]): Map<number, RGB> {
  const colors = new Map<number, RGB>();
  const used = new Set<number>();
  for (const c of shown) {
    const rank = top.indexOf(c);
    if (rank >= 0 && rank < CLASS_COLORS.length) {
      colors.set(c, CLASS_COLORS[rank]);
      used.add(rank);
    }
  }
  let next = 0;
  for (const c of shown) {
    if (colors.has(c)) continue;
    while (used.has(next % CLASS_COLORS.length) && used.size < CLASS_COLORS.length) next++;
    colors.set(c, CLASS_COLORS[next % CLASS_COLORS.length]);
    used.add(next % CLASS_COLORS.length);
  }
  return colors;
}

/**
 * (teach) A taught class's score, beyond the softmax's classes: the sigmoid of its logit, which is
 * the mean of its map (its head is linear).
 */
function ownScore(plane: Float32Array): number {
  let sum = 0;
  for (const v of plane) sum += v;
  return 1 / (1 + Math.exp(-sum / Math.max(1, plane.length)));
}

export function buildScene(inf: Inference, o: SceneOptions): Scene {
  const probs = softmax(inf.logits);
  const colors = classColors(
    o.shown,
    inf.top.map((p) => p.index),
  );
  const rule: RuleOptions = { rule: o.rule, threshold: o.threshold };
  const source: GeometrySource = { inference: inf, rule, gt: o.gt, instances: o.instances ?? false };
  const mapped = new Set(inf.maps.classes);
  const classes = o.shown
    .filter((c) => mapped.has(c))
    .map((index): SceneClass => {
      const plane = planeOf(inf.maps, index);
      // A taught class's probability is its own sigmoid; it is not among the softmax's classes (a head
      // set after the photo ran has no entry in `taught`: its score comes from its map).
      const probability = probs[index] ?? inf.taught?.find((t) => t.index === index)?.probability ?? ownScore(plane);
      return new LazySceneClass(index, o.names[index] ?? `class ${index}`, probability, colors.get(index)!, plane, source);
    });
  return { inference: inf, classes, opacity: o.opacity, scale: o.scale, rawGrid: o.rawGrid, gt: o.gt, rule };
}

/** What the legend says, shared by the page's legend and the one drawn under exported PNGs. */
export interface LegendRow {
  name: string;
  color: RGB;
  lo: number;
  hi: number;
  iou: number | null;
}

export interface LegendModel {
  /** One class: a turbo ramp; several: a ramp from transparent to each class's colour. */
  single: boolean;
  scale: ColorScale;
  rows: LegendRow[];
  /** The scale in words, with its numbers. */
  caption: string;
}

export function legendModel(scene: Scene): LegendModel {
  const denominators = scaleDenominators(
    scene.classes.map((c) => c.plane),
    scene.scale,
  );
  // IoU read when a row's is: with hundreds of classes shown, the page's legend lists a few and
  // never reads the rest (each is a mask and a match against the ground truth).
  const rows = scene.classes.map((c, i) => ({
    name: c.name,
    color: c.color,
    lo: 0,
    hi: denominators[i],
    get iou() {
      return c.iou;
    },
  }));
  const what =
    scene.scale === 'class'
      ? 'scale per class (0 to its own peak)'
      : `one shared scale (0 to ${(denominators[0] ?? 0).toFixed(2)}, the highest peak shown)`;
  const rule =
    scene.rule.rule === 'cam' ? `CAM rule, tau ${scene.rule.threshold.toFixed(2)}` : `DRN paper rule, t ${scene.rule.threshold.toFixed(2)}`;
  const several = rows.length > 1 ? '; each area shows the class leading there' : '';
  return {
    single: rows.length === 1,
    scale: scene.scale,
    rows,
    caption: `Raw class activation, ${what}, unpainted at or below 0${several}. Boxes and dashed contours: ${rule}.`,
  };
}

/** The part of a 2D canvas context the renderer uses (the browser's and @napi-rs/canvas's both fit). */
export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}
export interface Ctx2D<I extends ImageDataLike = ImageDataLike> {
  font: string;
  fillStyle: unknown;
  textBaseline: string;
  getImageData(x: number, y: number, w: number, h: number): I;
  putImageData(image: I, x: number, y: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
}

export const GT_COLOR: RGB = [255, 255, 255];

/** Pixel sizes that grow with the rendering so lines and text read the same at any size. */
export function strokeSizes(width: number, height: number): { line: number; font: number } {
  const m = Math.min(width, height);
  return { line: Math.max(2, Math.round(m / 220)), font: Math.max(12, Math.round(m / 30)) };
}

const css = (c: RGB) => `rgb(${c.join(',')})`;
const pct = (p: number) => `${(100 * p).toFixed(p >= 0.995 ? 0 : 1)}%`;

/** A class's label text: its name and probability, and its IoU when there is ground truth. */
export function labelText(c: SceneClass): string {
  return `${countLabel(c.name, c.instances?.length ?? 1)} ${pct(c.probability)}${c.iou !== null ? ` · IoU ${c.iou.toFixed(2)}` : ''}`;
}

export interface DrawOptions<I extends ImageDataLike = ImageDataLike> {
  legend?: boolean;
  boxes?: boolean;
  /**
   * Label text height in canvas pixels. The page passes the size that shows at a fixed CSS size
   * however the canvas is scaled; by default labels are sized for the photo (strokeSizes), as in
   * the PNG export and `locate --overlay`. drawScene returns the (rounded) size it used.
   */
  labelFont?: number;
  /**
   * The photo's pixels, `width` x `height`, as the context's getImageData would return them; the
   * frame is painted into them and put on the canvas. A caller that keeps the photo's pixels (the
   * page's viewer, frame after frame) saves reading the canvas back, the dearest canvas call of a
   * threshold step. Without it the photo is read from the canvas.
   */
  image?: I;
}

/**
 * What the last frame painted that a threshold step does not change: the photo blended with the
 * evidence of the shown classes, and the ground-truth outlines. A slider move then repaints
 * contours, boxes and labels only. One entry each, for canvases up to CACHE_MAX_PIXELS (the page's
 * viewer; not full-size exports).
 */
const CACHE_MAX_PIXELS = 2_000_000;
let blendCache: { inf: Inference; key: string; photo: Uint8ClampedArray; blended: Uint8ClampedArray } | null = null;
let gtCache: { gt: readonly Box[]; key: string; layer: Uint8ClampedArray } | null = null;

/**
 * Blends the shown classes' evidence over the photo in `img`. The page starts every frame from the
 * same photo, so when the photo's pixels and the evidence are last frame's, last frame's blend is
 * copied: comparing the pixels costs a fraction of blending a thousand classes' colours into them.
 */
function blendEvidence(img: { width: number; height: number; data: Uint8ClampedArray }, scene: Scene, smooth: boolean): void {
  const inf = scene.inference;
  const key = [img.width, img.height, scene.opacity, scene.scale, smooth, scene.classes.map((c) => c.index).join(',')].join('|');
  if (blendCache && blendCache.inf === inf && blendCache.key === key && samePixels(blendCache.photo, img.data)) {
    img.data.set(blendCache.blended);
    return;
  }
  const photo = img.width * img.height <= CACHE_MAX_PIXELS ? img.data.slice() : null;
  paintEvidence(
    img,
    // No masks: reading one works out that class's threshold geometry, and the heat does not use it.
    scene.classes.map((c) => ({ plane: c.plane, color: c.color, mask: null })),
    inf.maps,
    inf.transform,
    { opacity: scene.opacity, scale: scene.scale, smooth },
  );
  if (photo) blendCache = { inf, key, photo, blended: img.data.slice() };
}

/** The ground-truth outlines on a transparent layer (opaque where painted, all zero elsewhere). */
function gtLayer(gt: readonly Box[], toCanvas: (b: Box) => Box, width: number, height: number, line: number, scale: number): Uint8ClampedArray {
  const key = [width, height, line, scale].join('|');
  if (gtCache && gtCache.gt === gt && gtCache.key === key) return gtCache.layer;
  const layer = { width, height, data: new Uint8ClampedArray(4 * width * height) };
  for (const g of gt) paintBox(layer, toCanvas(g), GT_COLOR, line);
  if (width * height <= CACHE_MAX_PIXELS) gtCache = { gt, key, layer: layer.data };
  return layer.data;
}

/**
 * Draws the scene over the photo already painted in the context's top `width` x `height` pixels,
 * where photo pixel (x, y) sits at (x * scale, y * scale). With `legend`, the legend is drawn in the
 * `legendHeight(...)` pixels below the photo (the export and the CLI; the page has its own).
 * Boxes, contours and labels are drawn for at most MAX_LABELS classes (the most probable), labels
 * for ground truth while the total stays within MAX_LABELS, with a note counting what was left out.
 */
export function drawScene<I extends ImageDataLike>(
  ctx: Ctx2D<I>,
  scene: Scene,
  width: number,
  height: number,
  scale: number,
  opts: DrawOptions<I> = {},
): { labelFont: number } {
  const inf = scene.inference;
  const { line, font: photoFont } = strokeSizes(width, height);
  const font = Math.max(1, Math.round(opts.labelFont ?? photoFont));
  const given = opts.image;
  const image = given && given.width === width && given.height === height ? given : ctx.getImageData(0, 0, width, height);
  const img = { width, height, data: image.data };
  const smooth = !scene.rawGrid;
  blendEvidence(img, scene, smooth);
  const boxes = opts.boxes !== false;
  // Past MAX_LABELS classes, boxes and contours only cover each other (and cost a frame each).
  const drawn = classesToDraw(scene.classes);
  if (boxes) {
    const contour = Math.max(1, Math.round(line / 2));
    for (const c of drawn) paintContour(img, c.mask, inf.maps, inf.transform, c.color, contour, smooth);
  }
  const toCanvas = (b: Box) => b.map((v) => v * scale) as Box;
  const shownBoxes = boxes ? drawn.filter((c) => c.box).map((c) => ({ c, box: toCanvas(c.box!) })) : [];
  // Instances: every region's box is drawn; the label (with the count) goes on the largest.
  const moreBoxes = boxes ? drawn.flatMap((c) => (c.instances ?? []).slice(1).map((b) => ({ c, box: toCanvas(b) }))) : [];
  if (scene.gt.length) overlayOpaque(img.data, gtLayer(scene.gt, toCanvas, width, height, line, scale));
  for (const { c, box } of [...shownBoxes, ...moreBoxes]) paintBox(img, box, c.color, line);
  ctx.putImageData(image, 0, 0);
  if (!boxes) return { labelFont: font };

  ctx.font = `600 ${font}px sans-serif`;
  ctx.textBaseline = 'top';
  const pad = Math.round(font / 4);
  // Class labels first; ground-truth labels while there is room.
  const gtLabels = Math.max(0, Math.min(scene.gt.length, MAX_LABELS - shownBoxes.length));
  // The labelled ground truth only: labels avoid those outlines and not the rest (beyond the cap,
  // ten thousand outlines leave no free spot).
  const gt = scene.gt.slice(0, gtLabels).map(toCanvas);
  const items = [
    ...gt.map((box, i) => ({ box, text: scene.gt.length > 1 ? `ground truth ${i + 1}` : 'ground truth', color: GT_COLOR })),
    ...shownBoxes.map(({ c, box }) => ({ box, text: labelText(c), color: c.color })),
  ];
  const rects = placeLabels(
    items.map((it) => ({ box: it.box, width: ctx.measureText(it.text).width + 2 * pad, height: font + 2 * pad })),
    [...gt, ...shownBoxes.map((s) => s.box), ...moreBoxes.map((s) => s.box)],
    line,
    width,
    height,
  );
  items.forEach((it, i) => {
    const [x, y, w, h] = rects[i];
    ctx.fillStyle = css(it.color);
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = '#111';
    ctx.fillText(it.text, x + pad, y + pad);
  });
  const note = moreNote(scene.gt.length - gtLabels, scene.classes.length - drawn.length);
  if (note) {
    const w = ctx.measureText(note).width + 2 * pad,
      h = font + 2 * pad;
    ctx.fillStyle = '#111';
    ctx.fillRect(0, height - h, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillText(note, pad, height - h + pad);
  }
  if (opts.legend) drawLegend(ctx, scene, width, height, photoFont);
  return { labelFont: font };
}

/** Height of the legend drawn under an exported photo of this width. */
export function legendHeight(scene: Scene, width: number, height: number): number {
  const { font } = strokeSizes(width, height);
  return Math.round(font * 1.6) * (Math.max(1, scene.classes.length) + 2) + font;
}

function drawLegend<I extends ImageDataLike>(ctx: Ctx2D<I>, scene: Scene, width: number, top: number, font: number): void {
  const model = legendModel(scene);
  const rowH = Math.round(font * 1.6);
  const h = legendHeight(scene, width, top);
  ctx.fillStyle = '#f4f4f4';
  ctx.fillRect(0, top, width, h);
  const pad = Math.round(font / 2);
  ctx.font = `${Math.round(font * 0.8)}px sans-serif`;
  ctx.fillStyle = '#111';
  const rampX = pad,
    rampW = Math.round(width * 0.3);
  const rows = model.rows.length ? model.rows : [];
  if (rows.length) {
    const image = ctx.getImageData(0, top, width, h);
    const img = { width, height: h, data: image.data };
    const turbo = colormapTable('turbo');
    rows.forEach((r, i) => {
      const y = pad + i * rowH;
      paintRamp(
        img,
        rampX,
        y,
        rampX + rampW,
        y + font,
        model.single
          ? (v) => ({ rgb: Array.from(turbo.subarray(3 * Math.round(255 * v), 3 * Math.round(255 * v) + 3)) as RGB, alpha: 1 })
          : (v) => ({ rgb: r.color, alpha: evidenceAlpha(v, 1) }),
        [244, 244, 244],
      );
    });
    ctx.putImageData(image, 0, top);
    rows.forEach((r, i) => {
      const y = top + pad + i * rowH;
      const iou = r.iou !== null ? ` · IoU ${r.iou.toFixed(2)}` : '';
      ctx.fillText(`${r.lo.toFixed(0)} … ${r.hi.toFixed(2)}  ${r.name}${iou}`, rampX + rampW + pad, y);
    });
  }
  const y = top + pad + rows.length * rowH;
  const words = `${model.caption}${scene.gt.length ? ' White: ground truth.' : ''}`;
  // Two lines at most: the caption is long, the PNG may be narrow.
  const cut = splitToWidth(ctx, words, width - 2 * pad);
  cut.slice(0, 2).forEach((line, i) => ctx.fillText(line, pad, y + i * Math.round(font * 0.95)));
}

function splitToWidth<I extends ImageDataLike>(ctx: Ctx2D<I>, text: string, max: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    const next = cur ? `${cur} ${w}` : w;
    if (ctx.measureText(next).width > max && cur) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  if (lines.length > 2) lines[1] = `${lines[1]} …`;
  return lines;
}
