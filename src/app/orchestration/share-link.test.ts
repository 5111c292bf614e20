import { describe, expect, it } from 'vitest';
import type { Decoded } from '../url-state';
import { Analysis } from './analysis';
import { fakePhotos, testPage, noStorage } from './fake-client.testkit';
import { ModelLoader } from './model-loader';
import { ShareLink } from './share-link';

function setup() {
  const t = testPage();
  const photos = fakePhotos();
  const rewrites: (object | undefined)[] = [];
  const storage = noStorage();
  const loader = new ModelLoader(t.page, storage, () => analysis.rerun(), photos.baseUrl);
  const analysis = new Analysis(t.page, loader, photos, () => link.takePending());
  const link = new ShareLink(t.page, loader, analysis, (pending) => void rewrites.push(pending));
  return { ...t, loader, analysis, link, rewrites };
}

const decoded = (view: Decoded['view'], problems: string[] = []): Decoded => ({ view, problems }) as Decoded;

describe('share link', () => {
  it('applies a link on the open photo; refused fields are said and the URL is rewritten at once', async () => {
    const t = setup();
    await t.loader.start();
    await t.analysis.openFile(new Blob([]), 'mine.png');
    await t.link.applyLink(decoded({ photo: 'own', opacity: 0.3, shown: [1, 99] }, ['t=abc is not a number']), true);
    expect(t.state().view.opacity).toBe(0.3);
    expect(t.state().view.shown).toEqual([1]);
    expect(t.said('error')).toEqual(['Shared view: t=abc is not a number.', 'Shared view: class 99 does not exist in this model (0-7); left out.']);
    expect(t.rewrites).toEqual([undefined]);
  });

  it('a clean link leaves the URL alone', async () => {
    const t = setup();
    await t.loader.start();
    await t.analysis.openFile(new Blob([]), 'mine.png');
    await t.link.applyLink(decoded({ photo: 'own', opacity: 0.4 }), true);
    expect(t.state().view.opacity).toBe(0.4);
    expect(t.rewrites).toEqual([]);
  });

  it("a view shared on the sender's own photo waits for the next photo the user opens", async () => {
    const t = setup();
    await t.loader.start();
    await t.link.applyLink(decoded({ photo: 'own', shown: [3], gt: [[0, 0, 2, 2]] }, ['scale=huge is not a colour scale']), true);
    // The URL keeps the waiting view, without the refused field.
    expect(t.rewrites).toEqual([{ shown: [3], gt: [[0, 0, 2, 2]] }]);
    expect(t.said('info')[0]).toMatch(/^This view was shared on a photo of the sender's own/);
    expect(t.state().photo).toBeNull();
    await t.analysis.openFile(new Blob([]), 'mine.png');
    expect(t.state().view.shown).toEqual([3]);
    expect(t.state().view.gt).toEqual([[0, 0, 2, 2]]);
    // Handed over once.
    await t.analysis.openFile(new Blob([]), 'next.png');
    expect(t.state().view.gt).toEqual([]);
  });

  it('Back/Forward to another sample and model opens them', async () => {
    const t = setup();
    await t.loader.start();
    await t.link.applyLink(decoded({ photo: 'dog.jpg', model: 'resnet-50-imagenet' }));
    expect(t.state().modelKey).toBe('resnet-50-imagenet');
    expect(t.state().photo?.sample).toBe('dog.jpg');
  });
});
