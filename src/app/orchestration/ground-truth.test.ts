import { describe, expect, it } from 'vitest';
import { Analysis } from './analysis';
import { fakePhotos, testPage, noStorage } from './fake-client.testkit';
import { GroundTruthEditor } from './ground-truth';
import { ModelLoader } from './model-loader';

const file = (text: string, name: string) => Object.assign(new Blob([text]), { name });

describe('ground truth', () => {
  it('needs a photo, checks boxes against it, loads files and clears', async () => {
    const t = testPage();
    const gt = new GroundTruthEditor(t.page);
    await gt.load(file('{"boxes":[[0,0,2,2]]}', 'a.json'));
    expect(t.said('error')).toEqual(['Open a photo before loading its ground truth.']);
    const photos = fakePhotos();
    const storage = noStorage();
    const loader = new ModelLoader(t.page, storage, () => analysis.rerun(), photos.baseUrl);
    const analysis = new Analysis(t.page, loader, photos, () => null);
    await analysis.openFile(new Blob([]), 'p.png');
    await gt.load(file('{"boxes":[[0,0,2,2]]}', 'a.json'));
    expect(t.state().view.gt).toEqual([[0, 0, 2, 2]]);
    gt.add([1, 1, 3, 3]);
    expect(t.state().view.gt).toEqual([
      [0, 0, 2, 2],
      [1, 1, 3, 3],
    ]);
    gt.add([1, 1, 30, 3]);
    expect(t.said('error').at(-1)).toMatch(/new ground-truth box/);
    expect(t.state().view.gt).toHaveLength(2);
    await gt.load(file('not json', 'b.json'));
    expect(t.state().view.gt).toHaveLength(2);
    gt.clear();
    expect(t.state().view.gt).toEqual([]);
  });
});
