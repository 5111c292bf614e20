// The Teach panel's effects: one forward pass per example (its pooled features are kept in the
// page's state, so retraining after adding or removing examples never runs the network again),
// training, the taught classes kept per model, handed to the worker and shown on the current photo
// without a new forward pass. It takes a small client and a dispatch, not the page's controller.
import type { RGBAImage } from '../../image/geometry';
import type { Action, State } from '../state';
import type { Calls, CallName } from '../worker/protocol';
import type { HeadStore } from './head-store';
import type { LinkHead } from './head-link';
import { checkHeadAgainst, parseHeadFile, serializeHead } from '../../teach/head-file';
import { mark, markAtNextFrame } from '../timeline';
import { pendingExamples, shiftAfterRemoval, teachReducer, trainingSet, type TaughtClass, type TeachAction, type TeachExample } from './teach-state';

/** The worker calls this needs (LensClient fits). */
export interface TeachClient {
  call<K extends CallName>(call: K, args: Calls[K]['args'], opts?: { transfer?: Transferable[] }): Promise<Calls[K]['result']>;
}

/** What training gives back: the head and its figures in words. */
export interface Trained {
  weights: Float32Array;
  bias: number;
  words: string;
}

export interface TeachDeps {
  client: TeachClient;
  dispatch(a: Action): void;
  state(): State;
  /** Tells the user something in the page's notices. */
  say(kind: 'error' | 'info', text: string): void;
  store: HeadStore;
  /** A photo file's pixels (as the network sees them) and a thumbnail; throws a named error for a non-photo. */
  decode(file: Blob, name: string): Promise<{ image: RGBAImage; thumb: string }>;
  /** A frame's thumbnail. */
  thumbOf(frame: RGBAImage): Promise<string>;
  /** Trains a head on pooled features (teach/train.ts: pure, deterministic). */
  train(positives: Float32Array[], negatives: Float32Array[]): Promise<Trained>;
  newId(): string;
  /** ISO time, for the head's createdAt (its order among a model's heads). */
  now(): string;
  /** Runs the network again on the current photo (a deleted head shifts later heads' class indices). */
  rerun(): Promise<void>;
}

const teach = (action: TeachAction): Action => ({ type: 'teach', action });

/** The class index of head `j` of a model with `numClasses` ImageNet classes. */
export const taughtIndex = (numClasses: number, j: number): number => numClasses + j;

export class TeachRun {
  /** Examples' passes run one after another, in the order added. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly d: TeachDeps) {}

  private say(kind: 'error' | 'info', text: string): void {
    this.d.say(kind, text);
  }

  private numClasses(): number | null {
    const s = this.d.state();
    const load = s.loads[s.modelKey];
    return load?.status === 'ready' ? load.info.numClasses : null;
  }

  /** Photos added as examples (files, a folder, paste or drop). Non-photos are listed with the reason, never fatal. */
  addFiles(files: readonly File[], kind: TeachExample['kind']): Promise<void> {
    return this.enqueue(
      files.map((file) => ({
        id: this.d.newId(),
        name: file.name || 'pasted image',
        prepare: async () => {
          const { image, thumb } = await this.d.decode(file, file.name || 'pasted image');
          return { image, thumb };
        },
      })),
      kind,
    );
  }

  /** Camera frames (sampled while the record button is held). */
  addFrames(frames: readonly RGBAImage[], kind: TeachExample['kind']): Promise<void> {
    const base = this.d.state().teach.examples.length;
    return this.enqueue(
      frames.map((frame, i) => ({
        id: this.d.newId(),
        name: `camera frame ${base + i + 1}`,
        prepare: async () => ({ image: frame, thumb: await this.d.thumbOf(frame) }),
      })),
      kind,
    );
  }

  private enqueue(
    items: { id: string; name: string; prepare(): Promise<{ image: RGBAImage; thumb: string }> }[],
    kind: TeachExample['kind'],
  ): Promise<void> {
    for (const item of items) {
      this.queue = this.queue.then(async () => {
        let prepared: { image: RGBAImage; thumb: string };
        try {
          prepared = await item.prepare();
        } catch (e) {
          this.d.dispatch(teach({ type: 'exampleAdded', id: item.id, kind, name: item.name, thumb: '' }));
          this.d.dispatch(teach({ type: 'exampleFailed', id: item.id, error: (e as Error).message }));
          return;
        }
        this.d.dispatch(teach({ type: 'exampleAdded', id: item.id, kind, name: item.name, thumb: prepared.thumb }));
        await this.embed(item.id, prepared.image);
      });
    }
    return this.queue;
  }

