// Photo and analysis: opening a file or a sample, running the models on it (a newer photo
// supersedes runs still waiting), the shown classes' maps, and the network's input settings.
import { parseBoxesJson } from '../../localize/ground-truth';
import type { Box } from '../../localize/boxes';
import { toOriginalPixels } from '../photo';
import { DRN_KEY, RESNET_KEY, type Photo, type View } from '../state';
import { mark, markAtNextFrame } from '../timeline';
import { inferRequest } from './infer-request';
import { NO_TAUGHT, type TaughtClasses } from './lens-client';
import type { ModelLoader } from './model-loader';
import type { Page } from './page';

/** The browser's side of opening photos, passed in so that Node tests need neither a canvas nor a server. */
export interface PhotoSource {
  /** A file -> the pixels the network sees (photo.ts), or an error in words. */
  decode(file: Blob, name: string): Promise<Photo>;
  fetch(url: URL): Promise<Response>;
  /** Where samples/ is served from. */
  baseUrl: string;
}

export class Analysis {
  private runQueue: Promise<void> = Promise.resolve();
  /** Bumped by every rerun: a queued run that is no longer the latest is dropped before it runs. */
  private generation = 0;
  /** Bumped by every openFile: a photo decoded after a newer one was asked for is not shown. */
  private opened = 0;

  /** `takePendingView` hands over a shared link's view waiting for the user's own photo (share-link.ts). */
  constructor(
    private readonly page: Page,
    private readonly loader: Pick<ModelLoader, 'ensureLoaded' | 'warmUp'>,
    private readonly photos: PhotoSource,
    private readonly takePendingView: () => Partial<View> | null,
    private readonly taught: TaughtClasses = NO_TAUGHT,
  ) {}

  /**
   * Opens a photo and analyses it. `view` keeps settings across the new photo (a shared link's);
   * else the shown classes restart. False when it could not be opened (said in words) or a newer
   * photo was opened meanwhile.
   */
  async openFile(file: Blob, name: string, opts: { sample?: string; view?: Partial<View> } = {}): Promise<boolean> {
    const { page } = this;
    const ticket = ++this.opened;
    try {
      const decoded = await this.photos.decode(file, name);
      if (ticket !== this.opened) {
        decoded.bitmap.close();
        return false;
      }
      const photo = { ...decoded, sample: opts.sample ?? null };
      const pending = opts.sample ? null : this.takePendingView();
      page.dispatch({ type: 'photo', photo, view: opts.view ?? pending ?? undefined });
      if (photo.note) page.say('info', photo.note);
      await this.rerun();
      return true;
    } catch (e) {
      page.say('error', (e as Error).message);
      return false;
    }
  }

  /**
   * Opens a sample photo with the ground-truth boxes drawn by hand beside it (samples/NAME.gt.json),
   * unless `view` brings its own.
   */
  async openSample(file: string, view?: Partial<View>): Promise<void> {
    const base = new URL('samples/', this.photos.baseUrl);
    try {
      const res = await this.photos.fetch(new URL(file, base)).catch((e: Error) => {
        throw new Error(`The sample ${file} could not be fetched (${e.message}): is the server still running?`);
      });
      if (!res.ok) throw new Error(`sample ${file} is missing (HTTP ${res.status})`);
      const blob = await res.blob();
      let gt: Box[] = [];
      const gtRes = await this.photos.fetch(new URL(`${file.replace(/\.[^.]*$/, '')}.gt.json`, base)).catch(() => null);
      // A static host may answer a missing file with its index page: only JSON counts.
      if (gtRes?.ok && gtRes.headers.get('content-type')?.includes('json')) gt = parseBoxesJson(await gtRes.text(), `${file} ground truth`).boxes;
      await this.openFile(blob, file, { sample: file, view: { gt, ...view } });
    } catch (e) {
      this.page.say('error', (e as Error).message);
    }
  }

  /**
   * Shows any class of the model. Its map comes from the worker, which kept the current photo's
   * maps of every class, so the network does not run again.
   */
  async showClass(index: number): Promise<void> {
    const { page } = this;
    const s = page.state();
    const result = s.results[s.modelKey];
    if (result && !result.inference.maps.classes.includes(index)) {
      try {
        const planes = await page.client.call('maps', { key: s.modelKey, classes: [index] });
        page.dispatch({ type: 'mapsAdded', modelKey: s.modelKey, photoId: result.photoId, classes: planes.classes, data: planes.data });
      } catch (e) {
        page.say('error', `The map of class ${index} could not be read: ${(e as Error).message}`);
        return;
      }
    }
    page.dispatch({ type: 'showClass', index });
  }

