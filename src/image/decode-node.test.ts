import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { decodePhoto, MAX_MEGAPIXELS } from './decode-node';
import { MAX_PIXELS } from './file-check';

describe('decodePhoto: the CLI decodes a photo as the page does', () => {
  it('reads photos far over 100 megapixels (a 108-MP phone photo was called corrupt)', () => {
    expect(MAX_MEGAPIXELS).toBeGreaterThanOrEqual(200);
  });

  it('downscales a photo over 20 megapixels with the page note, keeping its own size for the boxes', () => {
    // Made on the fly: one colour, so the file is small; just over the limit, so the test stays quick.
    const [w, h] = [5000, 4200];
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#7a5';
    ctx.fillRect(0, 0, w, h);
    const photo = decodePhoto(new Uint8Array(canvas.toBuffer('image/jpeg', 50)), 'big.jpg');
    expect([photo.width, photo.height]).toEqual([w, h]);
    expect(photo.image.width * photo.image.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(photo.image.width / photo.image.height).toBeCloseTo(w / h, 2);
    expect(photo.notes).toEqual([
      `big.jpg is 5000×4200 (21.0 megapixels), over the 20-megapixel limit: it was downscaled to ${photo.image.width}×${photo.image.height} for analysis. Boxes are still given in the original's pixels.`,
    ]);
    // A uniform photo stays that colour through the downscale.
    const mid = 4 * (Math.floor(photo.image.height / 2) * photo.image.width + Math.floor(photo.image.width / 2));
    expect(Math.abs(photo.image.data[mid] - 0x77)).toBeLessThanOrEqual(3);
  }, 120_000);
});
