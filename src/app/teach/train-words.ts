// A training's figures (teach/train.ts) in words for the Teach panel. Pure.
import type { TrainFigures } from '../../teach/train';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function figuresInWords(name: string, f: TrainFigures): string {
  const others = f.negatives + f.competitors + f.background;
  const right = (share: number, n: number) => Math.round(share * n);
  const against = [
    f.negatives ? plural(f.negatives, '"not this" photo') : 'no "not this" photos',
    f.background ? plural(f.background, 'built-in background photo') : '',
    f.competitors ? `${plural(f.competitors, 'competing ImageNet class', 'competing ImageNet classes')} as stand-ins for other things` : '',
  ]
    .filter(Boolean)
    .join(', ')
    .replace(/, (?=[^,]*$)/, ' and ');
  return (
    `${name}: trained on ${plural(f.positives, 'photo')} of it against ${against}, in ${Math.max(1, Math.round(f.ms))} ms (${f.iterations} steps). ` +
    `${right(f.positivesRight, f.positives)} of ${f.positives} photos of it are scored present` +
    (others ? `, ${right(f.negativesRight, others)} of ${others} others absent` : '') +
    `; mean logistic loss ${f.loss.toFixed(3)}` +
    (f.threshold ? `; the decision was moved to logit ${f.threshold.toFixed(2)}, where cross-validation on your photos puts it.` : '.')
  );
}
