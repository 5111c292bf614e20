import { describe, expect, it } from 'vitest';
import { inputTransform, type InputTransform, type RGBAImage } from '../image/geometry';
import { colormap, colormapTable } from './colormap';
import { evidenceAlpha, overlayOpaque, paintBox, paintContour, paintEvidence, samePixels, scaleDenominators, type EvidenceLayer } from './composite';
import { sampleMap } from '../localize/sample-map';

// A 4x4 map grid over a 16x16 photo: one cell = 4x4 pixels, nearest-cell sampling for exact checks.
const grid = { width: 4, height: 4, cellSize: 4 };
const t = inputTransform({ mode: 'stretch', size: 16 }, 16, 16);
const photo = () => ({ width: 16, height: 16, data: new Uint8ClampedArray(16 * 16 * 4).fill(100) });
const px = (img: { data: Uint8ClampedArray }, x: number, y: number) => Array.from(img.data.subarray(4 * (y * 16 + x), 4 * (y * 16 + x) + 3));
const plane = (cells: Record<number, number>) => Float32Array.from({ length: 16 }, (_, i) => cells[i] ?? 0);

describe('paintEvidence', () => {
  const red: [number, number, number] = [255, 0, 0],
    blue: [number, number, number] = [0, 0, 255];

  it('gives each pixel the colour of the class with the most scaled evidence, and leaves cells without evidence untouched', () => {
    const img = photo();
    // Class A peaks in cell 0 (top-left), class B in cell 15 (bottom-right); both weakly present in cell 5.
    const a = plane({ 0: 8, 5: 2 }),
      b = plane({ 15: 4, 5: 3 });
    paintEvidence(
      img,
      [
        { plane: a, color: red, mask: null },
        { plane: b, color: blue, mask: null },
      ],
      grid,
      t,
      { opacity: 1, scale: 'class', smooth: false },
    );
    expect(px(img, 1, 1)).toEqual([255, 0, 0]);
    expect(px(img, 14, 14)).toEqual([0, 0, 255]);
    // Cell 5: A has 2/8 = 0.25 of its peak, B 3/4 = 0.75 of its own: B leads there on a per-class scale.
    const mid = px(img, 5, 5);
    expect(mid[2]).toBeGreaterThan(mid[0]);
    // Cells where neither class has positive evidence keep the photo's pixels exactly.
    expect(px(img, 9, 1)).toEqual([100, 100, 100]);
  });

  it('on a shared scale compares raw activations across classes', () => {
    const img = photo();
    const a = plane({ 0: 8, 5: 2 }),
      b = plane({ 15: 2, 5: 3 });
    expect(scaleDenominators([a, b], 'shared')).toEqual([8, 8]);
    paintEvidence(
      img,
      [
        { plane: a, color: red, mask: null },
        { plane: b, color: blue, mask: null },
      ],
      grid,
      t,
      { opacity: 1, scale: 'shared', smooth: false },
    );
    // B's peak is a quarter of A's: painted at half opacity, so the photo shows through.
    expect(px(img, 14, 14)).toEqual([50, 50, 178]);
    expect(px(img, 1, 1)).toEqual([255, 0, 0]);
  });

  it('paints one class with the turbo colormap, with opacity ramping with evidence', () => {
    const img = photo();
    paintEvidence(img, [{ plane: plane({ 0: 4, 1: 1 }), color: red, mask: null }], grid, t, { opacity: 1, scale: 'class', smooth: false });
    expect(px(img, 0, 0)).toEqual(colormap('turbo', 1));
    // A quarter of the peak: half opacity (2v), half the photo shows.
    const c = colormap('turbo', 0.25);
    px(img, 5, 0).forEach((v, k) => expect(Math.abs(v - (c[k] * 0.5 + 100 * 0.5))).toBeLessThanOrEqual(0.5));
    expect(px(img, 9, 0)).toEqual([100, 100, 100]);
  });
});