  private async embed(id: string, image: RGBAImage): Promise<void> {
    const s = this.d.state();
    const data = new Uint8ClampedArray(image.data);
    try {
      const features = await this.d.client.call(
        'embed',
        { key: s.modelKey, image: { width: image.width, height: image.height, data }, size: s.input.size, flip: s.input.flip },
        { transfer: [data.buffer] },
      );
      // Removed while its pass ran: the reducer ignores an id it does not hold.
      this.d.dispatch(teach({ type: 'exampleEmbedded', id, features }));
    } catch (e) {
      this.d.dispatch(teach({ type: 'exampleFailed', id, error: `its forward pass failed: ${(e as Error).message}` }));
    }
  }

  /** The name the next class is taught under. */
  setName(name: string): void {
    this.d.dispatch(teach({ type: 'name', name }));
  }

  removeExample(id: string): void {
    this.d.dispatch(teach({ type: 'exampleRemoved', id }));
  }

  clearExamples(): void {
    this.d.dispatch(teach({ type: 'examplesCleared' }));
  }

  /**
   * Trains the class named in the panel on the examples' kept features (no forward pass), keeps it
   * in browser storage, hands it to the worker and shows it on the current photo. A class of the
   * same name on this model is replaced in place (its class index stays).
   */
  async train(): Promise<void> {
    await this.queue;
    if (this.d.state().teach.modelKey !== this.d.state().modelKey) await this.load(this.d.state().modelKey);
    const s = this.d.state();
    const name = s.teach.name.trim();
    const numClasses = this.numClasses();
    if (!name) return this.say('error', 'Name the class before training it.');
    if (numClasses === null) return this.say('error', 'The model is not loaded yet; train once it is.');
    const { positives, negatives } = trainingSet(s.teach);
    if (!positives.length) return this.say('error', `Add at least one photo of ${name} before training.`);
    if (pendingExamples(s.teach)) return this.say('error', 'Some examples are still being read; train once they are in.');
    mark('train-start', { key: s.modelKey, positives: positives.length, negatives: negatives.length });
    this.d.dispatch(
      teach({
        type: 'trainStart',
        step: `training ${name} on ${positives.length} photo${positives.length === 1 ? '' : 's'} of it and ${negatives.length} other${negatives.length === 1 ? '' : 's'}…`,
      }),
    );
    let trained: Trained;
    try {
      trained = await this.d.train(positives, negatives);
    } catch (e) {
      this.d.dispatch(teach({ type: 'trainFailed' }));
      return this.say('error', `Training failed: ${(e as Error).message}`);
    }
    const same = s.teach.heads.find((h) => h.name === name);
    const head: TaughtClass = {
      id: same?.id ?? this.d.newId(),
      modelKey: s.modelKey,
      name,
      weights: trained.weights,
      bias: trained.bias,
      inputSize: s.input.size,
      examples: { positives: positives.length, negatives: negatives.length },
      createdAt: same?.createdAt ?? this.d.now(),
    };
    await this.adopt([head], { with: [{ type: 'trainDone', figures: trained.words }] });
  }

