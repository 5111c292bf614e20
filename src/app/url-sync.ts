// Keeps the URL's hash and the page's view in step: each view change becomes a history entry
// (slider drags fold into one), and Back/Forward or a pasted link bring a view back.
import type { Decoded, SharedView } from './url-state';
import { decodeView, encodeView } from './url-state';
import { SAMPLE_FILES } from './samples';
import type { State, View } from './state';
import { linkedHeads } from './teach/link-heads';

export function sharedViewOf(s: State): SharedView {
  const v = s.view;
  // (teach) The shown taught classes travel in the link itself.
  const load = s.loads[s.modelKey];
  const linked =
    load?.status === 'ready' && s.teach.modelKey === s.modelKey && s.teach.heads.length
      ? linkedHeads(v.shown, load.info.numClasses, s.teach.heads)
      : { shown: v.shown, heads: [] };
  return {
    model: s.modelKey,
    backend: s.backendChoice,
    photo: s.photo ? (s.photo.sample ?? 'own') : null,
    shown: linked.shown,
    ...(linked.heads.length ? { heads: linked.heads } : {}),
    ...(v.instances ? { instances: true } : {}),
    rule: v.rule,
    threshold: v.thresholds[v.rule],
    opacity: v.opacity,
    scale: v.scale,
    rawGrid: v.rawGrid,
    compare: v.compare,
    gt: v.gt,
  };
}

/** The view fields of a decoded link, as the reducer's View. */
export function viewOf(d: Partial<SharedView>, current: View): Partial<View> {
  const out: Partial<View> = {};
  if (d.shown) out.shown = d.shown;
  if (d.rule) out.rule = d.rule;
  if (d.threshold !== undefined) out.thresholds = { ...current.thresholds, [d.rule ?? current.rule]: d.threshold };
  if (d.opacity !== undefined) out.opacity = d.opacity;
  if (d.scale) out.scale = d.scale;
  if (d.rawGrid !== undefined) out.rawGrid = d.rawGrid;
  if (d.compare !== undefined) out.compare = d.compare;
  if (d.gt) out.gt = d.gt;
  if (d.instances !== undefined) out.instances = d.instances;
  return out;
}

export function readHash(hash: string, models: readonly string[]): Decoded {
  return decodeView(hash, { models, samples: SAMPLE_FILES });
}

/**
 * Writes the page's view into the URL in place, without a history entry (after a link's fields
 * were refused). `pending`: a view waiting for the user's own photo, written as that view.
 */
export function rewriteHash(s: State, pending?: Partial<View>): void {
  const shared = sharedViewOf(pending ? { ...s, view: { ...s.view, ...pending } } : s);
  if (pending) shared.photo = 'own';
  const hash = encodeView(shared);
  if (hash !== location.hash) history.replaceState(null, '', hash);
}

/** Fields whose changes come in streams (slider drags): they replace the entry instead of adding one. */
const STREAMED = new Set(['t', 'opacity']);

function changedKeys(a: string, b: string): string[] {
  const pa = new URLSearchParams(a.replace(/^#/, '')),
    pb = new URLSearchParams(b.replace(/^#/, ''));
  const keys = new Set([...pa.keys(), ...pb.keys()]);
  return [...keys].filter((k) => pa.get(k) !== pb.get(k));
}

/**
 * Writes the hash after every state change. Returns the unsubscribe function. `onNavigate` gets the
 * decoded hash when the user goes Back/Forward (or edits the hash).
 */
export function syncUrl(subscribe: (l: () => void) => () => void, get: () => State, onNavigate: (d: Decoded) => void): () => void {
  let lastWrite = 0;
  const write = () => {
    const s = get();
    if (s.backendBusy && !s.photo) return;
    const hash = encodeView(sharedViewOf(s));
    if (hash === location.hash) return;
    const now = performance.now();
    const streamed = location.hash !== '' && changedKeys(hash, location.hash).every((k) => STREAMED.has(k)) && now - lastWrite < 800;
    if (streamed || location.hash === '' || s.photo?.fromCamera) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
    lastWrite = now;
  };
  // Written after the frame that shows the change, once for a burst of changes: a history entry
  // cost a few ms of a class switch's frame in the page benchmark, and the URL can wait for it.
  let pending = false;
  const afterFrame = () => {
    pending = false;
    write();
  };
  const unsubscribe = subscribe(() => {
    if (pending) return;
    pending = true;
    // A hidden page draws no frames; its URL still follows.
    if (document.visibilityState === 'hidden') setTimeout(afterFrame, 0);
    else requestAnimationFrame(() => setTimeout(afterFrame, 0));
  });
  const pop = () =>
    onNavigate(
      readHash(
        location.hash,
        get().models.map((m) => m.key),
      ),
    );
  window.addEventListener('popstate', pop);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', pop);
  };
}