describe('paintContour and paintBox', () => {
  it('outlines the masked cells along their edge only', () => {
    const img = photo();
    const mask = Uint8Array.from({ length: 16 }, (_, i) => (i === 5 || i === 6 ? 1 : 0));
    paintContour(img, mask, grid, t, [0, 255, 0], 1, false);
    // Cells 5-6 span x 4..11, y 4..7: the edge pixels are painted (dashed, so look at several), the inside not.
    const edge = [
      [4, 5],
      [4, 6],
      [5, 4],
      [6, 4],
    ].filter(([x, y]) => px(img, x, y)[1] === 255);
    expect(edge.length).toBeGreaterThan(0);
    expect(px(img, 1, 1)).toEqual([100, 100, 100]);
    expect(px(img, 7, 6)[1]).toBe(100);
  });

  it('strokes a box with a dark rim outside its colour, inside the box', () => {
    const img = photo();
    paintBox(img, [2, 2, 14, 14], [255, 255, 0], 2);
    expect(px(img, 2, 8)).toEqual([0, 0, 0]);
    expect(px(img, 4, 8)).toEqual([255, 255, 0]);
    expect(px(img, 6, 8)).toEqual([100, 100, 100]);
    expect(px(img, 1, 8)).toEqual([100, 100, 100]);
  });
});

// The fast paths against the plain definitions they replace: every layer sampled at every pixel
// (sampleMap), every pixel of the canvas tested for a contour edge.
describe('fast evidence and contours equal the plain definitions', () => {
  let seed = 11;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const G = { width: 7, height: 5, cellSize: 8 };

  function plainEvidence(
    img: RGBAImage,
    layers: EvidenceLayer[],
    tr: InputTransform,
    o: { opacity: number; scale: 'class' | 'shared'; smooth: boolean },
  ) {
    const d = scaleDenominators(
      layers.map((l) => l.plane),
      o.scale,
    );
    const fields = layers.map((l, i) =>
      sampleMap(
        l.plane.map((v) => (d[i] > 0 && v > 0 ? v / d[i] : 0)),
        G,
        tr,
        img.width,
        img.height,
        o.smooth,
      ),
    );
    const lut = layers.length === 1 ? colormapTable('turbo') : null;
    for (let p = 0; p < img.width * img.height; p++) {
      let best = -1,
        v = 0;
      fields.forEach((f, k) => {
        if (f[p] > v) {
          v = f[p];
          best = k;
        }
      });
      if (best < 0) continue;
      v = Math.min(1, v);
      const a = evidenceAlpha(v, o.opacity);
      const c = lut ? lut.subarray(3 * Math.round(255 * v), 3 * Math.round(255 * v) + 3) : layers[best].color;
      for (let k = 0; k < 3; k++) img.data[4 * p + k] = img.data[4 * p + k] * (1 - a) + c[k] * a;
    }
  }

  function plainContour(img: RGBAImage, mask: Uint8Array, tr: InputTransform, color: [number, number, number], width: number, smooth: boolean) {
    const field = sampleMap(Float32Array.from(mask), G, tr, img.width, img.height, smooth);
    const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < img.width && y < img.height && field[y * img.width + x] >= 0.5;
    const dash = Math.max(3, 3 * width);
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        if (!inside(x, y) || Math.floor((x + y) / dash) % 3 === 2) continue;
        let edge = false;
        for (let d = 1; d <= width && !edge; d++) edge = !inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d);
        if (edge) img.data.set(color, 4 * (y * img.width + x));
      }
  }

  // toEqual on large typed arrays is slow; the first differing byte says as much.
  const firstDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.prototype.findIndex.call(a, (v: number, i: number) => v !== b[i]);
  const image = (w: number, h: number) => ({
    width: w,
    height: h,
    data: Uint8ClampedArray.from({ length: w * h * 4 }, () => Math.floor(rand() * 256)),
  });

  it('paints the same pixels as sampling every layer everywhere, over many random cases', () => {
    for (let trial = 0; trial < 60; trial++) {
      const w = 20 + Math.floor(rand() * 50),
        h = 20 + Math.floor(rand() * 50);
      // A centre crop in some cases, so that some pixels fall outside the network's input.
      const tr =
        trial % 3 ? inputTransform({ mode: 'stretch', size: 56 }, w, h) : inputTransform({ mode: 'center-crop', resize: 48, crop: 40 }, w, h);
      const n = 1 + Math.floor(rand() * (trial % 4 ? 40 : 2));
      const layers = Array.from({ length: n }, (): EvidenceLayer => ({
        plane: Float32Array.from({ length: G.width * G.height }, () => (rand() < 0.3 ? -rand() : rand() * 5)),
        color: [Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256)],
        mask: null,
      }));
      const o = { opacity: rand(), scale: trial % 2 ? ('class' as const) : ('shared' as const), smooth: trial % 5 !== 0 };
      const a = image(w, h);
      const b = { ...a, data: a.data.slice() };
      paintEvidence(a, layers, G, tr, o);
      plainEvidence(b, layers, tr, o);
      expect(firstDiff(a.data, b.data)).toBe(-1);
    }
  });

  it('outlines the same pixels as testing every pixel of the canvas', () => {
    for (let trial = 0; trial < 60; trial++) {
      const w = 20 + Math.floor(rand() * 60),
        h = 20 + Math.floor(rand() * 60);
      const tr =
        trial % 3 ? inputTransform({ mode: 'stretch', size: 56 }, w, h) : inputTransform({ mode: 'center-crop', resize: 48, crop: 40 }, w, h);
      const p = rand();
      const mask = Uint8Array.from({ length: G.width * G.height }, () => (rand() < p ? 1 : 0));
      const width = 1 + Math.floor(rand() * 3),
        smooth = trial % 4 !== 0;
      const a = image(w, h);
      const b = { ...a, data: a.data.slice() };
      paintContour(a, mask, G, tr, [1, 2, 3], width, smooth);
      plainContour(b, mask, tr, [1, 2, 3], width, smooth);
      expect(firstDiff(a.data, b.data)).toBe(-1);
    }
  });
});

