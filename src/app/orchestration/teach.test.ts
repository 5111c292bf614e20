// The taught classes' seams with the rest of the page, against the fake worker: the stored classes
// are read once the model is in (with a photo or not) and set in the worker; every run of the shown
// model then asks for their maps; a link's taught classes are adopted and its indices renumbered.
import { describe, expect, it } from 'vitest';
import type { TaughtClass } from '../teach/teach-state';
import { Analysis } from './analysis';
import { fakePhotos, NAMES, testPage, noStorage } from './fake-client.testkit';
import { ModelLoader } from './model-loader';
import { Teach } from './teach';

const head = (name: string, modelKey: string): TaughtClass => ({
  id: `id-${name}`,
  modelKey,
  name,
  weights: new Float32Array(4).fill(0.5),
  bias: -1,
  inputSize: 224,
  examples: { positives: 5, negatives: 0 },
  createdAt: '2026-12-03T00:00:00.000Z',
});

function setup(stored: (modelKey: string) => TaughtClass[]) {
  const t = testPage();
  const photos = fakePhotos();
  const storage = noStorage();
  const teach: Teach = new Teach(
    t.page,
    {
      store: { list: async (key) => stored(key), save: async () => {}, remove: async () => {} },
      decodeExample: () => Promise.reject(new Error('not used here')),
      thumbOf: async () => '',
      background: async () => [],
      decodeForLabel: () => Promise.reject(new Error('not used here')),
    },
    () => analysis.rerun(),
  );
  const loader = new ModelLoader(t.page, storage, (opts) => teach.ensureHeads().then(() => analysis.rerun(opts)), photos.baseUrl);
  const analysis = new Analysis(t.page, loader, photos, () => null, teach);
  return { ...t, teach, loader, analysis };
}

describe('taught classes in the page', () => {
  it('reads the stored classes once the model is in, sets them in the worker, and asks every run for their maps', async () => {
    const t = setup((key) => [head('my mug', key)]);
    await t.loader.start();
    // No photo yet: the classes are read and handed to the worker all the same.
    expect(t.state().teach.heads.map((h) => h.name)).toEqual(['my mug']);
    expect(
      t.client
        .of('setHeads')
        .at(-1)
        ?.heads.map((h) => h.name),
    ).toEqual(['my mug']);
    const taught = NAMES.length; // head 0 is class numClasses + 0
    expect(t.teach.taughtIndices(t.state().modelKey)).toEqual([taught]);
    expect(t.teach.taughtIndices('another model')).toEqual([]);
    await t.analysis.openFile(new Blob([new Uint8Array(4)]), 'desk.png');
    expect(t.client.of('infer').at(-1)?.extraClasses).toContain(taught);
    // Read once per model, not on every run.
    await t.analysis.rerun();
    expect(t.client.of('setHeads')).toHaveLength(1);
  });

  it("adopts a link's taught classes and renumbers the link's indices for them to this page's", async () => {
    const t = setup((key) => [head('my mug', key)]);
    await t.loader.start();
    const n = NAMES.length;
    // The link's page had only "my dog" (its class n); here "my mug" already is class n, so the dog becomes n + 1.
    const shown = await t.teach.adoptFromLink([{ name: 'my dog', weights: new Float32Array(4).fill(0.25), bias: 0 }], [2, n], n);
    expect(t.state().teach.heads.map((h) => h.name)).toEqual(['my mug', 'my dog']);
    expect(shown).toEqual([2, n + 1]);
  });
});
