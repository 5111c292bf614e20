import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { modelInfo } from '../orchestration/fake-client.testkit';
import type { RGBAImage } from '../../image/geometry';
import { DRN_KEY, classNames, initialState, reducer, type Action, type State } from '../state';
import { MARK_PREFIX } from '../timeline';
import type { Calls, CallName, ModelInfo } from '../worker/protocol';
import type { HeadStore } from './head-store';
import { TeachRun, type TeachClient, type TeachDeps } from './teach-run';
import type { TaughtClass } from './teach-state';

const F = 4;
const backbone = { model: DRN_KEY, architecture: 'drn_a_50', weightsSha256: 'a'.repeat(64) };
const info: ModelInfo = {
  ...modelInfo(DRN_KEY),
  title: 'DRN-A-50',
  numClasses: 3,
  classes: ['a', 'b', 'c'],
  backbone,
  features: F,
  bytes: 1,
  cachedBytes: 1,
};
const image = (v: number): RGBAImage => ({ width: 1, height: 1, data: new Uint8Array([v, v, v, 255]) });

/** A worker that counts forward passes and serves maps of the heads it was given, as LensModel does. */
class FakeWorker implements TeachClient {
  calls: CallName[] = [];
  heads: Calls['setHeads']['args']['heads'] = [];
  fail = false;
  async call<K extends CallName>(call: K, args: Calls[K]['args']): Promise<Calls[K]['result']> {
    this.calls.push(call);
    if (call === 'embed') {
      const a = args as Calls['embed']['args'];
      if (this.fail) throw new Error('out of memory');
      return Float32Array.from({ length: F }, (_, i) => a.image.data[0] + i) as Calls[K]['result'];
    }
    if (call === 'setHeads') {
      this.heads = (args as Calls['setHeads']['args']).heads;
      return this.heads.length as Calls[K]['result'];
    }
    if (call === 'maps') {
      const classes = (args as Calls['maps']['args']).classes;
      const data = new Float32Array(classes.length * 4);
      classes.forEach((c, i) => data.fill(this.heads[c - 3]?.bias ?? 0, 4 * i, 4 * i + 4));
      return { classes, data } as Calls[K]['result'];
    }
    throw new Error(`unexpected call ${call}`);
  }
}

function memoryStore(): HeadStore & { saved: Map<string, TaughtClass> } {
  const saved = new Map<string, TaughtClass>();
  return {
    saved,
    list: async (key) => [...saved.values()].filter((h) => h.modelKey === key),
    save: async (h) => void saved.set(h.id, h),
    remove: async (id) => void saved.delete(id),
  };
}

function setUp(photo = true) {
  let state: State = reducer(initialState(), { type: 'loadDone', info });
  if (photo) {
    const p = { id: 7, name: 'p.png', bitmap: {} as ImageBitmap, pixels: {} as ImageData, width: 8, height: 8, note: null, sample: null };
    state = reducer(state, { type: 'photo', photo: p });
    const maps = { width: 2, height: 2, cellSize: 4, classes: [0], data: new Float32Array(4), winner: new Int32Array(0) };
    const inference = {
      top: [{ index: 0, name: 'a', logit: 1, probability: 1 }],
      maps,
      taught: [],
      logits: new Float32Array(3),
      transform: {} as never,
      backend: 'cpu',
      ms: 1,
    };
    state = reducer(state, { type: 'runDone', result: { modelKey: DRN_KEY, photoId: 7, inference, roundTripMs: 1 } });
  }
  const worker = new FakeWorker();
  const store = memoryStore();
  const trainedOn: number[][] = [];
  let id = 0;
  let reruns = 0;
  let notices = 0;
  /** Called after each action, as the page's store calls its listeners. */
  const listeners: ((a: Action) => void)[] = [];
  const deps: TeachDeps = {
    client: worker,
    dispatch: (a: Action) => {
      state = reducer(state, a);
      for (const l of listeners) l(a);
    },
    state: () => state,
    say: (kind, text) => (state = reducer(state, { type: 'notice', id: ++notices, kind, text })),
    store,
    decode: async (file, name) => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes[0] === 0) throw new Error(`${name} is not an image: empty file.`);
      return { image: image(bytes[0]), thumb: `data:${name}` };
    },
    thumbOf: async () => 'data:frame',
    train: async (pos, neg) => {
      trainedOn.push([pos.length, neg.length]);
      return { weights: new Float32Array(F).fill(pos.length), bias: pos.length - neg.length, words: `${pos.length} photos` };
    },
    newId: () => `id${++id}`,
    now: () => `2026-01-0${id}T00:00:00Z`,
    rerun: async () => void reruns++,
  };
  return {
    run: new TeachRun(deps),
    name: (name: string) => deps.dispatch({ type: 'teach', action: { type: 'name', name } }),
    worker,
    store,
    trainedOn,
    get: () => state,
    reruns: () => reruns,
    listeners,
  };
}

