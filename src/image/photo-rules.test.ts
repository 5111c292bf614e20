import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeImage } from './decode-node';
import { downscale, downscaleNote, flattenAlpha, MIN_SIDE, tooSmallNote } from './photo-rules';

/** What a browser canvas does to straight RGBA: stores it premultiplied (8 bits) and un-premultiplies on read. */
function canvasRoundTrip(data: Uint8Array): Uint8Array {
  const out = data.slice();
  for (let p = 0; p < out.length; p += 4) {
    const a = out[p + 3];
    for (let k = 0; k < 3; k++) {
      const pre = Math.round((out[p + k] * a) / 255);
      out[p + k] = a ? Math.min(255, Math.round((pre * 255) / a)) : 0;
    }
  }
  return out;
}

describe('flattenAlpha: the page and the CLI see the same pixels of a transparent PNG', () => {
  // A cat-like patch on a transparent background whose hidden colour is red (a decoder may keep it).
  const w = 16,
    h = 16;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = 4 * (y * w + x);
      const inside = x > 3 && x < 12 && y > 3 && y < 12;
      rgba.set(inside ? [90, 120, 30, 255] : [255, 0, 0, x === 2 ? 128 : 0], p);
    }

  it('composites over white: transparent is white whatever colour lies under it, opaque unchanged', () => {
    const a = rgba.slice();
    expect(flattenAlpha(a)).toBe(true);
    expect(Array.from(a.subarray(0, 4))).toEqual([255, 255, 255, 255]);
    const inside = 4 * (5 * w + 5);
    expect(Array.from(a.subarray(inside, inside + 4))).toEqual([90, 120, 30, 255]);
    const half = 4 * (0 * w + 2);
    expect(Array.from(a.subarray(half, half + 4))).toEqual([255, 127, 127, 255]);
    expect(flattenAlpha(a)).toBe(false);
  });

  it("gives the CLI's decoder (pngjs, straight alpha) and a browser canvas's read-back the same network pixels", () => {
    const png = new PNG({ width: w, height: h });
    png.data.set(rgba);
    const cli = decodeImage(new Uint8Array(PNG.sync.write(png)), 'alpha.png').data;
    const page = canvasRoundTrip(rgba);
    flattenAlpha(page);
    // Fully transparent and opaque pixels agree exactly; half-transparent ones within a level
    // (the canvas keeps 8-bit premultiplied values).
    let worst = 0;
    for (let i = 0; i < cli.length; i++) worst = Math.max(worst, Math.abs(cli[i] - page[i]));
    expect(worst).toBeLessThanOrEqual(1);
    const transparent = 4 * (0 * w + 0);
    expect(Array.from(cli.subarray(transparent, transparent + 4))).toEqual(Array.from(page.subarray(transparent, transparent + 4)));
  });
});

describe('photo notes', () => {
  it('say when a photo is downscaled, in the words the page uses', () => {
    expect(downscaleNote('a.jpg', 4000, 3000)).toBeNull();
    expect(downscaleNote('big.jpg', 12000, 9000)).toMatch(
      /^big\.jpg is 12000×9000 \(108\.0 megapixels\), over the 20-megapixel limit: it was downscaled to 5163×3872/,
    );
  });

  it(`say when a photo has fewer pixels on a side than the finest map has cells (${MIN_SIDE})`, () => {
    expect(tooSmallNote('one.png', 1, 1)).toMatch(/only 1×1 pixels/);
    expect(tooSmallNote('strip.png', 10000, 20)).toMatch(/10000×20/);
    expect(tooSmallNote('ok.png', MIN_SIDE, MIN_SIDE)).toBeNull();
  });

  it('downscale averages each target pixel footprint', () => {
    const img = { width: 4, height: 2, data: Uint8Array.from({ length: 32 }, (_, i) => (i % 4 === 3 ? 255 : i < 16 ? 0 : 200)) };
    const small = downscale(img, 2, 1);
    // Row 0 is black, row 1 grey 200: each 2x2 footprint averages to 100.
    expect(Array.from(small.data)).toEqual([100, 100, 100, 255, 100, 100, 100, 255]);
  });
});
