import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeContent, fitPixels, sniffImage, truncation } from './file-check';

const sample = (f: string) => new Uint8Array(readFileSync(new URL(`../../public/samples/${f}`, import.meta.url)));

describe('sniffImage', () => {
  it('knows the samples by their bytes, and text as no image', () => {
    expect(sniffImage(sample('coffee.jpg'))).toBe('jpeg');
    expect(sniffImage(sample('chelsea.png'))).toBe('png');
    expect(sniffImage(new TextEncoder().encode('hello, I am a text file named photo.jpg'))).toBeNull();
  });
});

describe('truncation', () => {
  it('passes complete files', () => {
    expect(truncation(sample('coffee.jpg'), 'jpeg')).toBeNull();
    expect(truncation(sample('grace_hopper.jpg'), 'jpeg')).toBeNull();
    expect(truncation(sample('chelsea.png'), 'png')).toBeNull();
  });

  it('finds a JPEG cut in its image data or its headers, and a cut PNG', () => {
    const jpg = sample('coffee.jpg');
    expect(truncation(jpg.subarray(0, Math.floor(jpg.length * 0.6)), 'jpeg')).toMatch(/end-of-image marker is missing/);
    expect(truncation(jpg.subarray(0, 40), 'jpeg')).toMatch(/ends inside a header segment|before the image data/);
    const png = sample('chelsea.png');
    expect(truncation(png.subarray(0, png.length - 100), 'png')).toMatch(/ends inside its IDAT chunk/);
  });

  it('accepts bytes after the end-of-image marker (some cameras append data)', () => {
    const jpg = sample('coffee.jpg');
    const padded = new Uint8Array(jpg.length + 500);
    padded.set(jpg);
    expect(truncation(padded, 'jpeg')).toBeNull();
  });
});

describe('describeContent', () => {
  it('quotes text and shows bytes of binaries', () => {
    expect(describeContent(new TextEncoder().encode('just some notes\nabout cats'))).toBe('it contains text ("just some notes about ca…")');
    expect(describeContent(Uint8Array.from([0, 1, 2, 3, 4]))).toBe('it starts with bytes 00 01 02 03');
    expect(describeContent(new Uint8Array())).toBe('the file is empty');
  });
});

describe('fitPixels', () => {
  it('keeps photos under the limit and shrinks bigger ones to it, keeping the aspect ratio', () => {
    expect(fitPixels(4000, 3000)).toEqual({ width: 4000, height: 3000 });
    const big = fitPixels(6000, 4000);
    expect(big.width * big.height).toBeLessThanOrEqual(20_000_000);
    expect(big.width * big.height).toBeGreaterThan(19_990_000);
    expect(big.width / big.height).toBeCloseTo(1.5, 3);
  });
});