const file = (first: number, name: string) => new File([new Uint8Array([first, 1, 2])], name);

/** A page with the model loaded, the class named "mug" and one photo of it read. */
async function readyToTrain() {
  const t = setUp();
  await t.run.load(DRN_KEY);
  t.name('mug');
  await t.run.addFiles([file(10, 'a.png')], 'positive');
  return t;
}

describe('teaching a class in the page', () => {
  it('runs one forward pass per example and none when retraining after a removal', async () => {
    const t = setUp();
    await t.run.addFiles([file(10, 'a.png'), file(20, 'b.png'), file(0, 'notes.txt')], 'positive');
    await t.run.addFiles([file(30, 'c.png')], 'negative');
    expect(t.worker.calls.filter((c) => c === 'embed')).toHaveLength(3);
    const ex = t.get().teach.examples;
    expect(ex.map((e) => [e.name, e.kind, e.error === null])).toEqual([
      ['a.png', 'positive', true],
      ['b.png', 'positive', true],
      ['notes.txt', 'positive', false],
      ['c.png', 'negative', true],
    ]);
    expect(ex[2].error).toMatch(/not an image/);
    expect([...ex[1].features!]).toEqual([20, 21, 22, 23]);

    t.name('mug');
    await t.run.train();
    expect(t.trainedOn).toEqual([[2, 1]]);
    t.run.removeExample(ex[0].id);
    await t.run.train();
    expect(t.trainedOn).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(t.worker.calls.filter((c) => c === 'embed')).toHaveLength(3);
    // Retrained under the same name: replaced in place, one class.
    expect(t.get().teach.heads).toHaveLength(1);
    expect(t.get().teach.heads[0].bias).toBe(0);
    expect(t.get().teach.figures).toBe('1 photos');
  });

  it('makes the taught class a class like any other: named, kept, set in the worker, shown on the photo without a forward pass', async () => {
    const t = await readyToTrain();
    const inferBefore = t.worker.calls.filter((c) => c === 'infer').length;
    await t.run.train();
    const s = t.get();
    expect(classNames(s)).toEqual(['a', 'b', 'c', 'mug']);
    expect(t.worker.heads.map((h) => h.name)).toEqual(['mug']);
    expect([...t.store.saved.values()].map((h) => h.name)).toEqual(['mug']);
    expect(s.view.shown).toContain(3);
    expect(s.results[DRN_KEY].inference.maps.classes).toContain(3);
    expect(t.worker.calls.filter((c) => c === 'infer').length).toBe(inferBefore);
    // Retrained: its stale plane is replaced, not kept beside the new one.
    await t.run.addFiles([file(12, 'b.png')], 'positive');
    await t.run.train();
    const maps = t.get().results[DRN_KEY].inference.maps;
    expect(maps.classes.filter((c) => c === 3)).toHaveLength(1);
    expect(maps.data[maps.classes.indexOf(3) * 4]).toBe(2);
  });

  it('shows a taught class on the photo without waiting for browser storage, and says when storage fails', async () => {
    const t = setUp();
    await t.run.load(DRN_KEY);
    let keep: () => void = () => {};
    t.store.save = () => new Promise<void>((resolve) => (keep = resolve));
    t.name('mug');
    await t.run.addFiles([file(10, 'a.png')], 'positive');
    let trained = false;
    const training = t.run.train().then(() => (trained = true));
    await vi.waitFor(() => expect(t.get().results[DRN_KEY].inference.maps.classes).toContain(3));
    expect(t.get().view.shown).toContain(3);
    expect(trained).toBe(false);
    keep();
    await training;

    t.store.save = async () => {
      throw new Error('quota exceeded');
    };
    t.name('cup');
    await t.run.train();
    expect(t.get().notices.at(-1)?.text).toBe('cup works until a reload but could not be kept: quota exceeded');
    expect(t.worker.heads.map((h) => h.name)).toEqual(['mug', 'cup']);
  });

  it('shows a new class in the same task as its planes arrive, so the page renders and draws the photo once', async () => {
    const t = await readyToTrain();
    // What a render scheduled by the planes' arrival (React's, in a microtask) would see.
    const rendered: boolean[] = [];
    const dispatched: string[] = [];
    t.listeners.push((a) => {
      dispatched.push(a.type === 'teach' ? a.action.type : a.type);
      if (a.type === 'mapsAdded') queueMicrotask(() => rendered.push(t.get().view.shown.includes(3)));
    });
    // The class and its figures reach the state with its planes, not while the worker works (a
    // render then would hold up the worker's answer): the worker gets the head before the state.
    const call = t.worker.call.bind(t.worker);
    let whenAsked: string[] = [];
    t.worker.call = (name, args) => {
      if (name === 'maps') whenAsked = [...dispatched];
      return call(name, args);
    };
    await t.run.train();
    expect(rendered).toEqual([true]);
    expect(whenAsked).toEqual(['trainStart']);
    expect(dispatched).toEqual(['trainStart', 'trainDone', 'headSaved', 'mapsDropped', 'mapsAdded', 'showClass']);
    expect(t.worker.heads.map((h) => h.name)).toEqual(['mug']);
  });

  it('keeps a trained class and its figures when the worker cannot take it, and says so', async () => {
    const t = await readyToTrain();
    t.worker.call = async () => {
      throw new Error('the worker stopped');
    };
    await t.run.train();
    expect(t.get().teach.heads.map((h) => h.name)).toEqual(['mug']);
    expect(t.get().teach.figures).toBe('1 photos');
    expect(t.get().notices.at(-1)?.text).toBe('The taught classes could not be set in the model: the worker stopped');
  });

  it('refuses to train without a name or a photo of the object, in words', async () => {
    const t = setUp();
    await t.run.train();
    expect(t.get().notices.at(-1)?.text).toMatch(/Name the class/);
    t.name('mug');
    await t.run.addFiles([file(30, 'c.png')], 'negative');
    await t.run.train();
    expect(t.get().notices.at(-1)?.text).toMatch(/at least one photo of mug/);
    expect(t.trainedOn).toEqual([]);
  });

  it('lists an example whose pass failed and trains without it', async () => {
    const t = setUp();
    t.worker.fail = true;
    await t.run.addFiles([file(10, 'a.png')], 'positive');
    expect(t.get().teach.examples[0].error).toMatch(/forward pass failed: out of memory/);
  });

  it('deletes a class: later classes move down one index in the view, the store forgets it, the photo runs again', async () => {
    const t = setUp();
    await t.run.load(DRN_KEY);
    for (const name of ['mug', 'cup']) {
      t.name(name);
      await t.run.addFiles([file(10, `${name}.png`)], 'positive');
      await t.run.train();
    }
    expect(t.get().view.shown).toEqual([0, 3, 4]);
    await t.run.remove(t.get().teach.heads[0].id);
    expect(t.get().view.shown).toEqual([0, 3]);
    expect(classNames(t.get())).toEqual(['a', 'b', 'c', 'cup']);
    expect(t.worker.heads.map((h) => h.name)).toEqual(['cup']);
    expect([...t.store.saved.values()].map((h) => h.name)).toEqual(['cup']);
    expect(t.reruns()).toBe(1);
  });

  it('reads a model’s stored classes back after a reload', async () => {
    const t = setUp(false);
    await t.store.save({
      id: 'x',
      modelKey: DRN_KEY,
      name: 'kept',
      weights: new Float32Array(F),
      bias: 1,
      inputSize: 224,
      examples: { positives: 5, negatives: 0 },
      createdAt: 'z',
    });
    await t.run.load(DRN_KEY);
    expect(classNames(t.get())).toEqual(['a', 'b', 'c', 'kept']);
    expect(t.worker.heads.map((h) => h.name)).toEqual(['kept']);
  });

  it('exports a class as a head file and imports it back; refuses one of another backbone and a corrupt file by name', async () => {
    const t = await readyToTrain();
    await t.run.train();
    const exported = t.run.exportHead(t.get().teach.heads[0].id)!;
    expect(exported.name).toBe('mug.head.json');
    await t.run.remove(t.get().teach.heads[0].id);
    expect(t.get().teach.heads).toEqual([]);
    const other = JSON.stringify({ ...JSON.parse(exported.text), backbone: { ...backbone, model: 'resnet-50-imagenet', architecture: 'resnet50' } });
    await t.run.importHeads([
      new File([exported.text], 'mug.head.json'),
      new File([other], 'other.head.json'),
      new File(['{"format":'], 'cut.head.json'),
    ]);
    expect(t.get().teach.heads.map((h) => [h.name, h.bias, h.examples.positives])).toEqual([['mug', 1, 1]]);
    const errors = t
      .get()
      .notices.filter((n) => n.kind === 'error')
      .map((n) => n.text);
    expect(errors).toEqual([
      expect.stringMatching(/^other\.head\.json.*resnet-50-imagenet.*not on drn-a-50-imagenet.*nothing was imported from it\.$/),
      expect.stringMatching(/^cut\.head\.json: not valid JSON.*nothing was imported from it\.$/),
    ]);
  });

  describe('its timeline marks (npm run bench reads them)', () => {
    const frames: FrameRequestCallback[] = [];
    const marked = () =>
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith(MARK_PREFIX))
        .map((m) => [m.name.slice(MARK_PREFIX.length), (m as PerformanceMark).detail as Record<string, unknown>] as const);
    // The earlier tests' teaching marked too.
    beforeEach(() => performance.clearMarks());
    afterEach(() => {
      vi.unstubAllGlobals();
      frames.length = 0;
    });

    it('marks training, the head on the page, and its maps on the photo at the next frame', async () => {
      vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
      const t = setUp();
      await t.run.load(DRN_KEY);
      t.name('mug');
      await t.run.addFiles([file(10, 'a.png')], 'positive');
      await t.run.addFiles([file(30, 'c.png')], 'negative');
      await t.run.train();
      // Drawn only at the next frame.
      expect(marked().map(([name]) => name)).toEqual(['train-start', 'head-ready']);
      frames.forEach((f) => f(0));
      const [start, ready, maps] = marked();
      expect(start).toEqual(['train-start', { key: DRN_KEY, positives: 1, negatives: 1 }]);
      expect(ready).toEqual(['head-ready', { key: DRN_KEY, heads: 1 }]);
      expect(maps[0]).toBe('taught-maps');
      expect(maps[1]).toMatchObject({ key: DRN_KEY, classes: 1 });
      expect(maps[1].workerMs).toBeGreaterThanOrEqual(0);
      expect(maps[1].renderMs).toBeGreaterThanOrEqual(0);
    });

    it('marks no maps where there is no photo to draw them on', async () => {
      vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
      const t = setUp(false);
      await t.run.load(DRN_KEY);
      t.name('mug');
      await t.run.addFiles([file(10, 'a.png')], 'positive');
      await t.run.train();
      frames.forEach((f) => f(0));
      expect(marked().map(([name]) => name)).toEqual(['train-start', 'head-ready']);
    });
  });
});
