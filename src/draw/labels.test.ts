import { describe, expect, it } from 'vitest';
import type { Box } from '../localize/boxes';
import { edgeStrips, placeLabels, type Rect } from './labels';

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
