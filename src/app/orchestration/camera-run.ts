// Camera: one frame at a time through the shown model (camera.ts's loop decides when).
import type { RGBAImage } from '../../image/geometry';
import { inferRequest } from './infer-request';
import { NO_TAUGHT, type TaughtClasses } from './lens-client';
import type { ModelLoader } from './model-loader';
import type { Page } from './page';

/** A frame as the viewer shows it (camera.ts's stillOf: a bitmap and its pixels). */
export type StillOf = (frame: RGBAImage) => Promise<{ bitmap: ImageBitmap; pixels: ImageData; width: number; height: number }>;

export class CameraRun {
  /** Camera frames' photo ids, far from decoded photos' (photo.ts counts from 1). */
  private frameId = 1_000_000;

  constructor(
    private readonly page: Page,
    private readonly loader: Pick<ModelLoader, 'ensureLoaded'>,
    private readonly stillOf: StillOf,
    private readonly taught: TaughtClasses = NO_TAUGHT,
  ) {}

  /**
   * A camera frame: analysed first, then shown with its result in one render, so the viewer always
   * holds the last analysed frame (no blank between frames) and a pause leaves a normal photo.
   */
  async analyseFrame(frame: RGBAImage): Promise<void> {
    const { page } = this;
    const s = page.state();
    const key = s.modelKey;
    await this.loader.ensureLoaded(key);
    await this.taught.ensureHeads();
    const still = await this.stillOf(frame);
    const t0 = performance.now();
    const req = inferRequest(key, frame, s.input, { extraClasses: this.taught.taughtIndices(key) });
    const inference = await page.client.call('infer', req.args, { transfer: req.transfer });
    const photo = { id: this.frameId++, name: 'camera', ...still, note: null, sample: null, fromCamera: true };
    page.dispatch({ type: 'photo', photo });
    page.dispatch({ type: 'runDone', result: { modelKey: key, photoId: photo.id, inference, roundTripMs: performance.now() - t0 } });
    page.dispatch({ type: 'memory', info: await page.client.call('memory', {}) });
  }
}
