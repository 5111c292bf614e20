import { describe, expect, it } from 'vitest';
import { DRN_KEY, classNames, initialState, reducer } from './state';
import type { ModelInfo } from './worker/protocol';

const info: ModelInfo = {
  key: DRN_KEY,
  title: 'DRN-A-50',
  numClasses: 2,
  classes: ['a', 'b'],
  bytes: 10,
  cachedBytes: 10,
  ms: 900,
  bytesMs: 500,
  sha256Ms: 100,
  tensorsMs: 400,
  warmUpMs: 0,
};

describe('loading, then warming up', () => {
  it('is ready (classes known) while it warms up, and records the warm-up when done', () => {
    let s = reducer(initialState(), { type: 'loadDone', info });
    s = reducer(s, { type: 'warmStart', key: DRN_KEY, message: 'preparing DRN-A-50 on wasm' });
    expect(s.loads[DRN_KEY]).toEqual({ status: 'ready', info, preparing: 'preparing DRN-A-50 on wasm' });
    expect(classNames(s)).toEqual(['a', 'b']);
    s = reducer(s, { type: 'warmDone', key: DRN_KEY, ms: 700 });
    expect(s.loads[DRN_KEY]).toEqual({ status: 'ready', info: { ...info, warmUpMs: 700 } });
  });

  it('ignores a warm-up of a model that is not loaded (its weights were dropped meanwhile)', () => {
    const s = initialState();
    expect(reducer(s, { type: 'warmStart', key: DRN_KEY, message: 'x' })).toBe(s);
    expect(reducer(s, { type: 'warmDone', key: DRN_KEY, ms: 1 })).toBe(s);
  });
});

describe('notices', () => {
  it('are pure: the id comes in the action, so the same action on the same state gives the same state', () => {
    const s = initialState();
    const a = reducer(s, { type: 'notice', id: 7, kind: 'error', text: 'x' });
    expect(reducer(s, { type: 'notice', id: 7, kind: 'error', text: 'x' })).toEqual(a);
    expect(a.notices).toEqual([{ id: 7, kind: 'error', text: 'x' }]);
    // The same message twice in a row is said once.
    expect(reducer(a, { type: 'notice', id: 8, kind: 'error', text: 'x' })).toBe(a);
    expect(reducer(a, { type: 'dismiss', id: 7 }).notices).toEqual([]);
  });
});

describe('class names', () => {
  const head = (id: string, name: string) => ({
    id,
    modelKey: DRN_KEY,
    name,
    weights: new Float32Array(2),
    bias: 0,
    inputSize: 224,
    examples: { positives: 1, negatives: 0 },
    createdAt: id,
  });

  it('are the same array across a retrained class (a new head of the same name), a new one for a new name', () => {
    let s = reducer(initialState(), { type: 'loadDone', info });
    s = reducer(s, { type: 'teach', action: { type: 'headsLoaded', modelKey: DRN_KEY, heads: [head('1', 'mug')] } });
    const names = classNames(s);
    expect(names).toEqual(['a', 'b', 'mug']);
    s = reducer(s, { type: 'teach', action: { type: 'headSaved', head: head('1', 'mug') } });
    expect(classNames(s)).toBe(names);
    s = reducer(s, { type: 'teach', action: { type: 'headSaved', head: head('2', 'cup') } });
    expect(classNames(s)).toEqual(['a', 'b', 'mug', 'cup']);
    s = reducer(s, { type: 'teach', action: { type: 'headRemoved', id: '2' } });
    expect(classNames(s)).toEqual(['a', 'b', 'mug']);
    expect(classNames(s)).toBe(classNames(s));
  });
});
