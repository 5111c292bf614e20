import { describe, expect, it } from 'vitest';
import { grayImage as gray } from '../image/test-images.testkit';
import type { RGBAImage } from '../image/geometry';
import { evidenceRanks, faithfulnessCurves, mixedImage, stepCounts, trapezoidAuc } from './faithfulness';
const red = (img: RGBAImage) => Array.from({ length: img.width * img.height }, (_, i) => img.data[4 * i]);

describe('evidence order and steps', () => {
  it('ranks strongest first, ties by pixel index, and leaves NaN pixels out', () => {
    const { rank, ordered } = evidenceRanks(Float32Array.from([3, NaN, 1, 2, 3]));
    expect(Array.from(rank)).toEqual([0, -1, 3, 2, 1]);
    expect(ordered).toBe(4);
  });

  it('spreads the pixel counts over the steps, ends included', () => {
    expect(stepCounts(10, 4)).toEqual([0, 3, 5, 8, 10]);
    expect(stepCounts(0, 2)).toEqual([0, 0, 0]);
    expect(() => stepCounts(10, 0)).toThrow(RangeError);
    expect(() => stepCounts(10, 1.5)).toThrow(RangeError);
  });

  it('mixes the photo and the blurred copy by rank; unordered pixels keep the photo', () => {
    const photo = gray(5, 1, () => 200),
      blurred = gray(5, 1, () => 50);
    const { rank } = evidenceRanks(Float32Array.from([3, NaN, 1, 2, 3]));
    expect(red(mixedImage(photo, blurred, rank, 2, 'deletion'))).toEqual([50, 200, 200, 200, 50]);
    expect(red(mixedImage(photo, blurred, rank, 2, 'insertion'))).toEqual([200, 200, 50, 50, 200]);
    expect(red(mixedImage(photo, blurred, rank, 0, 'insertion'))).toEqual([50, 200, 50, 50, 50]);
    expect(() =>
      mixedImage(
        photo,
        gray(4, 1, () => 0),
        rank,
        1,
        'deletion',
      ),
    ).toThrow(RangeError);
  });

  it('integrates by the trapezoid rule over [0, 1]', () => {
    expect(trapezoidAuc([1, 1, 1])).toBe(1);
    expect(trapezoidAuc([1, 0])).toBe(0.5);
    expect(trapezoidAuc([0, 0.25, 0.5, 0.75, 1])).toBeCloseTo(0.5, 12);
    expect(trapezoidAuc([1, 0, 0])).toBe(0.25);
    expect(() => trapezoidAuc([1])).toThrow(RangeError);
  });
});

describe('faithfulnessCurves with a stand-in network', () => {
  // The "network" believes in the class exactly as much as the left half of the photo is still bright.
  const w = 4,
    h = 4;
  const photo = gray(w, h, (x) => (x < 2 ? 255 : 0)),
    blurred = gray(w, h, () => 0);
  const network = async (img: RGBAImage) => {
    let s = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < 2; x++) s += img.data[4 * (y * w + x)] / 255;
    return s / (2 * h);
  };
  const faithful = Float32Array.from({ length: w * h }, (_, i) => (i % w < 2 ? 1 : 0));
  const unfaithful = faithful.map((v) => 1 - v);

  it('gives a faithful map a fast deletion drop and a fast insertion rise', async () => {
    const steps: number[] = [];
    const c = await faithfulnessCurves(photo, blurred, faithful, 7, network, { steps: 2, blurSigma: 1, onStep: (d) => steps.push(d) });
    expect(c.fractions).toEqual([0, 0.5, 1]);
    expect(c.deletion).toEqual([1, 0, 0]);
    expect(c.insertion).toEqual([0, 1, 1]);
    expect(c.deletionAuc).toBe(0.25);
    expect(c.insertionAuc).toBe(0.75);
    expect(c.passes).toBe(4);
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(c.classIndex).toBe(7);
  });

  it('gives the reversed map the opposite areas', async () => {
    const c = await faithfulnessCurves(photo, blurred, unfaithful, 7, network, { steps: 4, blurSigma: 1 });
    expect(c.deletion).toEqual([1, 1, 1, 0.5, 0]);
    expect(c.insertion).toEqual([0, 0, 0, 0.5, 1]);
    expect(c.deletionAuc).toBeCloseTo(0.75, 12);
    expect(c.insertionAuc).toBeCloseTo(0.25, 12);
  });

  it('reuses a known photo probability (one pass fewer) and stops when cancelled', async () => {
    const c = await faithfulnessCurves(photo, blurred, faithful, 7, network, { steps: 2, blurSigma: 1, photoProbability: 0.9 });
    expect(c.passes).toBe(3);
    expect(c.deletion[0]).toBe(0.9);
    expect(c.insertion[2]).toBe(0.9);
    let n = 0;
    await expect(faithfulnessCurves(photo, blurred, faithful, 7, network, { steps: 4, blurSigma: 1, cancelled: () => ++n > 2 })).rejects.toThrow(
      /cancelled/,
    );
  });
});