  /**
   * Taught classes from training, a file or a link: stored, set in the worker and shown on the
   * current photo. Returns their class indices. `with`: teach actions that go into the state with
   * them (training's figures).
   */
  async adopt(heads: readonly TaughtClass[], opts: { show?: boolean; with?: readonly TeachAction[] } = {}): Promise<number[]> {
    const key = this.d.state().modelKey;
    mark('head-ready', { key, heads: heads.length });
    // Kept while the worker works, not before: an IndexedDB put took 40-90 ms in the page
    // benchmark, and the photo need not wait for it.
    const kept = Promise.all(
      heads.map((head) =>
        this.d.store
          .save(head)
          .catch((e: unknown) => this.say('error', `${head.name} works until a reload but could not be kept: ${(e as Error).message}`)),
      ),
    );
    const actions: TeachAction[] = [...(opts.with ?? []), ...heads.map((head): TeachAction => ({ type: 'headSaved', head }))];
    const after = actions.reduce(teachReducer, this.d.state().teach);
    const numClasses = this.numClasses() ?? 0;
    const indices = heads
      .map((h) =>
        taughtIndex(
          numClasses,
          after.heads.findIndex((k) => k.id === h.id),
        ),
      )
      .filter((i) => i >= numClasses);
    const calls = await this.sync(indices, opts.show !== false, actions);
    // React renders the store's changes in a microtask queued before this one (and the viewer
    // draws in its effects then), so this one sees them done.
    if (calls)
      queueMicrotask(() =>
        markAtNextFrame('taught-maps', { key, classes: indices.length, workerMs: calls.workerMs, renderMs: performance.now() - calls.answered }),
      );
    await kept;
    return indices;
  }

  /**
   * A share link's taught classes, adopted as this page's (one of the same name is replaced): their
   * class indices here, null for one refused (already named by the link reader, or of another
   * backbone, named here).
   */
  async fromLink(linked: readonly (LinkHead | null)[]): Promise<(number | null)[]> {
    const s = this.d.state();
    const load = s.loads[s.modelKey];
    if (load?.status !== 'ready') return linked.map(() => null);
    const features = load.info.features;
    const heads: (TaughtClass | null)[] = linked.map((h) => {
      if (!h) return null;
      if (features !== undefined && h.weights.length !== features) {
        this.say(
          'error',
          `Shared view: the taught class "${h.name}" was refused: it has ${h.weights.length} weights, and ${load.info.title}'s heads have ${features} (it was taught on another backbone).`,
        );
        return null;
      }
      const same = this.d.state().teach.heads.find((k) => k.name === h.name);
      return {
        id: same?.id ?? this.d.newId(),
        modelKey: s.modelKey,
        name: h.name,
        weights: Float32Array.from(h.weights),
        bias: h.bias,
        inputSize: s.input.size,
        examples: same?.examples ?? { positives: 0, negatives: 0 },
        createdAt: same?.createdAt ?? this.d.now(),
      };
    });
    const adopted = heads.filter((h): h is TaughtClass => h !== null);
    if (adopted.length) await this.adopt(adopted, { show: false });
    const numClasses = load.info.numClasses;
    const now = this.d.state().teach.heads;
    return heads.map((h) =>
      h
        ? taughtIndex(
            numClasses,
            now.findIndex((k) => k.id === h.id),
          )
        : null,
    );
  }

  /** A taught class as a `*.head.json` file (teach/head-file.ts), or a refusal in words. */
  exportHead(id: string): { name: string; text: string } | null {
    const s = this.d.state();
    const head = s.teach.heads.find((h) => h.id === id);
    const load = s.loads[s.modelKey];
    if (!head || load?.status !== 'ready' || !load.info.backbone) return null;
    if (head.examples.positives < 1) {
      this.say('error', `${head.name} came in a link, which does not say how many photos taught it; a head file must, so it cannot be exported.`);
      return null;
    }
    try {
      const text = serializeHead({
        name: head.name,
        backbone: load.info.backbone,
        inputSize: head.inputSize,
        features: head.weights.length,
        weights: head.weights,
        bias: head.bias,
        examples: head.examples,
        createdAt: head.createdAt,
      });
      return { name: `${head.name.replace(/[^\w.-]+/g, '_')}.head.json`, text };
    } catch (e) {
      this.say('error', (e as Error).message);
      return null;
    }
  }

  /** Imports `*.head.json` files: a corrupt file or one of another backbone is refused by name, the others kept. */
  async importHeads(files: readonly File[]): Promise<void> {
    const s = this.d.state();
    const load = s.loads[s.modelKey];
    if (load?.status !== 'ready' || !load.info.backbone || load.info.features === undefined)
      return this.say('error', 'The model is not loaded yet; import taught classes once it is.');
    for (const file of files) {
      try {
        const head = parseHeadFile(await file.text(), file.name);
        checkHeadAgainst(head, load.info.backbone, load.info.features);
        const same = this.d.state().teach.heads.find((k) => k.name === head.name);
        await this.adopt([
          {
            id: same?.id ?? this.d.newId(),
            modelKey: s.modelKey,
            name: head.name,
            weights: head.weights,
            bias: head.bias,
            inputSize: head.inputSize,
            examples: head.examples,
            createdAt: same?.createdAt ?? head.createdAt,
          },
        ]);
        this.say('info', `${head.name} was imported from ${file.name}.`);
      } catch (e) {
        const message = (e as Error).message;
        this.say('error', `${message.startsWith(file.name) ? message : `${file.name}: ${message}`}; nothing was imported from it.`);
      }
    }
  }

