import { describe, expect, it } from 'vitest';
import { Analysis } from './analysis';
import { fakePhotos, testPage, noStorage } from './fake-client.testkit';
import { ModelLoader } from './model-loader';
import { Research } from './research';
import { DRN_KEY, RESNET_KEY } from '../state';

async function setup() {
  const t = testPage();
  const photos = fakePhotos();
  const storage = noStorage();
  const loader = new ModelLoader(t.page, storage, () => analysis.rerun(), photos.baseUrl);
  const analysis = new Analysis(t.page, loader, photos, () => null);
  const research = new Research(t.page, () => analysis.rerun());
  await loader.start();
  await analysis.openFile(new Blob([]), 'cat.png');
  return { ...t, research, analysis };
}

describe('research', () => {
  it('faithfulness curves: progress, then the result for the photo', async () => {
    const t = await setup();
    await t.research.runFaithfulness(2, 4);
    expect(t.client.of('faithfulness')).toMatchObject([{ classIndex: 2, steps: 4, size: 224, flip: false }]);
    expect(t.state().faith).toMatchObject({ classIndex: 2, done: 7, total: 7, result: { deletionAuc: 0.2 } });
  });

  it('a cancelled run is dropped and said as cancelled (by the AbortError), a failed one as failed', async () => {
    const t = await setup();
    const release = t.client.hold('faithfulness');
    const run = t.research.runFaithfulness(2, 4);
    await new Promise((r) => setTimeout(r, 1));
    t.research.cancelFaithfulness();
    await run;
    release();
    expect(t.state().faith).toBeNull();
    expect(t.said('info')).toEqual(['Faithfulness run cancelled.']);
    // A failure whose text says "cancelled" is still a failure: only the error's name counts.
    t.client.handlers.faithfulness = () => Promise.reject(new Error('readback cancelled by the driver'));
    await t.research.runFaithfulness(2, 4);
    expect(t.said('error')).toEqual(['Faithfulness curves failed: readback cancelled by the driver']);
  });

  it('comparing runs both ImageNet models on the photo', async () => {
    const t = await setup();
    t.research.setCompare(true);
    await t.analysis.rerun();
    expect(Object.keys(t.state().results).sort()).toEqual([DRN_KEY, RESNET_KEY].sort());
    // The compared model gets maps of the shown model's top classes.
    expect(t.client.of('infer').at(-1)).toMatchObject({ key: RESNET_KEY, extraClasses: [0, 1, 2, 3, 4] });
  });
});
