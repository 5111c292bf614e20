// Research: comparing the two ImageNet models on the photo, and the faithfulness curves of one
// class's map (the folder evaluation is folder-run.ts).
import { DEFAULT_STEPS } from '../../localize/faithfulness';
import { isAbort } from './lens-client';
import type { Page } from './page';

export class Research {
  /** The faithfulness run in progress, cancelled through its signal. */
  private faith: AbortController | null = null;

  constructor(
    private readonly page: Page,
    private readonly rerun: () => Promise<void>,
  ) {}

  setCompare(on: boolean): void {
    this.page.dispatch({ type: 'compare', on });
    if (on) void this.rerun();
  }

  /**
   * Deletion and insertion curves of one class's map on the current photo, in the worker
   * (2 * steps - 1 forward passes, with progress). One run at a time.
   */
  async runFaithfulness(classIndex: number, steps = DEFAULT_STEPS): Promise<void> {
    const { page } = this;
    const s = page.state();
    const photo = s.photo;
    if (!photo || !s.results[s.modelKey] || (s.faith && !s.faith.result)) return;
    const key = s.modelKey;
    const run = (this.faith = new AbortController());
    page.dispatch({ type: 'faithStart', modelKey: key, photoId: photo.id, classIndex, steps });
    try {
      const data = new Uint8ClampedArray(photo.pixels.data);
      const result = await page.client.call(
        'faithfulness',
        { key, image: { width: photo.pixels.width, height: photo.pixels.height, data }, classIndex, steps, size: s.input.size, flip: s.input.flip },
        { transfer: [data.buffer], onProgress: (done, total) => page.dispatch({ type: 'faithProgress', done, total }), signal: run.signal },
      );
      const now = page.state();
      if (now.photo?.id !== photo.id || now.modelKey !== key) return;
      page.dispatch({ type: 'faithDone', result });
    } catch (e) {
      page.dispatch({ type: 'faithEnd' });
      if (isAbort(e)) page.say('info', 'Faithfulness run cancelled.');
      else page.say('error', `Faithfulness curves failed: ${(e as Error).message}`);
    } finally {
      if (this.faith === run) this.faith = null;
    }
  }

  cancelFaithfulness(): void {
    this.faith?.abort();
  }
}
