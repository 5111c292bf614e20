// Labelling a folder: each image runs once through the shown model in the worker (one at a time),
// with the shown and the taught classes; the boxes found become VOC, COCO or YOLO files
// (localize/label-writers.ts). Pause, resume and cancel; an image that cannot be read or run is
// listed with the reason and the run goes on.
import { ruleOptions } from '../overlay-view';
import { toOriginalPixels } from '../photo';
import { classNames, type Action, type State } from '../state';
import type { RGBAImage } from '../../image/geometry';
import type { TeachClient } from './teach-run';
import type { LabelAction } from './label-state';
import { labelObjects } from './label-objects';

export interface LabelDeps {
  client: TeachClient;
  dispatch(a: Action): void;
  state(): State;
  /** Tells the user something in the page's notices. */
  say(kind: 'error' | 'info', text: string): void;
  /** An image file's pixels; throws a named error for a file that is not one. */
  decode(file: Blob, name: string): Promise<{ image: RGBAImage; width: number; height: number }>;
}

/** ImageNet classes count as present on an image when among its top classes (as `label` in the CLI). */
const PRESENT_TOP = 5;

export class LabelRun {
  private paused = false;
  private cancelled = false;
  private wake: (() => void) | null = null;
  private running = false;

  constructor(private readonly d: LabelDeps) {}

  private send(action: LabelAction): void {
    this.d.dispatch({ type: 'label', action });
  }

  /** The classes labelled: the shown ones and every taught one, by index, with their names. */
  classes(): Map<number, string> {
    const s = this.d.state();
    const names = classNames(s);
    const load = s.loads[s.modelKey];
    const n = load?.status === 'ready' ? load.info.numClasses : names.length;
    const taught = Array.from({ length: names.length - n }, (_, j) => n + j);
    // ImageNet names list synonyms ("tabby, tabby cat"): the first names the label.
    return new Map([...new Set([...s.view.shown, ...taught])].filter((c) => c < names.length).map((c) => [c, names[c].split(',')[0].trim()]));
  }

  async start(files: readonly { path: string; file: Blob }[]): Promise<void> {
    if (this.running) return;
    const s = this.d.state();
    const wanted = this.classes();
    if (!wanted.size) {
      this.d.say('error', 'Show a class or teach one before labelling a folder: the labels are the shown and taught classes.');
      return;
    }
    this.running = true;
    this.paused = this.cancelled = false;
    const images = files.filter((f) => !/(^|\/)\./.test(f.path));
    this.send({ type: 'start', classes: [...wanted.values()], total: images.length });
    const key = s.modelKey;
    const rule = ruleOptions(s.view);
    const perRegion = s.view.instances ?? false;
    try {
      for (const f of images) {
        if (this.paused) {
          this.send({ type: 'status', status: 'paused' });
          await new Promise<void>((resolve) => (this.wake = resolve));
          if (!this.cancelled) this.send({ type: 'status', status: 'running' });
        }
        if (this.cancelled) break;
        try {
          const { image, width, height } = await this.d.decode(f.file, f.path);
          const data = new Uint8ClampedArray(image.data);
          const inf = await this.d.client.call(
            'infer',
            {
              key,
              image: { width: image.width, height: image.height, data },
              topK: PRESENT_TOP,
              extraClasses: [...wanted.keys()],
              keep: false,
              winner: rule.rule === 'drn',
              size: s.input.size,
              flip: s.input.flip,
            },
            { transfer: [data.buffer] },
          );
          // Boxes in the file's own pixels (a huge photo is analysed downscaled).
          inf.transform = toOriginalPixels(inf.transform, width, height);
          this.send({ type: 'image', image: { file: f.path, width, height, objects: labelObjects(inf, wanted, rule, perRegion) } });
        } catch (e) {
          this.send({ type: 'failed', path: f.path, problem: (e as Error).message });
        }
      }
      this.send({ type: 'status', status: this.cancelled ? 'cancelled' : 'done' });
    } finally {
      this.running = false;
    }
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
}
