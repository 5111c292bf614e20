import { describe, expect, it } from 'vitest';
import { modelInfo } from '../orchestration/fake-client.testkit';
import type { Inference } from '../../models/class-maps';
import { DRN_KEY, initialState, reducer, type Action, type State } from '../state';
import type { CallName, Calls, ModelInfo } from '../worker/protocol';
import { labelObjects } from './label-objects';
import { LabelRun } from './label-run';
import { labelHandled, labelReducer } from './label-state';

const info: ModelInfo = {
  ...modelInfo(DRN_KEY),
  title: 'DRN-A-50',
  numClasses: 3,
  classes: ['tabby, tabby cat', 'b', 'c'],
  bytes: 1,
  cachedBytes: 1,
};

/** A 2x2 map: class 0 lights the left column, taught class 3 the right one. */
function inference(catOnTop: boolean, mugPresent: boolean): Inference {
  return {
    top: catOnTop ? [{ index: 0, name: 'tabby', logit: 3, probability: 0.9 }] : [{ index: 1, name: 'b', logit: 3, probability: 0.9 }],
    maps: { width: 2, height: 2, cellSize: 8, classes: [0, 3], data: Float32Array.from([5, 0, 5, 0, 0, 4, 0, 4]), winner: new Int32Array(0) },
    taught: [{ index: 3, name: 'mug', logit: mugPresent ? 1 : -1, probability: mugPresent ? 0.73 : 0.27, present: mugPresent }],
    logits: new Float32Array(3),
    transform: { inputSize: 16, imageWidth: 16, imageHeight: 16, scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 } as Inference['transform'],
    backend: 'cpu',
    ms: 1,
  };
}

describe('which boxes an image gets', () => {
  it('a taught class where present, an ImageNet class where among the top ones', () => {
    const wanted = new Map([
      [0, 'tabby'],
      [3, 'mug'],
    ]);
    const rule = { rule: 'cam' as const, threshold: 0.5 };
    expect(labelObjects(inference(true, true), wanted, rule, false).map((o) => [o.label, o.score])).toEqual([
      ['tabby', 0.9],
      ['mug', 0.73],
    ]);
    expect(labelObjects(inference(false, false), wanted, rule, false)).toEqual([]);
  });
});

describe('labelling a folder', () => {
  function setUp() {
    let state: State = reducer(initialState(), { type: 'loadDone', info });
    state = reducer(state, { type: 'teach', action: { type: 'headsLoaded', modelKey: DRN_KEY, heads: [] } });
    state = reducer(state, {
      type: 'teach',
      action: {
        type: 'headSaved',
        head: {
          id: 'm',
          modelKey: DRN_KEY,
          name: 'mug',
          weights: new Float32Array(2),
          bias: 0,
          inputSize: 224,
          examples: { positives: 1, negatives: 0 },
          createdAt: '',
        },
      },
    });
    state = reducer(state, { type: 'applyView', view: { shown: [0] } });
    const asked: number[][] = [];
    let n = 0;
    let gate: Promise<void> = Promise.resolve();
    const client = {
      async call<K extends CallName>(call: K, args: Calls[K]['args']): Promise<Calls[K]['result']> {
        if (call !== 'infer') throw new Error(call);
        await gate;
        asked.push((args as Calls['infer']['args']).extraClasses);
        return inference(true, n++ % 2 === 0) as Calls[K]['result'];
      },
    };
    let notices = 0;
    const run = new LabelRun({
      client,
      dispatch: (a: Action) => (state = reducer(state, a)),
      state: () => state,
      say: (kind, text) => (state = reducer(state, { type: 'notice', id: ++notices, kind, text })),
      decode: async (file, name) => {
        if (name.endsWith('.txt')) throw new Error(`${name} is not an image: text.`);
        return { image: { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4) }, width: 32, height: 32 };
      },
    });
    return { run, get: () => state, asked, hold: (p: Promise<void>) => (gate = p) };
  }
  const file = (path: string) => ({ path, file: new Blob([]) });

  it('labels every image with the shown and taught classes, lists a bad one and goes on', async () => {
    const t = setUp();
    expect([...t.run.classes().values()]).toEqual(['tabby', 'mug']);
    await t.run.start([file('a/1.png'), file('a/notes.txt'), file('a/.DS_Store'), file('a/2.png')]);
    const s = t.get().label!;
    expect(s.status).toBe('done');
    expect(s.total).toBe(3);
    expect(labelHandled(s)).toBe(3);
    expect(s.problems).toEqual([{ path: 'a/notes.txt', problem: 'a/notes.txt is not an image: text.' }]);
    expect(s.images.map((im) => [im.file, im.width, im.objects.map((o) => o.label)])).toEqual([
      ['a/1.png', 32, ['tabby', 'mug']],
      ['a/2.png', 32, ['tabby']],
    ]);
    // Boxes in the file's own pixels: the 16-pixel copy's map is scaled to the 32-pixel original.
    expect(s.images[0].objects[0].box[3]).toBeGreaterThan(16);
    expect(t.asked[0]).toEqual([0, 3]);
  });

  it('pauses, resumes and cancels between images', async () => {
    const t = setUp();
    let release!: () => void;
    t.hold(new Promise((r) => (release = r)));
    const done = t.run.start([file('1.png'), file('2.png'), file('3.png')]);
    t.run.pause();
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(t.get().label!.status).toBe('paused');
    expect(labelHandled(t.get().label!)).toBe(1);
    t.run.cancel();
    await done;
    expect(t.get().label!.status).toBe('cancelled');
    expect(labelHandled(t.get().label!)).toBe(1);
  });

  it('refuses to start with nothing to label, in words', async () => {
    const t = setUp();
    t.get().view.shown = [];
    const bare = reducer(t.get(), { type: 'teach', action: { type: 'headRemoved', id: 'm' } });
    const run = new LabelRun({
      client: { call: async () => Promise.reject(new Error('no')) },
      dispatch: () => {},
      state: () => bare,
      say: () => {},
      decode: async () => Promise.reject(new Error('no')),
    });
    expect(run.classes().size).toBe(0);
    expect(labelReducer(null, { type: 'status', status: 'done' })).toBeNull();
  });
});
