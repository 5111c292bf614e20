import { describe, expect, it } from 'vitest';
import type { FaithfulnessCurves } from '../localize/faithfulness';
import { initialState, reducer, type Photo, type State } from './state';

const curves = (classIndex: number): FaithfulnessCurves => ({
  classIndex,
  fractions: [0, 0.5, 1],
  deletion: [0.9, 0.2, 0.1],
  insertion: [0.1, 0.6, 0.9],
  deletionAuc: 0.35,
  insertionAuc: 0.55,
  blurSigma: 10,
  passes: 3,
  ms: 5,
});
const photo = (id: number) => ({ id, name: `p${id}` }) as unknown as Photo;

describe('faithfulness state', () => {
  const start = (s: State) => reducer(s, { type: 'faithStart', modelKey: s.modelKey, photoId: 1, classIndex: 281, steps: 16 });

  it('counts 2N - 1 passes, follows progress and keeps the result of the class it waited for', () => {
    let s = start(reducer(initialState(), { type: 'photo', photo: photo(1) }));
    expect(s.faith).toMatchObject({ classIndex: 281, done: 0, total: 31, result: null });
    s = reducer(s, { type: 'faithProgress', done: 5, total: 31 });
    expect(s.faith?.done).toBe(5);
    expect(reducer(s, { type: 'faithDone', result: curves(7) }).faith?.result).toBeNull();
    s = reducer(s, { type: 'faithDone', result: curves(281) });
    expect(s.faith).toMatchObject({ done: 31, result: { deletionAuc: 0.35 } });
    // A late progress message or a failure report cannot undo a finished result.
    expect(reducer(s, { type: 'faithProgress', done: 2, total: 31 }).faith?.done).toBe(31);
    expect(reducer(s, { type: 'faithEnd' }).faith?.result).not.toBeNull();
  });

  it('drops a cancelled run, and any curves when the photo or the model changes', () => {
    const s = start(reducer(initialState(), { type: 'photo', photo: photo(1) }));
    expect(reducer(s, { type: 'faithEnd' }).faith).toBeNull();
    const done = reducer(s, { type: 'faithDone', result: curves(281) });
    expect(reducer(done, { type: 'photo', photo: photo(2) }).faith).toBeNull();
    expect(reducer(done, { type: 'selectModel', key: 'resnet-50-imagenet' }).faith).toBeNull();
    expect(reducer(done, { type: 'selectModel', key: done.modelKey }).faith).not.toBeNull();
  });
});