  /** Fetches, in one call, the maps of shown classes the current result does not hold yet. */
  async fetchMissingMaps(): Promise<void> {
    const { page } = this;
    const s = page.state();
    const result = s.results[s.modelKey];
    if (!result) return;
    const missing = s.view.shown.filter((c) => !result.inference.maps.classes.includes(c));
    if (!missing.length) return;
    try {
      const planes = await page.client.call('maps', { key: s.modelKey, classes: missing });
      page.dispatch({ type: 'mapsAdded', modelKey: s.modelKey, photoId: result.photoId, classes: planes.classes, data: planes.data });
    } catch (e) {
      page.say('error', `Maps of classes ${missing.join(', ')} could not be read: ${(e as Error).message}`);
      page.dispatch({ type: 'applyView', view: { shown: s.view.shown.filter((c) => !missing.includes(c)) } });
    }
  }

  /** A new input size or flip setting: the network runs again (and warms up at a new size). */
  async setInput(size: number, flip: boolean): Promise<void> {
    const { page } = this;
    const before = page.state().input;
    page.dispatch({ type: 'input', size, flip });
    const key = page.state().modelKey;
    if (size !== before.size && page.state().loads[key]?.status === 'ready') void this.loader.warmUp(key, `preparing for ${size}×${size} inputs`);
    await this.rerun();
  }

  /**
   * Runs the shown model (and, when comparing, both ImageNet models) on the current photo, after
   * the runs already asked for. Runs still waiting are dropped: each reads the state when it
   * starts, so the latest does all they would have done. Resolves once no run is left waiting.
   */
  async rerun(opts: { missingOnly?: boolean } = {}): Promise<void> {
    const gen = ++this.generation;
    let queued = (this.runQueue = this.runQueue.then(() => (gen === this.generation ? this.runAll(opts.missingOnly ?? false) : undefined)));
    // A superseded call still resolves only after the run that superseded it.
    for (;;) {
      await queued;
      if (queued === this.runQueue) return;
      queued = this.runQueue;
    }
  }

  /** `missingOnly`: only the models without a result for the current photo yet. */
  private async runAll(missingOnly: boolean): Promise<void> {
    const { page } = this;
    const s = page.state();
    const photo = s.photo;
    if (!photo) return;
    const keys = [s.modelKey, ...(s.view.compare ? [DRN_KEY, RESNET_KEY] : [])]
      .filter((k, i, all) => all.indexOf(k) === i)
      .filter((k) => !missingOnly || s.results[k]?.photoId !== photo.id);
    if (!keys.length) return;
    page.dispatch({ type: 'runStart' });
    try {
      const shownResult = s.results[s.modelKey];
      let extra: number[] = shownResult?.photoId === photo.id ? shownResult.inference.top.map((p) => p.index) : [];
      for (const key of keys) {
        try {
          await this.loader.ensureLoaded(key);
        } catch {
          continue;
        }
        if (key === s.modelKey) await this.taught.ensureHeads();
        const t0 = performance.now();
        // Classes switched on (from the search box, or a shared link) keep their maps on every run,
        // and the taught classes are always asked for, so they are listed and scored.
        const extraClasses = [...new Set([...s.view.shown, ...extra, ...this.taught.taughtIndices(key)])];
        const req = inferRequest(key, photo.pixels, s.input, { extraClasses });
        mark('infer-start', { key });
        const inference = await page.client.call('infer', req.args, { transfer: req.transfer });
        inference.transform = toOriginalPixels(inference.transform, photo.width, photo.height);
        page.dispatch({ type: 'runDone', result: { modelKey: key, photoId: photo.id, inference, roundTripMs: performance.now() - t0 } });
        markAtNextFrame('maps', { key, ms: inference.ms });
        // The compared model also gets maps for the shown model's top classes.
        if (key === s.modelKey) extra = inference.top.map((p) => p.index);
      }
      page.dispatch({ type: 'memory', info: await page.client.call('memory', {}) });
    } catch (e) {
      page.say('error', `Analysis failed: ${(e as Error).message}`);
    } finally {
      page.dispatch({ type: 'runEnd' });
    }
  }
}
