import { describe, expect, it } from 'vitest';
import { decodeView, encodeView, LINK_LIMITS, linkOmissions, type SharedView } from './url-state';

const known = { models: ['drn-a-50-imagenet', 'resnet-50-imagenet'], samples: ['chelsea.png', 'coffee.jpg'] };
const view: SharedView = {
  model: 'resnet-50-imagenet',
  backend: 'wasm',
  photo: 'chelsea.png',
  shown: [285, 281, 9],
  rule: 'drn',
  threshold: 2.5,
  opacity: 0.45,
  scale: 'shared',
  rawGrid: true,
  compare: true,
  gt: [
    [10, 20.5, 300, 200],
    [1, 2, 3, 4],
  ],
};

describe('URL state', () => {
  it('round-trips every field', () => {
    const d = decodeView(encodeView(view), known);
    expect(d.problems).toEqual([]);
    expect(d.view).toEqual(view);
  });

  it('round-trips a minimal view (own photo, automatic backend, nothing shown)', () => {
    const v: SharedView = { ...view, backend: 'auto', photo: 'own', shown: [], gt: [], rawGrid: false, compare: false };
    expect(decodeView(encodeView(v), known).view).toEqual({
      ...v,
      backend: undefined,
      shown: undefined,
      gt: undefined,
      rawGrid: undefined,
      compare: undefined,
    });
  });

  it('reads what it can of a malformed or hand-edited hash and says what it skipped', () => {
    const d = decodeView(
      '#v=1&model=vgg&backend=tpu&photo=../../etc/passwd&classes=1,x,2&rule=max&t=-3&opacity=2&scale=loud&raw=yes&gt=1,2,3',
      known,
    );
    expect(d.view).toEqual({ shown: [1, 2] });
    expect(d.problems).toHaveLength(10);
    expect(d.problems.join('\n')).toMatch(/model=vgg.*no such model/);
    expect(d.problems.join('\n')).toMatch(/gt=1,2,3/);
  });

  it('reads a link from another version field by field, and says so', () => {
    const d = decodeView('#v=0&rule=cam&t=0.3', known);
    expect(d.view).toEqual({ rule: 'cam', threshold: 0.3 });
    expect(d.problems[0]).toMatch(/another version of DRN Lens \(v=0/);
    expect(decodeView('#rule=cam', known).problems[0]).toMatch(/no version/);
    expect(decodeView('', known)).toEqual({ view: {}, problems: [] });
    expect(decodeView('#%%%&&&==', known).view).toEqual({});
  });
});

describe('URL state: limits and strangers', () => {
  it('keeps at most LINK_LIMITS classes and boxes from a link, and says so', () => {
    const all = Array.from({ length: 1000 }, (_, i) => i).join(',');
    const boxes = Array.from({ length: 1000 }, (_, i) => `${i},0,${i + 5},5`).join(';');
    const d = decodeView(`#v=1&classes=${all}&gt=${boxes}`, known);
    expect(d.view.shown).toHaveLength(LINK_LIMITS.classes);
    expect(d.view.gt).toHaveLength(LINK_LIMITS.boxes);
    expect(d.problems.join('\n')).toMatch(/1000 classes; only the first 100/);
    expect(d.problems.join('\n')).toMatch(/1000 ground-truth boxes; only the first 500/);
  });

  it('writes at most LINK_LIMITS classes and boxes, and names what it left out', () => {
    const big = {
      ...view,
      shown: Array.from({ length: 300 }, (_, i) => i),
      gt: Array.from({ length: 600 }, (): [number, number, number, number] => [0, 0, 1, 1]),
    };
    const d = decodeView(encodeView(big), known);
    expect(d.view.shown).toHaveLength(LINK_LIMITS.classes);
    expect(d.view.gt).toHaveLength(LINK_LIMITS.boxes);
    expect(linkOmissions(big)).toBe('The link carries only the first 100 of 300 shown classes and the first 500 of 600 ground-truth boxes.');
    expect(linkOmissions(view)).toBeNull();
  });

  it('names unknown fields once, and says random bytes are not a DRN Lens link', () => {
    const d = decodeView('#v=1&model=resnet-50-imagenet&zoom=2&foo=1&foo=2', known);
    expect(d.view).toEqual({ model: 'resnet-50-imagenet' });
    expect(d.problems).toEqual(['the link has fields DRN Lens does not know ("zoom", "foo"); ignored']);
    const junk = decodeView(`#${'\u0007=\u00ff&v=&%E2%82'}`, known);
    expect(junk.view).toEqual({});
    expect(junk.problems).toEqual([expect.stringMatching(/not a DRN Lens link/)]);
    expect(decodeView('#v=x&t=0.3', known).problems[0]).toMatch(/"v=x" is not one DRN Lens writes/);
  });
});

describe('URL state: taught classes (teach)', () => {
  const head = (name: string, seed: number) => ({ name, weights: Float32Array.from({ length: 8 }, (_, i) => Math.sin(seed + i) / 4), bias: 0.5 });

  it('carries taught classes beside the other fields', () => {
    const d = decodeView(encodeView({ ...view, shown: [285, 1000, 1001], heads: [head('my mug', 1), head('my dog', 2)] }), known);
    expect(d.problems).toEqual([]);
    expect(d.view.shown).toEqual([285, 1000, 1001]);
    expect(d.view.heads?.map((h) => h?.name)).toEqual(['my mug', 'my dog']);
    expect(d.view.heads?.[1]?.weights[0]).toBeCloseTo(Math.sin(2) / 4, 3);
  });

  it('refuses a hand-edited taught class by name, keeping its place and every other field', () => {
    const hash = encodeView({ ...view, heads: [head('my mug', 1), head('my dog', 2)] });
    const edited = hash.replace(/(head=my%20mug~.{10})(.)/, (_, a: string, c: string) => a + (c === 'Q' ? 'R' : 'Q'));
    expect(edited).not.toBe(hash);
    const d = decodeView(edited, known);
    expect(d.problems).toEqual([expect.stringMatching(/^the taught class "my mug" in the link was refused: .*checksum/)]);
    expect(d.view.heads?.map((h) => h?.name ?? null)).toEqual([null, 'my dog']);
    const { heads: _, ...rest } = d.view;
    expect(rest).toEqual(view);
  });
});

describe('URL state: one box per region (teach)', () => {
  it('carries the switch, and refuses a value other than 0 or 1 by name', () => {
    expect(decodeView(encodeView({ ...view, instances: true }), known).view.instances).toBe(true);
    expect(encodeView(view)).not.toContain('inst=');
    const d = decodeView(`${encodeView(view)}&inst=yes`, known);
    expect(d.problems).toEqual([expect.stringContaining('"inst=yes"')]);
  });
});
