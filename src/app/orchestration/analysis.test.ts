import { describe, expect, it } from 'vitest';
import { Analysis } from './analysis';
import { fakePhotos, testPage, type TestPage, noStorage } from './fake-client.testkit';
import { ModelLoader } from './model-loader';

function setup() {
  const t = testPage();
  const photos = fakePhotos((name) => (name.endsWith('.txt') ? `${name} is not an image: text.` : null));
  const storage = noStorage();
  const loader = new ModelLoader(t.page, storage, () => analysis.rerun(), photos.baseUrl);
  const analysis = new Analysis(t.page, loader, photos, () => null);
  return { ...t, analysis, loader, photos };
}

const blob = () => new Blob([new Uint8Array(4)]);
const inferCalls = (t: TestPage) => t.client.of('infer').length;

describe('photo and analysis', () => {
  it('opens a photo, analyses it with the shown model and shows its top class', async () => {
    const t = setup();
    await t.loader.start();
    expect(await t.analysis.openFile(blob(), 'cat.png')).toBe(true);
    const s = t.state();
    expect(s.photo?.name).toBe('cat.png');
    expect(s.results[s.modelKey].photoId).toBe(s.photo!.id);
    expect(s.view.shown).toEqual([0]);
    expect(s.running).toBe(false);
    expect(s.memory?.numTensors).toBe(7);
    // The request: the photo's pixels, copied and moved, at the page's input settings.
    const [req] = t.client.of('infer');
    expect(req).toMatchObject({ key: s.modelKey, topK: 5, extraClasses: [], size: 224, flip: false, image: { width: 4, height: 4 } });
    expect(t.client.calls.find((c) => c.call === 'infer')!.opts.transfer).toEqual([req.image.data.buffer]);
    expect(s.photo!.pixels.data.byteLength).toBe(64);
  });

  it('a file that is not a photo is refused in words and the current photo stays', async () => {
    const t = setup();
    await t.loader.start();
    await t.analysis.openFile(blob(), 'cat.png');
    expect(await t.analysis.openFile(blob(), 'notes.txt')).toBe(false);
    expect(t.said('error')).toEqual(['notes.txt is not an image: text.']);
    expect(t.state().photo?.name).toBe('cat.png');
  });

  it('twenty photos dropped at once: the earlier ones are dropped before they run, the last is shown', async () => {
    const t = setup();
    await t.loader.start();
    const before = inferCalls(t);
    await Promise.all(Array.from({ length: 20 }, (_, i) => t.analysis.openFile(blob(), `p${i}.png`)));
    expect(inferCalls(t) - before).toBeLessThanOrEqual(2);
    const s = t.state();
    expect(s.photo?.name).toBe('p19.png');
    expect(s.results[s.modelKey]?.photoId).toBe(s.photo!.id);
    expect(s.running).toBe(false);
  });

  it('twenty photos dropped one after another while the first is analysed: at most two analyses run', async () => {
    const t = setup();
    await t.loader.start();
    const before = inferCalls(t);
    const release = t.client.hold('infer');
    const opened = [t.analysis.openFile(blob(), 'p0.png')];
    // Wait until the first photo's analysis is in the worker, then drop the others one by one.
    while (inferCalls(t) === before) await new Promise((r) => setTimeout(r, 1));
    for (let i = 1; i < 20; i++) {
      opened.push(t.analysis.openFile(blob(), `p${i}.png`));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(t.state().running).toBe(true);
    release();
    await Promise.all(opened);
    expect(inferCalls(t) - before).toBeLessThanOrEqual(2);
    const s = t.state();
    expect(s.photo?.name).toBe('p19.png');
    expect(s.results[s.modelKey]?.photoId).toBe(s.photo!.id);
    expect(s.running).toBe(false);
  });

  it('a sample comes with its ground truth, and a class switched on gets its map without running the network', async () => {
    const t = setup();
    await t.loader.start();
    await t.analysis.openSample('cat.jpg');
    expect(t.state().photo?.sample).toBe('cat.jpg');
    expect(t.state().view.gt).toEqual([[0, 0, 2, 2]]);
    const runs = inferCalls(t);
    await t.analysis.showClass(7);
    expect(t.client.of('maps')).toEqual([{ key: t.state().modelKey, classes: [7] }]);
    expect(t.state().view.shown).toEqual([0, 7]);
    expect(inferCalls(t)).toBe(runs);
    // A failed read says so and leaves the class off.
    t.client.handlers.maps = () => Promise.reject(new Error('no kept maps'));
    await t.analysis.showClass(6);
    expect(t.said('error')).toEqual(['The map of class 6 could not be read: no kept maps']);
    expect(t.state().view.shown).toEqual([0, 7]);
  });

  it('a new input size warms the model up at that size and runs again', async () => {
    const t = setup();
    await t.loader.start();
    await t.analysis.openFile(blob(), 'cat.png');
    await t.analysis.setInput(448, true);
    expect(t.client.of('warmUp').at(-1)).toEqual({ key: t.state().modelKey, size: 448 });
    expect(t.client.of('infer').at(-1)).toMatchObject({ size: 448, flip: true });
    // Flip alone: no new warm-up.
    const warmUps = t.client.of('warmUp').length;
    await t.analysis.setInput(448, false);
    expect(t.client.of('warmUp')).toHaveLength(warmUps);
  });

  it('a failed analysis is said once and ends the run', async () => {
    const t = setup();
    await t.loader.start();
    t.client.handlers.infer = () => Promise.reject(new Error('out of memory'));
    await t.analysis.openFile(blob(), 'cat.png');
    expect(t.said('error')).toEqual(['Analysis failed: out of memory']);
    expect(t.state().running).toBe(false);
  });
});
