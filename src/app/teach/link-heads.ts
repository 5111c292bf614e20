// Taught classes between the page's view and a share link. Pure. The link lists only the taught
// classes it shows, so its class indices for them are renumbered: numClasses + k is the k-th
// taught class of the link, whatever index the sender or the receiver gives it.
import type { LinkHead } from './head-link';
import type { TaughtClass } from './teach-state';

/** Sender: the taught classes among `shown`, and `shown` renumbered to the link's order. */
export function linkedHeads(shown: readonly number[], numClasses: number, heads: readonly TaughtClass[]): { shown: number[]; heads: LinkHead[] } {
  const linked: LinkHead[] = [];
  const out = shown.flatMap((c) => {
    if (c < numClasses) return [c];
    const h = heads[c - numClasses];
    if (!h) return [];
    linked.push({ name: h.name, weights: h.weights, bias: h.bias });
    return [numClasses + linked.length - 1];
  });
  return { shown: out, heads: linked };
}

/**
 * Receiver: `shown` with the link's taught indices turned into this page's (`local[k]` for the
 * link's k-th class; null for one that was refused, whose class is left out).
 */
export function localShown(shown: readonly number[], numClasses: number, local: readonly (number | null)[]): number[] {
  return shown.flatMap((c) => {
    if (c < numClasses) return [c];
    const l = local[c - numClasses];
    return l === undefined || l === null ? [] : [l];
  });
}
