// The folder evaluation's effects: reads the annotation files, runs the current model on each image
// in the worker (one at a time, so the page stays responsive), with pause, resume and cancel, and
// computes the figures with the code `eval --json` uses. Every bad input becomes a listed problem.
import type { Box } from '../localize/boxes';
import { setFigures } from '../localize/eval-report';
import { folderSet, isAnnotationFile } from '../localize/folder-set';
import type { EvalSample } from '../localize/metrics';
import type { Controller } from './controller';
import type { FolderAction } from './folder-state';
import { decodePhoto, toOriginalPixels } from './photo';
import { sniffImage, truncation } from '../image/file-check';
import type { RGBAImage } from '../image/geometry';

/** A picked or dropped file with the path it had in its folder. */
export interface FolderFile {
  path: string;
  file: Blob;
}

export class FolderRunner {
  private files = new Map<string, Blob>();
  private boxes = new Map<string, Box[]>();
  private paused = false;
  private cancelled = false;
  private wake: (() => void) | null = null;
  private running = false;

  constructor(private readonly c: Controller) {}

  private dispatch(action: FolderAction): void {
    this.c.dispatch({ type: 'folder', action });
  }

  async start(input: readonly FolderFile[]): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.paused = false;
    this.cancelled = false;
    try {
      const texts = new Map<string, string>();
      for (const f of input) if (isAnnotationFile(f.path)) texts.set(f.path, await f.file.text());
      const key = this.c.state().modelKey;
      const { size, flip } = this.c.state().input;
      // The model's class names can name the images' classes when there is no annotation file.
      await this.c.ensureLoaded(key);
      const load = this.c.state().loads[key];
      const numClasses = load?.status === 'ready' ? load.info.numClasses : Infinity;
      const set = folderSet(
        input.map((f) => f.path),
        texts,
        load?.status === 'ready' ? load.info.classes : [],
      );
      this.files = new Map(input.map((f) => [f.path, f.file]));
      this.boxes = new Map(set.items.map((i) => [i.path, i.boxes]));
      this.dispatch({ type: 'start', modelKey: key, format: set.format, total: set.items.length, problems: set.problems });
      const samples: EvalSample[] = [];
      let active = 0,
        since = performance.now();
      for (const item of set.items) {
        if (this.paused) {
          active += performance.now() - since;
          this.dispatch({ type: 'figures', figures: setFigures(samples), seconds: active / 1000 });
          this.dispatch({ type: 'status', status: 'paused' });
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          since = performance.now();
          if (!this.cancelled) this.dispatch({ type: 'status', status: 'running' });
        }
        if (this.cancelled) break;
        try {
          if (item.classIndex >= numClasses) throw new Error(`class_index ${item.classIndex} but the model has ${numClasses} classes`);
          const { pixels, width, height } = await this.decode(item.path);
          if (item.size && (item.size.width !== width || item.size.height !== height)) {
            throw new Error(`${width}x${height} pixels, the annotation says ${item.size.width}x${item.size.height} (boxes would not match)`);
          }
          const data = new Uint8ClampedArray(pixels.data);
          const inference = await this.c.client.call(
            'infer',
            {
              key,
              image: { width: pixels.width, height: pixels.height, data },
              topK: 1,
              extraClasses: [item.classIndex],
              keep: false,
              size,
              flip,
            },
            { transfer: [data.buffer] },
          );
          const sample: EvalSample = {
            gtClass: item.classIndex,
            gtBoxes: item.boxes,
            topClass: inference.top[0].index,
            maps: inference.maps,
            transform: toOriginalPixels(inference.transform, width, height),
          };
          samples.push(sample);
          this.dispatch({ type: 'sample', item: { path: item.path, sample } });
        } catch (e) {
          this.dispatch({ type: 'failed', problem: { path: item.path, problem: (e as Error).message } });
        }
      }
      active += performance.now() - since;
      this.dispatch({ type: 'figures', figures: setFigures(samples), seconds: active / 1000 });
      this.dispatch({ type: 'status', status: this.cancelled ? 'cancelled' : 'done' });
    } catch (e) {
      this.c.dispatch({ type: 'notice', kind: 'error', text: `Folder evaluation failed: ${(e as Error).message}` });
      this.dispatch({ type: 'status', status: 'cancelled' });
    } finally {
      this.running = false;
    }
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
      const { decodeJpeg } = await import('../image/decode-jpeg');
      let pixels: RGBAImage;
      try {
        pixels = decodeJpeg(bytes);
      } catch (e) {
        throw new Error(`corrupt JPEG (${(e as Error).message})`, { cause: e });
      }
      return { pixels, width: pixels.width, height: pixels.height };
    }
    const photo = await decodePhoto(blob, path);
    photo.bitmap.close();
    return { pixels: photo.pixels, width: photo.width, height: photo.height };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = null;
  }

  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  /** Opens one evaluated image in the viewer with its ground truth. */
  async open(path: string): Promise<void> {
    const file = this.files.get(path);
    if (!file) return;
    await this.c.openFile(file, path.split(/[\\/]/).pop() ?? path, { view: { gt: this.boxes.get(path) ?? [] } });
  }
}
