import { describe, expect, it } from 'vitest';
import { fakeInference, fakePhotos, NAMES, testPage, noStorage } from './fake-client.testkit';
import type { TaughtClass } from '../teach/teach-state';
import { FolderRunner, type FolderFile } from './folder-run';
import { ModelLoader } from './model-loader';

async function setup() {
  const t = testPage();
  const photos = fakePhotos((name) => (name.includes('broken') ? 'broken.png is not an image' : null));
  const storage = noStorage();
  const loader = new ModelLoader(t.page, storage, async () => {}, photos.baseUrl);
  await loader.start();
  const opened: string[] = [];
  const runner = new FolderRunner(t.page, loader, photos, async (_file, name) => {
    opened.push(name);
    return true;
  });
  return { ...t, runner, opened };
}

/** Images named by class (the format without annotation files): `NAME_i.png`. */
const files = (n: number, extra: string[] = []): FolderFile[] =>
  [...Array.from({ length: n }, (_, i) => `${NAMES[i % 3]}_${i}.png`), ...extra].map((path) => ({ path, file: new Blob([new Uint8Array(4)]) }));

describe('folder evaluation', () => {
  it('runs each image once through the current model, lists bad images, and opens one in the viewer', async () => {
    const t = await setup();
    await t.runner.start(files(3, ['banana_broken.png']));
    const f = t.state().folder!;
    expect(f.status).toBe('done');
    expect(f.samples).toHaveLength(3);
    expect(f.problems.map((p) => p.path)).toContain('banana_broken.png');
    const infers = t.client.of('infer');
    expect(infers).toHaveLength(3);
    expect(infers[0]).toMatchObject({ topK: 1, extraClasses: [0], keep: false, size: 224 });
    await t.runner.open('apple_0.png');
    expect(t.opened).toEqual(['apple_0.png']);
  });

  it('pause holds the run after the image in progress; resume goes on; cancel stops the image in progress too', async () => {
    const t = await setup();
    const release = t.client.hold('infer');
    const run = t.runner.start(files(4));
    while (!t.client.of('infer').length) await new Promise((r) => setTimeout(r, 1));
    t.runner.pause();
    release();
    while (t.state().folder?.status !== 'paused') await new Promise((r) => setTimeout(r, 1));
    expect(t.client.of('infer')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(t.client.of('infer')).toHaveLength(1);
    const hold = t.client.hold('infer');
    t.runner.resume();
    while (t.client.of('infer').length < 2) await new Promise((r) => setTimeout(r, 1));
    t.runner.cancel();
    await run;
    hold();
    const f = t.state().folder!;
    expect(f.status).toBe('cancelled');
    // The image whose call was cancelled (AbortError) is neither a sample nor a problem.
    expect(f.samples).toHaveLength(1);
    expect(f.problems).toEqual([]);
    expect(t.client.of('infer')).toHaveLength(2);
  });

  it('evaluates a taught class on every image instead of their own classes, present where the worker says so', async () => {
    const t = await setup();
    const head: TaughtClass = {
      id: 'h1',
      modelKey: t.state().modelKey,
      name: 'my mug',
      weights: new Float32Array(4),
      bias: 0,
      inputSize: 224,
      examples: { positives: 5, negatives: 0 },
      createdAt: '2026-12-03T00:00:00.000Z',
    };
    t.page.dispatch({ type: 'teach', action: { type: 'headsLoaded', modelKey: head.modelKey, heads: [head] } });
    const mug = NAMES.length;
    // The worker finds the mug on the first image only.
    let n = 0;
    t.client.handlers.infer = (args) => ({
      ...fakeInference(args),
      taught: [{ index: mug, name: 'my mug', logit: n === 0 ? 1 : -1, probability: 0.5, present: n++ === 0 }],
    });
    await t.runner.start(files(3), { index: mug, name: 'my mug', absent: false });
    const f = t.state().folder!;
    expect(f.taught).toEqual({ index: mug, name: 'my mug', absent: false });
    expect(t.client.of('infer').map((a) => a.extraClasses)).toEqual([[mug], [mug], [mug]]);
    expect(f.samples.map((s) => [s.sample.gtClass, s.sample.topClass])).toEqual([
      [mug, mug],
      [mug, -1],
      [mug, -1],
    ]);
    // Top-1 Cls of a taught run is its detection rate, as in `eval --head`.
    expect(f.figures!.top1Cls).toBeCloseTo(1 / 3);
  });

  it('refuses a taught class the model no longer has, in words, and runs nothing', async () => {
    const t = await setup();
    await t.runner.start(files(2), { index: NAMES.length, name: 'gone', absent: true });
    expect(t.client.of('infer')).toHaveLength(0);
    expect(t.said('error').join(' ')).toMatch(/taught class "gone" is not on/);
  });
});
