import { describe, expect, it } from 'vitest';
import { buildScene } from '../draw/scene';
import { inputTransform } from '../image/geometry';
import type { Inference } from '../models/class-maps';
import { renderPhoto } from './render';

const W = 64,
  H = 48;

/** Two classes with a bump each on an 8 x 8 grid, over a 64 x 48 photo. */
function inference(): Inference {
  const data = new Float32Array(2 * 64);
  for (let i = 0; i < 64; i++) {
    const x = i % 8,
      y = Math.floor(i / 8);
    data[i] = Math.exp(-((x - 2) ** 2 + (y - 2) ** 2) / 3) - 0.1;
    data[64 + i] = Math.exp(-((x - 6) ** 2 + (y - 5) ** 2) / 3) - 0.1;
  }
  return {
    top: [],
    maps: { width: 8, height: 8, cellSize: 28, classes: [0, 1], data, winner: new Int32Array(64) },
    taught: [],
    logits: Float32Array.from([1, 2]),
    transform: inputTransform({ mode: 'stretch', size: 224 }, W, H),
    backend: 'cpu',
    ms: 1,
  };
}

/** A canvas over plain pixels that counts what is drawn and read; a "bitmap" is a function of the pixel. */
function fakeCanvas() {
  const calls = { drawImage: 0, getImageData: 0 };
  let pixels = new Uint8ClampedArray(0);
  const canvas = {
    calls,
    get pixels() {
      return pixels;
    },
    width: 0,
    height: 0,
    getContext: () => ctx,
  };
  const ctx = {
    font: '',
    fillStyle: '',
    textBaseline: '',
    imageSmoothingQuality: 'low',
    drawImage(bitmap: { seed: number }, _x: number, _y: number, w: number, h: number) {
      calls.drawImage++;
      if (pixels.length !== 4 * canvas.width * canvas.height) pixels = new Uint8ClampedArray(4 * canvas.width * canvas.height);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) pixels.set([(x * bitmap.seed) % 256, (y * 7) % 256, 90, 255], 4 * (y * canvas.width + x));
    },
    getImageData(x: number, y: number, w: number, h: number) {
      calls.getImageData++;
      return { width: w, height: h, data: pixels.slice(4 * (y * canvas.width + x), 4 * ((y + h) * canvas.width + x)) };
    },
    putImageData(image: { data: Uint8ClampedArray }, x: number, y: number) {
      pixels.set(image.data, 4 * (y * canvas.width + x));
    },
    fillRect: () => {},
    fillText: () => {},
    measureText: (text: string) => ({ width: 7 * text.length }),
  };
  return canvas;
}

type Canvas = Parameters<typeof renderPhoto>[0];
type Bitmap = Parameters<typeof renderPhoto>[1];

describe('renderPhoto', () => {
  const inf = inference();
  const scene = (threshold: number) =>
    buildScene(inf, { rule: 'cam', threshold, shown: [0, 1], opacity: 0.5, scale: 'class', rawGrid: false, gt: [], names: ['a', 'b'] });
  const photo = { width: W, height: H };

  it('draws and reads the photo once, then paints each frame over the kept pixels, as drawing it again would', () => {
    const bitmap = { seed: 3 } as unknown as Bitmap;
    const kept = fakeCanvas();
    renderPhoto(kept as unknown as Canvas, bitmap, photo, scene(0.3), 100);
    renderPhoto(kept as unknown as Canvas, bitmap, photo, scene(0.5), 100);
    expect(kept.calls).toEqual({ drawImage: 1, getImageData: 1 });
    // The second frame on a canvas that has never seen the photo: drawn and read afresh.
    const fresh = fakeCanvas();
    renderPhoto(fresh as unknown as Canvas, bitmap, photo, scene(0.5), 100);
    expect(fresh.calls).toEqual({ drawImage: 1, getImageData: 1 });
    expect(kept.pixels.findIndex((v, i) => v !== fresh.pixels[i])).toBe(-1);
  });

  it('draws the photo again when it or its size changes, and draws it alone without a scene', () => {
    const canvas = fakeCanvas();
    const a = { seed: 3 } as unknown as Bitmap,
      b = { seed: 5 } as unknown as Bitmap;
    renderPhoto(canvas as unknown as Canvas, a, photo, scene(0.3), 100);
    renderPhoto(canvas as unknown as Canvas, b, photo, scene(0.3), 100);
    expect(canvas.calls.drawImage).toBe(2);
    renderPhoto(canvas as unknown as Canvas, b, photo, scene(0.3), 32);
    expect(canvas.calls).toEqual({ drawImage: 3, getImageData: 3 });
    expect(canvas.width).toBe(32);
    expect(renderPhoto(canvas as unknown as Canvas, b, photo, null, 32)).toBeNull();
    expect(canvas.calls.drawImage).toBe(4);
  });
});
