import { describe, expect, it } from 'vitest';
import type { Box } from '../localize/boxes';
import { classesToDraw, edgeStrips, MAX_LABELS, moreNote, placeLabels, RectGrid, type Rect } from './labels';

const overlaps = (a: Rect, b: Rect) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

function check(boxes: Box[], W: number, H: number, size: [number, number] = [90, 16]) {
  const rects = placeLabels(
    boxes.map((box) => ({ box, width: size[0], height: size[1] })),
    boxes,
    2,
    W,
    H,
  );
  rects.forEach((r, i) => {
    expect(r[0]).toBeGreaterThanOrEqual(0);
    expect(r[1]).toBeGreaterThanOrEqual(0);
    expect(r[0] + r[2]).toBeLessThanOrEqual(W);
    expect(r[1] + r[3]).toBeLessThanOrEqual(H);
    rects.slice(0, i).forEach((o) => expect(overlaps(r, o)).toBe(false));
    boxes.forEach((b) => edgeStrips(b, 4).forEach((s) => expect(overlaps(r, s)).toBe(false)));
  });
  return rects;
}

describe('placeLabels', () => {
  it('stacks the labels of three near-identical boxes (three cat classes) without overlap or hiding an edge', () => {
    check(
      [
        [40, 30, 300, 250],
        [42, 28, 302, 252],
        [38, 32, 298, 248],
      ],
      400,
      300,
    );
  });

  it('puts labels inside boxes that fill the whole photo', () => {
    const rects = check(
      [
        [0, 0, 400, 300],
        [0, 0, 400, 300],
      ],
      400,
      300,
    );
    expect(rects[0][1]).toBeGreaterThan(0);
  });

  it('keeps a label above its box when there is room', () => {
    const [r] = check([[50, 100, 200, 200]], 400, 300);
    expect(r[1] + r[3]).toBeLessThanOrEqual(100);
    expect(r[0]).toBe(50);
  });

  it('handles many boxes on a small canvas', () => {
    const boxes: Box[] = Array.from({ length: 6 }, (_, i) => [10 + i * 5, 10 + i * 5, 300 - i * 5, 200 - i * 5]);
    check(boxes, 360, 240, [80, 14]);
  });
});

describe('many boxes', () => {
  let seed = 5;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const randomBox = (W: number, H: number): Box => {
    const x = rand() * (W - 40),
      y = rand() * (H - 40);
    return [x, y, x + 20 + rand() * 100, y + 20 + rand() * 100];
  };

  it('places labels without overlap or hiding an edge wherever a free spot exists', () => {
    // 60 boxes on a large canvas: room for every label, so none may touch another or an edge.
    const boxes = Array.from({ length: 60 }, () => randomBox(3000, 3000));
    check(boxes, 3000, 3000, [60, 12]);
  });

  it('places the labels of ten thousand boxes on the canvas, one per box', () => {
    const boxes = Array.from({ length: 10000 }, () => randomBox(960, 720));
    const rects = placeLabels(
      boxes.slice(0, MAX_LABELS).map((box) => ({ box, width: 80, height: 16 })),
      boxes,
      2,
      960,
      720,
    );
    expect(rects).toHaveLength(MAX_LABELS);
    rects.forEach((r) => {
      expect(r[1]).toBeGreaterThanOrEqual(0);
      expect(r[1] + r[3]).toBeLessThanOrEqual(720);
    });
  });

  it('counts each rectangle once however many grid cells it spans', () => {
    const g = new RectGrid(10, 10, 10);
    g.add([0, 0, 95, 95]);
    g.add([50, 50, 5, 5]);
    expect(g.count([40, 40, 30, 30])).toBe(2);
    expect(g.count([0, 0, 3, 3])).toBe(1);
    expect(g.count([96, 96, 2, 2])).toBe(0);
    expect(g.count([40, 40, 30, 30], 1)).toBe(1);
  });
});

describe('the cap on what is drawn', () => {
  it('keeps every class up to the cap, else the most probable in their shown order', () => {
    const classes = Array.from({ length: MAX_LABELS + 3 }, (_, i) => ({ i, probability: i === 0 ? 0 : 1 / (i + 1) }));
    expect(classesToDraw(classes.slice(0, 3))).toHaveLength(3);
    const kept = classesToDraw(classes);
    expect(kept).toHaveLength(MAX_LABELS);
    expect(kept.map((c) => c.i)).toEqual(Array.from({ length: MAX_LABELS }, (_, i) => i + 1));
  });

  it('says what was left out, in words', () => {
    expect(moreNote(0, 0)).toBeNull();
    expect(moreNote(9990, 0)).toBe('+9,990 ground-truth labels not drawn');
    expect(moreNote(1, 988)).toBe('+1 ground-truth label not drawn; 988 more classes by their heat only (no box, contour or label)');
  });
});
