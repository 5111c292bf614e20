// The view in the URL's hash, so a view can be shared and Back/Forward step through view changes.
// Pure: encode and decode with every malformed or outdated field reported in words and skipped,
// never thrown, so a hand-edited or old link still opens what it can.
import type { Box, BoxRule } from '../localize/boxes';
import type { ColorScale } from '../draw/composite';
import { BACKENDS, type BackendChoice } from './worker/protocol';
import { decodeHead, encodeHead, type LinkHead } from './teach/head-link';

/** Bumped when a field changes meaning; older links are read field by field. */
export const URL_STATE_VERSION = 1;

export interface SharedView {
  model: string;
  backend: BackendChoice;
  /** A sample photo's file name, or 'own' for a photo of the user's own (which a link cannot carry). */
  photo: string | null;
  shown: number[];
  rule: BoxRule;
  threshold: number;
  opacity: number;
  scale: ColorScale;
  rawGrid: boolean;
  compare: boolean;
  gt: Box[];
  /**
   * (teach) Taught classes the link carries, float16 (head-link.ts). In `shown`, numClasses + k is
   * the k-th of these, whatever index the sender's page gave it; a refused one is null (its class
   * is left out of `shown`, the others keep their places).
   */
  heads?: (LinkHead | null)[];
  /** (teach) One box per separate region. */
  instances?: boolean;
}

const num = (v: number) => String(Number(v.toFixed(4)));

/**
 * A link carries at most this many classes and ground-truth boxes: more made an unreadable link
 * and, before the renderer was made sub-quadratic, froze the page that opened it; a person
 * sharing a view points at a few classes and boxes, not a dataset.
 */
export const LINK_LIMITS = { classes: 100, boxes: 500 } as const;

/**
 * The fields a link may have; anything else is named once as unknown. 'inst' and 'head' are the
 * teach work's (instances, taught classes), listed here so that its links are not called strange.
 */
export const LINK_FIELDS = ['v', 'model', 'backend', 'photo', 'classes', 'rule', 't', 'opacity', 'scale', 'raw', 'compare', 'gt', 'inst', 'head'];

/** What encodeView leaves out of a view because of LINK_LIMITS, in words (null: nothing). */
export function linkOmissions(v: Pick<SharedView, 'shown' | 'gt'>): string | null {
  const parts = [
    v.shown.length > LINK_LIMITS.classes ? `the first ${LINK_LIMITS.classes} of ${v.shown.length} shown classes` : '',
    v.gt.length > LINK_LIMITS.boxes ? `the first ${LINK_LIMITS.boxes} of ${v.gt.length} ground-truth boxes` : '',
  ].filter(Boolean);
  return parts.length ? `The link carries only ${parts.join(' and ')}.` : null;
}

export function encodeView(v: SharedView): string {
  const p = new URLSearchParams();
  p.set('v', String(URL_STATE_VERSION));
  p.set('model', v.model);
  if (v.backend !== 'auto') p.set('backend', v.backend);
  if (v.photo) p.set('photo', v.photo);
  if (v.shown.length) p.set('classes', v.shown.slice(0, LINK_LIMITS.classes).join(','));
  p.set('rule', v.rule);
  p.set('t', num(v.threshold));
  p.set('opacity', num(v.opacity));
  p.set('scale', v.scale);
  if (v.rawGrid) p.set('raw', '1');
  if (v.compare) p.set('compare', '1');
  if (v.gt.length)
    p.set(
      'gt',
      v.gt
        .slice(0, LINK_LIMITS.boxes)
        .map((b) => b.map(num).join(','))
        .join(';'),
    );
  if (v.instances) p.set('inst', '1');
  for (const h of v.heads ?? []) if (h) p.append('head', encodeHead(h));
  // Commas and semicolons stay readable: a link people can read and edit by hand.
  return `#${[...p].map(([k, val]) => `${k}=${encodeURIComponent(val).replace(/%2C/g, ',').replace(/%3B/g, ';')}`).join('&')}`;
}

export interface Decoded {
  view: Partial<SharedView>;
  /** What could not be read, in words, for the page to say. */
  problems: string[];
}

/**
 * Reads a hash made by encodeView. `known` lists what the receiving page offers, so a link naming
 * a model or sample it does not have is reported rather than obeyed.
 */
