// Where the class labels go: beside their boxes, never on top of each other and never over a box
// edge. Pure geometry (text is measured by the caller), so the layout is tested without a canvas.
import type { Box } from '../localize/boxes';

/** [x, y, width, height] in canvas pixels. */
export type Rect = [number, number, number, number];

export interface LabelRequest {
  /** The box the label names, in canvas pixels. */
  box: Box;
  width: number;
  height: number;
}

const overlaps = (a: Rect, b: Rect) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

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

/**
 * Places each label, in order, at the first candidate that stays on the canvas, overlaps no label
 * placed before it and crosses no box edge (of any box in `edges`): above the box's top-left corner,
 * below its bottom, just inside its top, then the same spots stacked one label further away each
 * time. When nothing fits (a crowded small canvas), the candidate covering the least is used.
 */
export function placeLabels(labels: readonly LabelRequest[], edges: readonly Box[], line: number, canvasWidth: number, canvasHeight: number): Rect[] {
  const blocked = edges.flatMap((b) => edgeStrips(b, 2 * line));
  const placed: Rect[] = [];
  const gap = 2;
  for (const l of labels) {
    const [x0, y0, x1, y1] = l.box;
    const clampX = (x: number) => Math.max(0, Math.min(canvasWidth - l.width, x));
    const inset = 2 * line + gap;
    const candidates: Rect[] = [];
    const steps = Math.ceil(canvasHeight / (l.height + gap)) + 1;
    for (let k = 0; k < steps; k++) {
      const dy = k * (l.height + gap);
      // The corners first, then points along the top edge (nested boxes crowd the corners).
      const along = Array.from({ length: 7 }, (_, i) => x0 + ((i + 1) * (x1 - x0 - l.width)) / 8);
      for (const x of [x0, x1 - l.width, ...along]) {
        candidates.push([clampX(x), y0 - gap - l.height - dy, l.width, l.height]);
        candidates.push([clampX(x), y1 + gap + dy, l.width, l.height]);
        candidates.push([clampX(x === x0 ? x + inset : x), y0 + inset + dy, l.width, l.height]);
      }
    }
    const onCanvas = candidates.filter((r) => r[1] >= 0 && r[1] + r[3] <= canvasHeight);
    const cost = (r: Rect) => placed.filter((p) => overlaps(p, r)).length * 10 + blocked.filter((b) => overlaps(b, r)).length;
    const free = onCanvas.find((r) => cost(r) === 0);
    const chosen = free ?? [...onCanvas].sort((a, b) => cost(a) - cost(b))[0] ?? [clampX(x0), 0, l.width, l.height];
    placed.push(chosen);
  }
  return placed;
}
