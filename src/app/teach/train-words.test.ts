import { describe, expect, it } from 'vitest';
import { figuresInWords } from './train-words';

describe('training figures in words', () => {
  it('names every figure, with the competitors standing in for missing "not this" photos', () => {
    const words = figuresInWords('mug', {
      positives: 5,
      negatives: 0,
      competitors: 64,
      background: 12,
      iterations: 400,
      threshold: 0,
      loss: 0.0312,
      positivesRight: 1,
      negativesRight: 75 / 76,
      ms: 41.6,
    });
    expect(words).toBe(
      'mug: trained on 5 photos of it against no "not this" photos, 12 built-in background photos and 64 competing ImageNet classes as stand-ins for other things, in 42 ms (400 steps). ' +
        '5 of 5 photos of it are scored present, 75 of 76 others absent; mean logistic loss 0.031.',
    );
  });

  it('says one photo in the singular', () => {
    expect(
      figuresInWords('cat', {
        positives: 1,
        negatives: 1,
        competitors: 0,
        background: 0,
        iterations: 10,
        threshold: 1.234,
        loss: 0.5,
        positivesRight: 1,
        negativesRight: 0,
        ms: 0.2,
      }),
    ).toMatch(
      /^cat: trained on 1 photo of it against 1 "not this" photo, in 1 ms \(10 steps\)\. 1 of 1 photos of it are scored present, 0 of 1 others absent; mean logistic loss 0\.500; the decision was moved to logit 1\.23, where cross-validation on your photos puts it\.$/,
    );
  });
});
