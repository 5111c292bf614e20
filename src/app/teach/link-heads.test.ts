import { describe, expect, it } from 'vitest';
import { linkedHeads, localShown } from './link-heads';
import type { TaughtClass } from './teach-state';

const head = (name: string): TaughtClass => ({
  id: name,
  modelKey: 'm',
  name,
  weights: new Float32Array(2),
  bias: 0,
  inputSize: 224,
  examples: { positives: 1, negatives: 0 },
  createdAt: '',
});

describe('taught classes in a link', () => {
  it('carries only the shown taught classes, renumbered in the order shown', () => {
    const l = linkedHeads([5, 12, 3, 10], 10, [head('mug'), head('cup'), head('dog')]);
    expect(l.heads.map((h) => h.name)).toEqual(['dog', 'mug']);
    expect(l.shown).toEqual([5, 10, 3, 11]);
  });

  it('drops a taught index the sender does not have', () => {
    expect(linkedHeads([1, 15], 10, [head('mug')])).toEqual({ shown: [1], heads: [] });
  });

  it('maps the link’s taught classes to the receiver’s indices, leaving refused ones out', () => {
    expect(localShown([5, 10, 3, 11, 12], 10, [14, null])).toEqual([5, 14, 3]);
  });
});
