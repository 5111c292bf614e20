// The page's first minute as User Timing marks (lens:*), at times counted from the navigation:
// `npm run bench` reads them to split the time to the first maps into its phases, and a browser's
// performance panel shows them beside everything else. Teaching marks the way from a trained head
// to its map on the current photo, for the same reasons.
import type { ModelInfo } from './worker/protocol';

export interface TimelineDetail {
  /** The backend started (the worker's `init` answered), with its name. */
  'backend-ready': { backend: string };
  /** The load request sent for a model. */
  'load-start': { key: string };
  /** The weights are in: the model can take a photo. The worker's split of the load. */
  ready: Pick<ModelInfo, 'key' | 'bytes' | 'cachedBytes' | 'ms' | 'bytesMs' | 'sha256Ms' | 'tensorsMs'>;
  'warm-up-start': { key: string };
  'warm-up-done': { key: string; ms: number };
  /** A photo's run sent to the worker (it may wait there behind a warm-up). */
  'infer-start': { key: string };
  /** A photo's maps in the state, marked at the next frame (when they are drawn); `ms` is the worker's run alone. */
  maps: { key: string; ms: number };
  /** Train pressed with every example read: the training set is made and sent to the worker. */
  'train-start': { key: string; positives: number; negatives: number };
  /** Taught classes on the page (trained, imported or from a link), not yet in the worker. */
  'head-ready': { key: string; heads: number };
  /**
   * Their maps on the current photo in the state, marked at the next frame (drawn). `workerMs`:
   * the worker's setHeads and maps calls, sent together, to the maps' answer (round trip);
   * `renderMs`: from that answer to React's render and the viewer's drawing done.
   */
  'taught-maps': { key: string; classes: number; workerMs: number; renderMs: number };
}

export type TimelineMark = keyof TimelineDetail;

export const MARK_PREFIX = 'lens:';

export function mark<K extends TimelineMark>(name: K, detail: TimelineDetail[K]): void {
  performance.mark(`${MARK_PREFIX}${name}`, { detail });
}

/**
 * Marks at the next frame: a state dispatched now is drawn by then (the store's listeners make
 * React commit it in a microtask). Nothing where there are no frames (Node tests, a worker).
 */
export function markAtNextFrame<K extends TimelineMark>(name: K, detail: TimelineDetail[K]): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => mark(name, detail));
}
