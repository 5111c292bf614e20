import { describe, expect, it } from 'vitest';
import { inputSizeError, inputToImage, inputTransform, resizeAt, type Resize } from './geometry';

const DRN: Resize = { mode: 'center-crop', resize: 256, crop: 224 };

describe('input sizes', () => {
  it('accepts multiples of 32 from 224 to 896 and names what is wrong otherwise', () => {
    for (const s of [224, 256, 320, 448, 896]) expect(inputSizeError(s)).toBeNull();
    for (const s of [192, 240, 450, 928, 224.5, NaN]) expect(inputSizeError(s)).toBe(`input size ${s} must be a multiple of 32 from 224 to 896`);
    expect(() => resizeAt(DRN, 300)).toThrow('input size 300 must be a multiple of 32 from 224 to 896');
  });

  it('keeps the crop share of the resize at every size', () => {
    expect(resizeAt(DRN, 224)).toEqual(DRN);
    expect(resizeAt(DRN, 448)).toEqual({ mode: 'center-crop', resize: 512, crop: 448 });
    expect(resizeAt(DRN, 320)).toEqual({ mode: 'center-crop', resize: 366, crop: 320 });
    expect(resizeAt({ mode: 'stretch', size: 224 }, 896)).toEqual({ mode: 'stretch', size: 896 });
  });

  it('maps input pixels at 448 back to photo pixels exactly', () => {
    // 1024x1024 -> 512x512 (scale 1/2), centre 448 crop at offset 32: input 0 and 448 are photo 64 and 960.
    const t = inputTransform(resizeAt(DRN, 448), 1024, 1024);
    expect(t).toMatchObject({ inputSize: 448, resizedWidth: 512, offsetX: 32, offsetY: 32, scaleX: 0.5, prepool: 1 });
    expect(inputToImage(t, 0, 0)).toEqual([64, 64]);
    expect(inputToImage(t, 448, 448)).toEqual([960, 960]);
    // One 56x56 map cell is 8 input pixels: cell (10, 20) covers photo [224, 232) x [384, 400).
    expect([...inputToImage(t, 10 * 8, 20 * 8), ...inputToImage(t, 11 * 8, 21 * 8)]).toEqual([224, 384, 240, 400]);
    // A 448x448 photo is used pixel for pixel at 448, as a 224x224 one is at 224.
    expect(inputTransform(resizeAt(DRN, 448), 448, 448)).toMatchObject({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 });
  });

  it('sees the same part of the photo at 224, 320, 448 and 896 (to the rounding of the resized sides)', () => {
    const window = (size: number) => {
      const t = inputTransform(resizeAt(DRN, size), 640, 480);
      return [...inputToImage(t, 0, 0), ...inputToImage(t, size, size)];
    };
    const ref = window(224);
    for (const s of [320, 448, 896]) window(s).forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1.5));
  });
});
