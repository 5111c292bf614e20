// Where the class labels go: beside their boxes, never on top of each other and never over a box
// edge. Pure geometry (text is measured by the caller), so the layout is tested without a canvas.
// Placed labels and box edges sit in a grid of buckets, so each candidate spot is checked against
// the few rectangles near it: thousands of boxes cost O(n) to index and O(1) per look-up on
// average, where testing every candidate against every rectangle froze the page (issue 20).
import type { Box } from '../localize/boxes';

/** [x, y, width, height] in canvas pixels. */
export type Rect = [number, number, number, number];

export interface LabelRequest {
  /** The box the label names, in canvas pixels. */
  box: Box;
  width: number;
  height: number;
}

/** At most this many labels are drawn on one photo; the rest are counted in a note. */
export const MAX_LABELS = 12;

export const overlaps = (a: Rect, b: Rect) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/** The four strips a box's outline covers (`line` wide, with its rim). */
export function edgeStrips(box: Box, line: number): Rect[] {
  const [x0, y0, x1, y1] = box;
  return [
    [x0, y0, x1 - x0, line],
    [x0, y1 - line, x1 - x0, line],
    [x0, y0, line, y1 - y0],
    [x1 - line, y0, line, y1 - y0],
  ];
}

/** Rectangles bucketed by the grid cells they touch; `count` answers "how many overlap r". */
export class RectGrid {
  private readonly buckets = new Map<number, number[]>();
  private readonly rects: Rect[] = [];
  /** Per rectangle, the query it was last counted in, so one spanning several cells counts once. */
  private seen: number[] = [];
  private query = 0;

  constructor(
    private readonly cell: number,
    private readonly cols: number,
    private readonly rows: number,
  ) {}

  private range(r: Rect): [number, number, number, number] {
    const c = (v: number, n: number) => Math.max(0, Math.min(n - 1, Math.floor(v / this.cell)));
    return [c(r[0], this.cols), c(r[1], this.rows), c(r[0] + r[2], this.cols), c(r[1] + r[3], this.rows)];
  }

  add(r: Rect): void {
    const id = this.rects.push(r) - 1;
    this.seen.push(0);
    const [cx0, cy0, cx1, cy1] = this.range(r);
    for (let cy = cy0; cy <= cy1; cy++)
      for (let cx = cx0; cx <= cx1; cx++) {
        const k = cy * this.cols + cx;
        const b = this.buckets.get(k);
        if (b) b.push(id);
        else this.buckets.set(k, [id]);
      }
  }

  /** How many rectangles overlap r, stopping early once the count reaches `stopAt`. */
  count(r: Rect, stopAt = Infinity): number {
    const q = ++this.query;
    let n = 0;
    const [cx0, cy0, cx1, cy1] = this.range(r);
    for (let cy = cy0; cy <= cy1; cy++)
      for (let cx = cx0; cx <= cx1; cx++) {
        const b = this.buckets.get(cy * this.cols + cx);
        if (!b) continue;
        for (const id of b) {
          if (this.seen[id] === q) continue;
          this.seen[id] = q;
          if (overlaps(this.rects[id], r) && ++n >= stopAt) return n;
        }
      }
    return n;
  }
}

/**
 * Places each label, in order, at the first candidate that stays on the canvas, overlaps no label
 * placed before it and crosses no box edge (of any box in `edges`): above the box's top-left corner,
 * below its bottom, just inside its top, then the same spots stacked one label further away each
 * time. When nothing fits (a crowded canvas), the candidate within two labels of the box that
 * covers least is used.
 */
