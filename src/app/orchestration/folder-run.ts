// The folder evaluation's effects: reads the annotation files, runs the current model on each image
// in the worker (one at a time, so the page stays responsive), with pause, resume and cancel, and
// computes the figures with the code `eval --json` uses. Every bad input becomes a listed problem.
import type { Box } from '../../localize/boxes';
import type { Inference } from '../../models/class-maps';
import { setFigures } from '../../localize/eval-report';
import { folderSet, isAnnotationFile } from '../../localize/folder-set';
import type { EvalSample } from '../../localize/metrics';
import type { FolderAction, FolderTaught } from '../folder-state';
import { toOriginalPixels } from '../photo';
import { taughtScore } from '../teach/taught-scores';
import type { View } from '../state';
import { sniffImage, truncation } from '../../image/file-check';
import type { RGBAImage } from '../../image/geometry';
import { inferRequest } from './infer-request';
import { isAbort } from './lens-client';
import type { ModelLoader } from './model-loader';
import type { Page } from './page';
import type { PhotoSource } from './analysis';

/** A picked or dropped file with the path it had in its folder. */
export interface FolderFile {
  path: string;
  file: Blob;
}

export class FolderRunner {
  private files = new Map<string, Blob>();
  private boxes = new Map<string, Box[]>();
  /** The run in progress: its signal cancels it, and the infer call it waits on. */
  private run: AbortController | null = null;
  /** Set while paused: resolving it resumes the run. */
  private paused: { wait: Promise<void>; resume(): void } | null = null;

  /** `openFile` opens an evaluated image in the viewer (analysis.ts). */
  constructor(
    private readonly page: Page,
    private readonly loader: Pick<ModelLoader, 'ensureLoaded'>,
    private readonly photos: Pick<PhotoSource, 'decode'>,
    private readonly openFile: (file: Blob, name: string, opts: { view: Partial<View> }) => Promise<boolean>,
  ) {}

  private dispatch(action: FolderAction): void {
    this.page.dispatch({ type: 'folder', action });
  }

  /**
   * `taught`: evaluate that taught class on every image (the images' own classes ignored, as
   * `eval --head` does) instead of each image's annotated class.
   */
  async start(input: readonly FolderFile[], taught: FolderTaught | null = null): Promise<void> {
    if (this.run) return;
    const run = (this.run = new AbortController());
    const { signal } = run;
    this.paused = null;
    const { page } = this;
    try {
      const texts = new Map<string, string>();
      for (const f of input) if (isAnnotationFile(f.path)) texts.set(f.path, await f.file.text());
      const key = page.state().modelKey;
      // The input settings at the start hold for the whole run, as in `eval --size`.
      const settings = page.state().input;
      // The model's class names can name the images' classes when there is no annotation file.
      await this.loader.ensureLoaded(key);
      const load = page.state().loads[key];
      const numClasses = load?.status === 'ready' ? load.info.numClasses : Infinity;
      const set = folderSet(
        input.map((f) => f.path),
        texts,
        load?.status === 'ready' ? load.info.classes : [],
      );
      this.files = new Map(input.map((f) => [f.path, f.file]));
      this.boxes = new Map(set.items.map((i) => [i.path, i.boxes]));
      if (taught && taught.index >= numClasses + this.taughtCount()) throw new Error(`the taught class "${taught.name}" is not on ${key} any more`);
      this.dispatch({ type: 'start', modelKey: key, format: set.format, taught, total: set.items.length, problems: set.problems });
      const samples: EvalSample[] = [];
      let active = 0,
        since = performance.now();
      for (const item of set.items) {
        // Read afresh: pause() sets it while this loop awaits (TypeScript keeps the earlier null).
        const paused = this.paused as FolderRunner['paused'];
        if (paused) {
          active += performance.now() - since;
          this.dispatch({ type: 'figures', figures: setFigures(samples), seconds: active / 1000 });
          this.dispatch({ type: 'status', status: 'paused' });
          await paused.wait;
          since = performance.now();
          if (!signal.aborted) this.dispatch({ type: 'status', status: 'running' });
        }
        if (signal.aborted) break;
        try {
          if (!taught && item.classIndex >= numClasses) throw new Error(`class_index ${item.classIndex} but the model has ${numClasses} classes`);
          const { pixels, width, height } = await this.decode(item.path);
          if (item.size && (item.size.width !== width || item.size.height !== height)) {
            throw new Error(`${width}x${height} pixels, the annotation says ${item.size.width}x${item.size.height} (boxes would not match)`);
          }
          // keep: false leaves the viewer photo's kept maps in place.
          const gtClass = taught ? taught.index : item.classIndex;
          const req = inferRequest(key, pixels, settings, { topK: 1, extraClasses: [gtClass], keep: false });
          const inference = await page.client.call('infer', req.args, { transfer: req.transfer, signal });
          const sample: EvalSample = {
            gtClass,
            gtBoxes: item.boxes,
            topClass: taught ? (this.present(inference, taught.index) ? taught.index : -1) : inference.top[0].index,
            maps: inference.maps,
            transform: toOriginalPixels(inference.transform, width, height),
          };
          samples.push(sample);
          this.dispatch({ type: 'sample', item: { path: item.path, sample } });
        } catch (e) {
          // The image the cancel stopped is not a problem of the image's.
          if (isAbort(e)) break;
          this.dispatch({ type: 'failed', problem: { path: item.path, problem: (e as Error).message } });
        }
      }
      active += performance.now() - since;
      this.dispatch({ type: 'figures', figures: setFigures(samples), seconds: active / 1000 });
      this.dispatch({ type: 'status', status: signal.aborted ? 'cancelled' : 'done' });
    } catch (e) {
      page.say('error', `Folder evaluation failed: ${(e as Error).message}`);
      this.dispatch({ type: 'status', status: 'cancelled' });
    } finally {
      this.run = null;
      this.paused = null;
    }
  }

