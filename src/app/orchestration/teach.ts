// Taught classes (issue 18) as one more concern of the page: the Teach panel's effects (teach/
// teach-run.ts), labelling a folder (teach/label-run.ts), and the two points where a taught class
// meets the others: every run of the shown model asks for the taught classes' maps, and a shared
// link's taught classes are adopted before its shown classes are checked.
import type { RGBAImage } from '../../image/geometry';
import type { Backbone } from '../../teach/head-file';
import type { HeadStore } from '../teach/head-store';
import type { LinkHead } from '../teach/head-link';
import { localShown } from '../teach/link-heads';
import { LabelRun } from '../teach/label-run';
import { TeachRun } from '../teach/teach-run';
import { figuresInWords } from '../teach/train-words';
import type { Page } from './page';

/** What teaching needs from the browser (IndexedDB, canvas, fetch), passed in so Node tests need none. */
export interface TeachSource {
  store: HeadStore;
  /** A photo file's network pixels and a thumbnail; throws a named error for a non-photo. */
  decodeExample(file: Blob, name: string): Promise<{ image: RGBAImage; thumb: string }>;
  thumbOf(frame: RGBAImage): Promise<string>;
  /** The built-in background's features for a model ([] where the site has none). */
  background(modelKey: string, backbone: Backbone): Promise<Float32Array[]>;
  /** An image of a folder to label: its network pixels and its own size. */
  decodeForLabel(file: Blob, name: string): Promise<{ image: RGBAImage; width: number; height: number }>;
}

export class Teach {
  readonly run: TeachRun;
  readonly label: LabelRun;

  /** `rerun` runs the analysis again (a deleted head shifts later heads' class indices). */
  constructor(
    private readonly page: Page,
    source: TeachSource,
    rerun: () => Promise<void>,
  ) {
    let ids = 0;
    this.run = new TeachRun({
      client: page.client,
      dispatch: page.dispatch,
      state: page.state,
      say: page.say,
      store: source.store,
      decode: source.decodeExample,
      thumbOf: source.thumbOf,
      // In the worker: it holds the model's ImageNet classifier, which supplies the competitors.
      train: async (positives, negatives) => {
        const s = page.state();
        const load = s.loads[s.modelKey];
        const background = load?.status === 'ready' && load.info.backbone ? await source.background(s.modelKey, load.info.backbone) : [];
        const t = await page.client.call('train', { key: s.modelKey, positives, negatives, background });
        return { weights: t.weights, bias: t.bias, words: figuresInWords(s.teach.name.trim(), t.figures) };
      },
      newId: () => `${Date.now().toString(36)}-${(++ids).toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      now: () => new Date().toISOString(),
      rerun,
    });
    this.label = new LabelRun({ client: page.client, dispatch: page.dispatch, state: page.state, say: page.say, decode: source.decodeForLabel });
  }

  /** The shown model's taught classes' indices (head j is class numClasses + j), asked for on every run so they are listed and scored. */
  taughtIndices(key: string): number[] {
    const s = this.page.state();
    const load = s.loads[key];
    if (key !== s.modelKey || s.teach.modelKey !== key || load?.status !== 'ready') return [];
    return s.teach.heads.map((_, j) => load.info.numClasses + j);
  }

  /** Reads the shown model's taught classes from storage once it has loaded, and sets them in the worker. */
  async ensureHeads(): Promise<void> {
    const s = this.page.state();
    if (s.teach.modelKey !== s.modelKey && s.loads[s.modelKey]?.status === 'ready') await this.run.load(s.modelKey);
  }

  /**
   * A link's taught classes, adopted as this page's (kept, set in the worker); the link's class
   * indices for them are renumbered to this page's.
   */
  async adoptFromLink(heads: readonly (LinkHead | null)[], shown: readonly number[], numClasses: number): Promise<number[]> {
    await this.ensureHeads();
    return localShown(shown, numClasses, await this.run.fromLink(heads));
  }
}