  /** The current model's stored classes (after its load), handed to the worker. */
  async load(modelKey: string): Promise<void> {
    let heads: TaughtClass[] = [];
    try {
      heads = await this.d.store.list(modelKey);
    } catch (e) {
      this.say('error', `Taught classes could not be read from browser storage: ${(e as Error).message}`);
    }
    this.d.dispatch(teach({ type: 'headsLoaded', modelKey, heads }));
    await this.sync([]);
  }

  /**
   * Hands the model's heads to the worker, then fetches the maps of `refresh` (taught indices)
   * for the current photo, so a new class appears without a new forward pass; `show`: and shows
   * them. `pending`: teach actions (new heads) that the worker gets at once and the state with the
   * maps: the page renders once, after the worker's answer, instead of also while the worker
   * works (that render delayed the answer's handling). When the photo got maps: the worker's round
   * trip and when its answer came (the bench splits the time by them).
   */
  private async sync(
    refresh: readonly number[],
    show = false,
    pending: readonly TeachAction[] = [],
  ): Promise<{ workerMs: number; answered: number } | null> {
    const s = this.d.state();
    const key = s.modelKey;
    let committed = false;
    const commit = () => {
      if (committed) return;
      committed = true;
      for (const a of pending) this.d.dispatch(teach(a));
    };
    if (s.teach.modelKey !== key) {
      commit();
      return null;
    }
    const heads = pending.reduce(teachReducer, s.teach).heads;
    const result = s.results[key];
    try {
      const t0 = performance.now();
      const set = this.d.client.call('setHeads', { key, heads: heads.map(({ name, weights, bias }) => ({ name, weights, bias })) });
      if (!result || !refresh.length) {
        commit();
        await set;
        return null;
      }
      // Sent at once: the worker answers in order, so the maps are of the heads just set, and the
      // request does not wait for the page to take the first answer (it may be busy drawing).
      const [, planes] = await Promise.all([set, this.d.client.call('maps', { key, classes: [...refresh] })]);
      const answered = performance.now();
      commit();
      // Replaced planes (a retrained class) go first: mapsAdded keeps planes it already holds.
      this.d.dispatch({ type: 'mapsDropped', modelKey: key, photoId: result.photoId, classes: planes.classes });
      this.d.dispatch({ type: 'mapsAdded', modelKey: key, photoId: result.photoId, classes: planes.classes, data: planes.data });
      // In the same task as its planes: one render and one drawing of the photo, not two.
      if (show) for (const index of refresh) this.showOnPhoto(index);
      return { workerMs: answered - t0, answered };
    } catch (e) {
      commit();
      this.say('error', `The taught classes could not be set in the model: ${(e as Error).message}`);
      return null;
    }
  }

  private showOnPhoto(index: number): void {
    const s = this.d.state();
    const result = s.results[s.modelKey];
    if (result?.inference.maps.classes.includes(index)) this.d.dispatch({ type: 'showClass', index });
  }

  /** Deletes a taught class; later classes move down one index, so the photo runs again. */
  async remove(id: string): Promise<void> {
    const s = this.d.state();
    const at = s.teach.heads.findIndex((h) => h.id === id);
    const numClasses = this.numClasses();
    if (at < 0 || numClasses === null) return;
    try {
      await this.d.store.remove(id);
    } catch (e) {
      return this.say('error', `${s.teach.heads[at].name} could not be deleted: ${(e as Error).message}`);
    }
    this.d.dispatch({
      type: 'applyView',
      view: { shown: shiftAfterRemoval(s.view.shown, numClasses, at), added: shiftAfterRemoval(s.view.added, numClasses, at) },
    });
    this.d.dispatch(teach({ type: 'headRemoved', id }));
    await this.sync([]);
    await this.d.rerun();
  }
}