describe('samePixels and overlayOpaque', () => {
  it('tells equal pixel buffers from ones that differ anywhere, aligned or not', () => {
    const a = Uint8ClampedArray.from({ length: 103 }, (_, i) => (i * 31) % 256);
    expect(samePixels(a, a.slice())).toBe(true);
    for (const at of [0, 50, 99, 102]) {
      const b = a.slice();
      b[at] ^= 1;
      expect(samePixels(a, b), `byte ${at}`).toBe(false);
    }
    expect(samePixels(a, a.slice(0, 102))).toBe(false);
    // Views that start one byte into their buffers are compared byte by byte.
    const shifted = new Uint8ClampedArray(104);
    shifted.set(a, 1);
    expect(samePixels(a, shifted.subarray(1))).toBe(true);
    shifted[60] ^= 1;
    expect(samePixels(a, shifted.subarray(1))).toBe(false);
  });

  it('copies the painted pixels of a layer and leaves the rest, as checking each alpha does', () => {
    const layer = { width: 16, height: 16, data: new Uint8ClampedArray(16 * 16 * 4) };
    paintBox(layer, [2, 3, 13, 12], [255, 255, 255], 2);
    const plain = photo();
    for (let p = 3; p < layer.data.length; p += 4) if (layer.data[p]) plain.data.set(layer.data.subarray(p - 3, p + 1), p - 3);
    const fast = photo();
    overlayOpaque(fast.data, layer.data);
    expect(Array.from(fast.data)).toEqual(Array.from(plain.data));
    expect(px(fast, 2, 8)).toEqual([0, 0, 0]);
    expect(px(fast, 8, 7)).toEqual([100, 100, 100]);
    // The same through views that are not four-byte aligned.
    const buffer = new Uint8ClampedArray(fast.data.length + 1);
    buffer.set(photo().data, 1);
    overlayOpaque(buffer.subarray(1), layer.data);
    expect(Array.from(buffer.subarray(1))).toEqual(Array.from(plain.data));
  });
});
