// The coarse concepts scripts/teach-eval.ts teaches: each a union of ImageNet class-index ranges
// (inclusive), in the sorted-synset order of the dev set's class_index.
export interface Concept {
  name: string;
  ranges: [number, number][];
}

export const CONCEPTS: readonly Concept[] = [
  { name: 'dog', ranges: [[151, 268]] },
  // Birds: the three bands of the synset order (cock..great grey owl, black grouse..black swan, white stork..albatross).
  {
    name: 'bird',
    ranges: [
      [7, 24],
      [80, 100],
      [127, 146],
    ],
  },
  // Monkeys and lemurs: the primates after the great apes and gibbons (365-368).
  { name: 'monkey', ranges: [[369, 384]] },
];

export function conceptOf(classIndex: number): Concept | null {
  return CONCEPTS.find((c) => c.ranges.some(([lo, hi]) => classIndex >= lo && classIndex <= hi)) ?? null;
}