export function decodeView(hash: string, known: { models: readonly string[]; samples: readonly string[] }): Decoded {
  const raw = hash.replace(/^#/, '');
  if (!raw) return { view: {}, problems: [] };
  const p = new URLSearchParams(raw);
  const view: Partial<SharedView> = {};
  const problems: string[] = [];
  const bad = (field: string, value: string, why: string) => problems.push(`"${field}=${value.slice(0, 40)}" in the link was ignored: ${why}`);
  const keys = [...new Set(p.keys())];
  const unknown = keys.filter((k) => !LINK_FIELDS.includes(k));
  // Nothing this page would write: random bytes or another site's hash, not an outdated link.
  if (!keys.some((k) => LINK_FIELDS.includes(k) && k !== 'v')) {
    return { view: {}, problems: ['this is not a DRN Lens link (it has none of the fields a DRN Lens link has); nothing was read from it'] };
  }
  const version = p.get('v');
  if (version !== String(URL_STATE_VERSION)) {
    problems.push(
      version === null
        ? 'the link has no version (v=); its fields were read as far as they make sense'
        : /^\d{1,4}$/.test(version)
          ? `the link was made by another version of DRN Lens (v=${version}, this is v=${URL_STATE_VERSION}); its fields were read as far as they make sense`
          : `the link's version "v=${version.slice(0, 10)}" is not one DRN Lens writes (this is v=${URL_STATE_VERSION}); its fields were read as far as they make sense`,
    );
  }
  if (unknown.length) {
    const names = unknown.slice(0, 5).map((k) => `"${k.slice(0, 20)}"`);
    problems.push(
      `the link has field${unknown.length === 1 ? '' : 's'} DRN Lens does not know (${names.join(', ')}${unknown.length > 5 ? `, and ${unknown.length - 5} more` : ''}); ignored`,
    );
  }
  const known01 = (field: 'raw' | 'compare' | 'inst', key: 'rawGrid' | 'compare' | 'instances') => {
    const s = p.get(field);
    if (s === null) return;
    if (s === '1' || s === '0') view[key] = s === '1';
    else bad(field, s, 'expected 0 or 1');
  };
  const number = (field: string, lo: number, hi: number): number | undefined => {
    const s = p.get(field);
    if (s === null) return undefined;
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) {
      bad(field, s, `expected a number from ${lo} to ${hi}`);
      return undefined;
    }
    return n;
  };
  const model = p.get('model');
  if (model !== null) {
    if (known.models.includes(model)) view.model = model;
    else bad('model', model, `this page has no such model (it has ${known.models.join(', ')})`);
  }
  const backend = p.get('backend');
  if (backend !== null) {
    if (backend === 'auto' || (BACKENDS as readonly string[]).includes(backend)) view.backend = backend as BackendChoice;
    else bad('backend', backend, `expected one of auto, ${BACKENDS.join(', ')}`);
  }
  const photo = p.get('photo');
  if (photo !== null) {
    if (photo === 'own' || known.samples.includes(photo)) view.photo = photo;
    else bad('photo', photo, `no such sample photo (there are ${known.samples.join(', ')})`);
  }
  const classes = p.get('classes');
  if (classes !== null) {
    const list = classes.split(',').filter(Boolean);
    const ok = list.filter((c) => /^\d{1,5}$/.test(c)).map(Number);
    if (ok.length !== list.length) bad('classes', classes, 'expected class indices separated by commas');
    const unique = [...new Set(ok)];
    if (unique.length > LINK_LIMITS.classes)
      problems.push(
        `the link shows ${unique.length} classes; only the first ${LINK_LIMITS.classes} were shown (a link carries at most ${LINK_LIMITS.classes})`,
      );
    view.shown = unique.slice(0, LINK_LIMITS.classes);
  }
  const rule = p.get('rule');
  if (rule !== null) {
    if (rule === 'cam' || rule === 'drn') view.rule = rule;
    else bad('rule', rule, 'expected cam or drn');
  }
  const t = number('t', 0, 1e6);
  if (t !== undefined) view.threshold = t;
  const opacity = number('opacity', 0, 1);
  if (opacity !== undefined) view.opacity = opacity;
  const scale = p.get('scale');
  if (scale !== null) {
    if (scale === 'class' || scale === 'shared') view.scale = scale;
    else bad('scale', scale, 'expected class or shared');
  }
  known01('raw', 'rawGrid');
  known01('compare', 'compare');
  known01('inst', 'instances');
  const gt = p.get('gt');
  if (gt !== null) {
    const boxes = gt
      .split(';')
      .filter(Boolean)
      .map((b) => b.split(',').map(Number));
    if (boxes.every((b) => b.length === 4 && b.every(Number.isFinite) && b[2] > b[0] && b[3] > b[1])) {
      view.gt = boxes.slice(0, LINK_LIMITS.boxes) as Box[];
      if (boxes.length > LINK_LIMITS.boxes)
        problems.push(
          `the link has ${boxes.length} ground-truth boxes; only the first ${LINK_LIMITS.boxes} were kept (a link carries at most ${LINK_LIMITS.boxes}; load more from a file)`,
        );
    } else bad('gt', gt, 'expected boxes x0,y0,x1,y1 separated by ";" with x1 > x0 and y1 > y0');
  }
  // (teach) A refused taught class is named with its problem; the rest of the view still opens.
  const heads = p.getAll('head');
  if (heads.length) {
    view.heads = [];
    for (const value of heads) {
      try {
        view.heads.push(decodeHead(value));
      } catch (e) {
        const name = value.includes('~') ? value.slice(0, value.lastIndexOf('~')).slice(0, 40) : value.slice(0, 20);
        problems.push(`the taught class "${name}" in the link was refused: ${(e as Error).message}`);
        view.heads.push(null);
      }
    }
  }
  return { view, problems };
}
