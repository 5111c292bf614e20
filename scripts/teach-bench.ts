// How long trainHead takes for 50 examples (25 of the object, 25 "not this") of F = 2048, with the
// built-in background (26 vectors, as public/teach-background has) and the ImageNet classifier's
// competitors, as it runs in the CLI: the median of 5 runs. The
// features are synthetic (non-negative, like pooled ReLU outputs): the time depends only on the sizes.
//
//   npx tsx scripts/teach-bench.ts
import { cpus } from 'node:os';
import { trainHead, type Classifier } from '../src/teach/train';

const F = 2048;
const C = 1000;
let seed = 12345;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const example = (shift: number) => Float32Array.from({ length: F }, (_, i) => Math.max(0, random() - 0.6 + (i < 64 ? shift : 0)));
const positives = Array.from({ length: 25 }, () => example(0.5));
const negatives = Array.from({ length: 25 }, () => example(0));
const classifier: Classifier = {
  features: F,
  classes: C,
  kernel: Float32Array.from({ length: F * C }, () => (random() - 0.5) * 0.05),
  bias: new Float32Array(C),
};

const fifty = Array.from({ length: 50 }, () => example(0.5));
const background = Array.from({ length: 26 }, () => example(0));
const cases: [string, Float32Array[], Float32Array[], Classifier | undefined][] = [
  ['25 + 25 examples alone', positives, negatives, undefined],
  ['25 + 25 examples + background + competitors (the CLI)', positives, negatives, classifier],
  ['50 examples, no "not this" (background + competitors)', fifty, [], classifier],
];
for (const [label, pos, neg, clf] of cases) {
  const ms = Array.from({ length: 5 }, () => trainHead(pos, neg, clf ? { classifier: clf, background } : {}).figures.ms).sort((a, b) => a - b);
  console.log(`${label}: median ${ms[2].toFixed(0)} ms (min ${ms[0].toFixed(0)}, max ${ms[4].toFixed(0)})`);
}
console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