  /** Taught classes of the shown model now: their indices follow the model's own classes. */
  private taughtCount(): number {
    const s = this.page.state();
    return s.teach.modelKey === s.modelKey ? s.teach.heads.length : 0;
  }

  /**
   * (teach) Whether a taught class is present: the worker's verdict from the pooled features, as
   * `eval --head` reads it; from its plane (the same number up to rounding) if the worker has none.
   */
  private present(inference: Inference, index: number): boolean {
    const verdict = inference.taught.find((t) => t.index === index) ?? taughtScore(inference.maps, index);
    return verdict?.present ?? false;
  }

  /**
   * A JPEG is decoded by the CLI's own decoder (its chunk loads on first use), so the figures equal
   * `eval`'s; other images (PNG is lossless: every decoder agrees) by the browser, as the viewer does.
   */
  private async decode(path: string): Promise<{ pixels: RGBAImage; width: number; height: number }> {
    const blob = this.files.get(path)!;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (sniffImage(bytes) === 'jpeg') {
      const cut = truncation(bytes, 'jpeg');
      if (cut) throw new Error(`a truncated JPEG file (${cut})`);
      const { decodeJpeg } = await import('../../image/decode-jpeg');
      let pixels: RGBAImage;
      try {
        pixels = decodeJpeg(bytes);
      } catch (e) {
        throw new Error(`corrupt JPEG (${(e as Error).message})`, { cause: e });
      }
      return { pixels, width: pixels.width, height: pixels.height };
    }
    const photo = await this.photos.decode(blob, path);
    photo.bitmap.close();
    return { pixels: photo.pixels, width: photo.width, height: photo.height };
  }

  /** Pauses after the image in progress. */
  pause(): void {
    if (!this.run || this.paused) return;
    let resume = () => {};
    const wait = new Promise<void>((r) => (resume = r));
    this.paused = { wait, resume };
  }

  resume(): void {
    this.paused?.resume();
    this.paused = null;
  }

  /** Stops the run now, the image in progress included (the worker drops or stops its call). */
  cancel(): void {
    this.run?.abort();
    this.resume();
  }

  /** Opens one evaluated image in the viewer with its ground truth. */
  async open(path: string): Promise<void> {
    const file = this.files.get(path);
    if (!file) return;
    await this.openFile(file, path.split(/[\\/]/).pop() ?? path, { view: { gt: this.boxes.get(path) ?? [] } });
  }
}