export function placeLabels(labels: readonly LabelRequest[], edges: readonly Box[], line: number, canvasWidth: number, canvasHeight: number): Rect[] {
  const tallest = labels.reduce((m, l) => Math.max(m, l.height), 1);
  // Cells about two labels tall: a candidate touches a few cells and a cell holds few rectangles.
  const cell = Math.max(8, 2 * tallest);
  const grid = (): RectGrid => new RectGrid(cell, Math.max(1, Math.ceil(canvasWidth / cell)), Math.max(1, Math.ceil(canvasHeight / cell)));
  const blocked = grid();
  for (const b of edges) for (const s of edgeStrips(b, 2 * line)) blocked.add(s);
  const placed = grid();
  const out: Rect[] = [];
  const gap = 2;
  for (const l of labels) {
    const [x0, y0, x1, y1] = l.box;
    const clampX = (x: number) => Math.max(0, Math.min(canvasWidth - l.width, x));
    const inset = 2 * line + gap;
    const steps = Math.ceil(canvasHeight / (l.height + gap)) + 1;
    // The corners first, then points along the top edge (nested boxes crowd the corners).
    const xs = [x0, x1 - l.width, ...Array.from({ length: 7 }, (_, i) => x0 + ((i + 1) * (x1 - x0 - l.width)) / 8)];
    const candidates = function* (rows: number): Generator<Rect> {
      for (let k = 0; k < rows; k++) {
        const dy = k * (l.height + gap);
        for (const x of xs) {
          yield [clampX(x), y0 - gap - l.height - dy, l.width, l.height];
          yield [clampX(x), y1 + gap + dy, l.width, l.height];
          yield [clampX(x === x0 ? x + inset : x), y0 + inset + dy, l.width, l.height];
        }
      }
    };
    const onCanvas = (r: Rect) => r[1] >= 0 && r[1] + r[3] <= canvasHeight;
    // The first free spot: a blocked one is rejected at its first overlap, cheap however crowded.
    let chosen: Rect | null = null;
    for (const r of candidates(steps)) {
      if (onCanvas(r) && placed.count(r, 1) === 0 && blocked.count(r, 1) === 0) {
        chosen = r;
        break;
      }
    }
    // None: the spot covering least among the nearer rows (two labels away at most), where an
    // overlap costs ten edges; counting stops once a spot cannot beat the best so far.
    let best: Rect | null = null;
    if (!chosen) {
      let bestCost = Infinity;
      for (const r of candidates(Math.min(steps, 3))) {
        if (!onCanvas(r)) continue;
        const labelCost = 10 * placed.count(r, Math.ceil(bestCost / 10));
        const cost = labelCost >= bestCost ? labelCost : labelCost + blocked.count(r, bestCost - labelCost);
        if (cost < bestCost) {
          bestCost = cost;
          best = r;
        }
      }
      if (!best)
        for (const r of candidates(steps))
          if (onCanvas(r)) {
            best = r;
            break;
          }
    }
    const rect: Rect = chosen ?? best ?? [clampX(x0), 0, l.width, l.height];
    placed.add(rect);
    out.push(rect);
  }
  return out;
}

/**
 * Which of the shown classes get a box, a contour and a label: all of them up to MAX_LABELS, else
 * the MAX_LABELS most probable (in their shown order); the others show by their heat only.
 */
export function classesToDraw<C extends { probability: number }>(classes: readonly C[], max = MAX_LABELS): C[] {
  if (classes.length <= max) return [...classes];
  const keep = new Set([...classes].sort((a, b) => b.probability - a.probability).slice(0, max));
  return classes.filter((c) => keep.has(c));
}

/**
 * The note for what was left out ("+9,990 ground-truth labels not drawn; 976 classes by their
 * heat only"), or null when everything is drawn.
 */
export function moreNote(gtLabelsLeft: number, classesLeft: number): string | null {
  const n = (v: number, one: string, many: string) => `${v.toLocaleString('en-US')} ${v === 1 ? one : many}`;
  const parts = [
    gtLabelsLeft > 0 ? `+${n(gtLabelsLeft, 'ground-truth label', 'ground-truth labels')} not drawn` : '',
    classesLeft > 0 ? `${n(classesLeft, 'more class', 'more classes')} by their heat only (no box, contour or label)` : '',
  ];
  return parts.filter(Boolean).join('; ') || null;
}
