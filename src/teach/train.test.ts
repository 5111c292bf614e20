import { describe, expect, it } from 'vitest';
import { TrainError, competitorNegatives, logitsOf, trainHead, type Classifier } from './train';

const F = 64;
function rng(seed: number): () => number {
  return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
}
const random = rng(7);
/** Non-negative vectors with a bump on the first 8 features for the object. */
const example = (object: boolean) => Float32Array.from({ length: F }, (_, i) => Math.max(0, random() - 0.5 + (object && i < 8 ? 0.6 : 0)));
const score = (h: { weights: Float32Array; bias: number }, x: Float32Array) => x.reduce((a, v, i) => a + v * h.weights[i], h.bias);

/** A classifier of 6 classes: class 0 is the object's direction, the others random. */
function classifier(): Classifier {
  const r = rng(3);
  const C = 6;
  const kernel = new Float32Array(F * C);
  for (let f = 0; f < F; f++) for (let k = 0; k < C; k++) kernel[f * C + k] = k === 0 ? (f < 8 ? 1 : -0.1) : r() - 0.5;
  return { features: F, classes: C, kernel, bias: new Float32Array(C) };
}

describe('trainHead', () => {
  const pos = Array.from({ length: 10 }, () => example(true));
  const neg = Array.from({ length: 20 }, () => example(false));
  const heldPos = Array.from({ length: 20 }, () => example(true));
  const heldNeg = Array.from({ length: 20 }, () => example(false));

  it('separates held-out examples of a separable concept', () => {
    const h = trainHead(pos, neg);
    expect(h.weights).toHaveLength(F);
    expect(heldPos.filter((x) => score(h, x) > 0).length).toBeGreaterThanOrEqual(19);
    expect(heldNeg.filter((x) => score(h, x) <= 0).length).toBeGreaterThanOrEqual(19);
    expect(h.figures).toMatchObject({ positives: 10, negatives: 20, competitors: 0, positivesRight: 1, negativesRight: 1 });
    // With a light penalty and no calibration it fits its own examples closely.
    expect(trainHead(pos, neg, { l2: 1e-3, calibrate: false }).figures.loss).toBeLessThan(0.2);
  });

  it('is deterministic', () => {
    const a = trainHead(pos, neg, { classifier: classifier() });
    const b = trainHead(pos, neg, { classifier: classifier() });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.bias).toBe(b.bias);
  });

  it('reaches the optimum: more steps change nothing that matters', () => {
    const a = trainHead(pos, neg);
    const b = trainHead(pos, neg, { iterations: 4000 });
    expect(Math.abs(a.figures.loss - b.figures.loss)).toBeLessThan(0.01 * b.figures.loss + 1e-4);
  });

  it('works with no negatives, from the classifier competitors', () => {
    const h = trainHead(pos, [], { classifier: classifier() });
    expect(h.figures.competitors).toBeGreaterThan(0);
    expect(heldPos.filter((x) => score(h, x) > 0).length).toBeGreaterThanOrEqual(18);
    // A photo with another class's evidence scores below one of the object.
    const c = classifier();
    const other = Float32Array.from({ length: F }, (_, f) => Math.max(0, c.kernel[f * c.classes + 3]));
    expect(score(h, other)).toBeLessThan(score(h, heldPos[0]));
  });

  it('works from the background alone, leaving out background photos like the positives', () => {
    const background = [...Array.from({ length: 10 }, () => example(false)), example(true)];
    const h = trainHead(pos, [], { background });
    expect(h.figures).toMatchObject({ negatives: 0, competitors: 0, background: 10 });
    expect(heldPos.filter((x) => score(h, x) > 0).length).toBeGreaterThanOrEqual(18);
    expect(heldNeg.filter((x) => score(h, x) <= 0).length).toBeGreaterThanOrEqual(18);
  });

  it('without negatives, raises the decision to the missRate quantile of the positives held out, and never lowers it', () => {
    const background = Array.from({ length: 10 }, () => example(false));
    const plain = trainHead(pos, [], { background, missRate: 0 });
    expect(plain.figures.threshold).toBe(0);
    const strict = trainHead(pos, [], { background, missRate: 0.3 });
    // The same fit, only its bias moved by the threshold.
    expect(Array.from(strict.weights)).toEqual(Array.from(plain.weights));
    expect(strict.figures.threshold).toBeGreaterThan(0);
    expect(strict.bias).toBeCloseTo(plain.bias - strict.figures.threshold, 9);
    // The stricter head flags no more of the other photos, and still finds most photos of the object.
    const flagged = (h: typeof plain) => heldNeg.filter((x) => score(h, x) > 0).length;
    expect(flagged(strict)).toBeLessThanOrEqual(flagged(plain));
    expect(heldPos.filter((x) => score(strict, x) > 0).length).toBeGreaterThanOrEqual(12);
    // With the user's negatives the cross-validated calibration decides instead.
    expect(trainHead(pos, neg, { missRate: 0.3 }).bias).toBe(trainHead(pos, neg).bias);
  });

  it('refuses what it cannot train on, in words', () => {
    expect(() => trainHead([], neg)).toThrow(TrainError);
    expect(() => trainHead(pos, [])).toThrow(/no negatives/);
    expect(() => trainHead(pos, [new Float32Array(F + 1)])).toThrow(/different feature lengths/);
    expect(() => trainHead([Float32Array.from({ length: F }, () => NaN)], neg)).toThrow(/non-finite/);
  });
});

describe('competitorNegatives', () => {
  it('leaves out the classes related to the positives and makes each chosen class win', () => {
    const c = classifier();
    const pos = Array.from({ length: 5 }, () => example(true));
    const negs = competitorNegatives(pos, c, 4);
    expect(negs.length).toBeGreaterThan(0);
    expect(negs.length).toBeLessThanOrEqual(4);
    for (const x of negs) {
      const z = logitsOf(c, x);
      const top = z.indexOf(Math.max(...z));
      // Class 0 is the positives' own: never a competitor.
      expect(top).not.toBe(0);
      expect(x.every((v) => v >= 0)).toBe(true);
    }
  });
});
