import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-node';
import { applyOrientation, jpegOrientation, pngOrientation, type Orientation } from './exif';
import type { RGBAImage } from './geometry';
import { exifSegment, exifTiff, insertPngChunk, insertSegment, orientedJpeg, orientedPng, pngChunk } from './oriented-photo';

const COFFEE = readFileSync(new URL('../../public/samples/coffee.jpg', import.meta.url));
const CHELSEA = readFileSync(new URL('../../public/samples/chelsea.png', import.meta.url));

/** A 3x2 image whose pixel (x, y) has red x and green y. */
const grid: RGBAImage = { width: 3, height: 2, data: Uint8Array.from([0, 1].flatMap((y) => [0, 1, 2].flatMap((x) => [x, y, 0, 255]))) };
const at = (img: RGBAImage, x: number, y: number) => [img.data[(y * img.width + x) * 4], img.data[(y * img.width + x) * 4 + 1]];

describe('applyOrientation', () => {
  it('turns the stored pixels the way the EXIF specification says', () => {
    // Displayed size, and where the stored top-left pixel (0, 0) and top-right pixel (2, 0) end up.
    const cases: [Orientation, [number, number], [number, number], [number, number]][] = [
      [2, [3, 2], [2, 0], [0, 0]],
      [3, [3, 2], [2, 1], [0, 1]],
      [4, [3, 2], [0, 1], [2, 1]],
      [5, [2, 3], [0, 0], [0, 2]],
      [6, [2, 3], [1, 0], [1, 2]],
      [7, [2, 3], [1, 2], [1, 0]],
      [8, [2, 3], [0, 2], [0, 0]],
    ];
    for (const [o, size, topLeft, topRight] of cases) {
      const out = applyOrientation(grid, o);
      expect([out.width, out.height], `orientation ${o}`).toEqual(size);
      expect(at(out, ...topLeft), `orientation ${o}`).toEqual([0, 0]);
      expect(at(out, ...topRight), `orientation ${o}`).toEqual([2, 0]);
    }
    expect(applyOrientation(grid, 1)).toBe(grid);
  });
});

describe('jpegOrientation', () => {
  it('reads the tag in big- and little-endian EXIF, after other segments', () => {
    for (const o of [1, 3, 6, 8] as const) {
      expect(jpegOrientation(insertSegment(COFFEE, exifSegment(o)))).toBe(o);
      expect(jpegOrientation(insertSegment(COFFEE, exifSegment(o, true)))).toBe(o);
    }
    const late = Uint8Array.from([...COFFEE.subarray(0, 2), 0xff, 0xe0, 0, 4, 1, 2, ...exifSegment(6), ...COFFEE.subarray(2)]);
    expect(jpegOrientation(late)).toBe(6);
    expect(jpegOrientation(COFFEE)).toBe(1);
  });

  it('takes a malformed or out-of-range tag as upright, never throws', () => {
    const good = exifSegment(6);
    expect(jpegOrientation(insertSegment(COFFEE, exifSegment(9)))).toBe(1);
    expect(jpegOrientation(insertSegment(COFFEE, exifSegment(0)))).toBe(1);
    const bad = (edit: (s: Uint8Array) => void) => {
      const s = good.slice();
      edit(s);
      return jpegOrientation(insertSegment(COFFEE, s));
    };
    expect(
      bad((s) => {
        s[10] = 0x41;
      }),
    ).toBe(1); // byte order neither II nor MM
    expect(
      bad((s) => {
        s[17] = 0xff;
      }),
    ).toBe(1); // IFD0 offset past the end
    expect(
      bad((s) => {
        s[19] = 0xff;
      }),
    ).toBe(1); // 255 entries claimed, one present
    expect(
      bad((s) => {
        s[23] = 4;
      }),
    ).toBe(1); // type LONG, not SHORT
    const long = good.slice();
    long[3] = 0xff;
    expect(jpegOrientation(Uint8Array.from([0xff, 0xd8, ...long]))).toBe(1); // segment longer than the file
    // Every truncation and every single-byte corruption of the segment's header is survived.
    for (let n = 0; n < good.length; n++) expect([1, 6]).toContain(jpegOrientation(Uint8Array.from([0xff, 0xd8, ...good.subarray(0, n)])));
    for (let i = 0; i < good.length; i++) {
      for (const v of [0, 0xff])
        expect(() =>
          bad((s) => {
            s[i] = v;
          }),
        ).not.toThrow();
    }
    expect(jpegOrientation(new Uint8Array(0))).toBe(1);
  });
});

describe('pngOrientation', () => {
  it('reads an eXIf chunk before the image data whose CRC holds, as Chromium does', () => {
    for (const o of [3, 6, 8] as const) expect(pngOrientation(insertPngChunk(CHELSEA, pngChunk('eXIf', exifTiff(o))))).toBe(o);
    expect(pngOrientation(insertPngChunk(CHELSEA, pngChunk('eXIf', exifTiff(6, true))))).toBe(6);
    expect(pngOrientation(CHELSEA)).toBe(1);
    // Chromium 156 shows these upright (checked by hand with createImageBitmap).
    expect(pngOrientation(insertPngChunk(CHELSEA, pngChunk('eXIf', exifTiff(6)), true))).toBe(1); // after IDAT
    expect(pngOrientation(insertPngChunk(CHELSEA, pngChunk('eXIf', exifTiff(6), 12345)))).toBe(1); // bad CRC
  });

  it('survives every truncation of a chunk and a chunk length past the end', () => {
    const tagged = insertPngChunk(CHELSEA, pngChunk('eXIf', exifTiff(6)));
    for (let n = 0; n < 33 + 40; n++) expect(() => pngOrientation(tagged.subarray(0, n))).not.toThrow();
    const long = tagged.slice();
    long[33] = 0x7f; // eXIf's length: 2 GB
    expect(pngOrientation(long)).toBe(1);
    expect(pngOrientation(insertPngChunk(CHELSEA, pngChunk('eXIf', Uint8Array.from([0x4d, 0x4d, 0, 42]))))).toBe(1);
  });
});

describe('decodeImage', () => {
  it('shows a PNG with an eXIf orientation upright, pixel for pixel', () => {
    const upright = decodeImage(CHELSEA, 'chelsea.png');
    for (const o of [3, 6, 8] as const) {
      const shown = decodeImage(orientedPng(upright, o), `o${o}.png`);
      expect([shown.width, shown.height]).toEqual([451, 300]);
      expect(Buffer.from(shown.data).equals(Buffer.from(upright.data)), `orientation ${o}`).toBe(true);
    }
  });

  it('shows an EXIF-rotated JPEG upright, as the page does', () => {
    const upright = decodeImage(COFFEE, 'coffee.jpg');
    const reference = decodeImage(orientedJpeg(upright, 1), 'upright.jpg');
    for (const o of [3, 6, 8] as const) {
      const file = orientedJpeg(upright, o, o === 8);
      const shown = decodeImage(file, `o${o}.jpg`);
      expect([shown.width, shown.height]).toEqual([600, 400]);
      let maxDiff = 0;
      for (let i = 0; i < shown.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(shown.data[i] - reference.data[i]));
      expect(maxDiff, `orientation ${o}`).toBeLessThanOrEqual(4);
    }
  });
});
