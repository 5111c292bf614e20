// The page's effects in one place: it talks to the worker, decodes photos and reports every
// outcome to the reducer as an action. Components call its methods and render the state.
import type { Dispatch } from 'react';
import { deleteModel, listModels } from '../weights/browser-store';
import { importCheckpointInWorker } from '../weights/import-client';
import type { ModelManifest } from '../weights/manifest';
import { checkGroundTruth, parseBoxesJson, parseGroundTruth } from '../localize/ground-truth';
import type { Box } from '../localize/boxes';
import { DEFAULT_STEPS } from '../localize/faithfulness';
import { decodePhoto, toOriginalPixels } from './photo';
import { stillOf } from './camera';
import type { RGBAImage } from '../image/geometry';
import { DRN_KEY, RESNET_KEY, type Action, type ModelEntry, type State, type View } from './state';
import type { Decoded } from './url-state';
import { viewOf } from './url-sync';
import { LensClient } from './worker/client';
import { FolderRunner } from './folder-run';
import type { BackendChoice, ModelSource } from './worker/protocol';
// --- teach (issue 18) ---
import { TeachRun } from './teach/teach-run';
import { browserHeadStore } from './teach/head-store';
import { decodeExample, frameThumb } from './teach/thumbs';
import { figuresInWords } from './teach/train-words';
import { teachBackground } from './teach/background-fetch';
import { localShown } from './teach/link-heads';
import { LabelRun } from './teach/label-run';

const TOP_K = 5;

const importedEntry = (m: ModelManifest): ModelEntry => ({ key: m.id, title: m.title, source: { kind: 'idb', key: m.id }, imported: true });

export class Controller {
  readonly client = new LensClient();
  /** The folder evaluation (research mode). */
  readonly folder: FolderRunner = new FolderRunner(this);
  /** Loads under the current backend, so each model is fetched once per backend. */
  private loads = new Map<string, Promise<void>>();
  private backendReady: Promise<void> = Promise.resolve();
  private runQueue: Promise<void> = Promise.resolve();
  /** A shared link's view waiting for the user's own photo, which no link can carry. */
  private pendingView: Partial<View> | null = null;
  /** (teach) The Teach panel's effects and the taught classes. */
  readonly teach: TeachRun;
  /** (teach) Labelling a folder with the shown and taught classes (research panel). */
  readonly label: LabelRun;

  constructor(
    readonly dispatch: Dispatch<Action>,
    readonly state: () => State,
  ) {
    let ids = 0;
    this.teach = new TeachRun({
      client: this.client,
      dispatch,
      state,
      store: browserHeadStore,
      decode: decodeExample,
      thumbOf: frameThumb,
      // In the worker: it holds the model's ImageNet classifier, which supplies the competitors.
      train: async (positives, negatives) => {
        const s = this.state();
        const load = s.loads[s.modelKey];
        const background = load?.status === 'ready' && load.info.backbone ? await teachBackground(s.modelKey, load.info.backbone) : [];
        const t = await this.client.call('train', { key: s.modelKey, positives, negatives, background });
        return { weights: t.weights, bias: t.bias, words: figuresInWords(s.teach.name.trim(), t.figures) };
      },
      newId: () => `${Date.now().toString(36)}-${(++ids).toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      now: () => new Date().toISOString(),
      rerun: () => this.rerun(),
    });
    this.label = new LabelRun({
      client: this.client,
      dispatch,
      state,
      decode: async (file, name) => {
        const p = await decodePhoto(file, name);
        p.bitmap.close();
        return { image: { width: p.pixels.width, height: p.pixels.height, data: p.pixels.data }, width: p.width, height: p.height };
      },
    });
    this.client.onBackendChange = (info, reason) => {
      this.loads.clear();
      this.dispatch({ type: 'backendChanged', info, reason });
      void this.rerun();
    };
  }

  /** (teach) The shown model's taught classes' indices, asked for on every run so they are listed and scored. */
  private taughtIndices(key: string): number[] {
    const s = this.state();
    const load = s.loads[key];
    if (key !== s.modelKey || s.teach.modelKey !== key || load?.status !== 'ready') return [];
    return s.teach.heads.map((_, j) => load.info.numClasses + j);
  }

  /** (teach) Reads the shown model's taught classes from storage once it has loaded, and sets them in the worker. */
  private async ensureHeads(): Promise<void> {
    const s = this.state();
    if (s.teach.modelKey !== s.modelKey && s.loads[s.modelKey]?.status === 'ready') await this.teach.load(s.modelKey);
  }

  private say(kind: 'error' | 'info', text: string): void {
    this.dispatch({ type: 'notice', kind, text });
  }

  async start(): Promise<void> {
    void this.listImported();
    await this.chooseBackend(this.state().backendChoice);
  }

  private async listImported(): Promise<void> {
    try {
      this.dispatch({ type: 'modelsAdded', models: (await listModels()).map(importedEntry) });
    } catch (e) {
      this.say('error', `Imported models could not be listed: ${(e as Error).message}`);
    }
  }

  /** Converts a PyTorch checkpoint in a worker, stores it in IndexedDB and switches to it. */
  async importWeights(file: File, arch?: string): Promise<void> {
    const name = file.name;
    this.dispatch({ type: 'importing', state: { name, stage: 'reading', fraction: 0 } });
    try {
      // Official DRN checkpoints classify the ImageNet 1000, named as in the built-in models.
      // A chunk of its own: the page's first load does not carry 1000 names it may never use.
      const classes = [...(await import('../models/imagenet-classes')).IMAGENET_CLASSES];
      const manifest = await importCheckpointInWorker(file, {
        classes,
        arch,
        onProgress: (stage, fraction) => this.dispatch({ type: 'importing', state: { name, stage, fraction } }),
      });
      const entry = importedEntry(manifest);
      this.dispatch({ type: 'modelsAdded', models: [entry] });
      this.say('info', `${name} was imported as ${manifest.title} and stored in this browser.`);
      // Selected at once, though the worker may still be busy (warming the previous model up).
      this.dispatch({ type: 'selectModel', key: entry.key });
      // A re-import replaces the stored package: drop the worker's old copy.
      await this.client.call('unload', { key: entry.key });
      this.loads.delete(entry.key);
      await this.chooseModel(entry.key);
    } catch (e) {
      this.say('error', (e as Error).message);
    } finally {
      this.dispatch({ type: 'importing', state: null });
    }
  }

  async deleteImported(key: string): Promise<void> {
    try {
      await deleteModel(key);
      await this.client.call('unload', { key });
      this.loads.delete(key);
      const wasShown = this.state().modelKey === key;
      this.dispatch({ type: 'modelRemoved', key });
      if (wasShown) await this.chooseModel(this.state().modelKey);
    } catch (e) {
      this.say('error', `The imported model could not be deleted: ${(e as Error).message}`);
    }
  }

  async chooseBackend(choice: BackendChoice): Promise<void> {
    this.dispatch({ type: 'backendChoice', choice });
    this.loads.clear();
    this.backendReady = (async () => {
      try {
        const info = await this.client.call('init', { backend: choice });
        this.dispatch({ type: 'backendReady', info });
      } catch (e) {
        this.dispatch({ type: 'backendFailed', message: (e as Error).message });
      }
    })();
    await this.backendReady;
    await this.ensureLoaded(this.state().modelKey).catch(() => {});
    await this.ensureHeads();
    await this.rerun();
  }

  private entry(key: string): ModelEntry | undefined {
    return this.state().models.find((m) => m.key === key);
  }

  private resolveSource(src: ModelSource): ModelSource {
    // The worker's base URL is its script's; resolve against the page instead.
    return src.kind === 'url' ? { kind: 'url', manifestUrl: new URL(src.manifestUrl, document.baseURI).href } : src;
  }

  ensureLoaded(key: string): Promise<void> {
    let p = this.loads.get(key);
    if (!p) {
      const entry = this.entry(key);
      p = (async () => {
        await this.backendReady;
        if (!entry) throw new Error(`unknown model ${key}`);
        this.dispatch({ type: 'loadProgress', key, loaded: 0, total: 0 });
        let last = 0;
        try {
          // Ready as soon as the weights are in; the warm-up follows on its own (below), so a
          // cached second visit is usable after the load alone, and a photo dropped meanwhile
          // simply waits for the warm-up in the worker's queue.
          const info = await this.client.call(
            'load',
            { key, source: this.resolveSource(entry.source), warmUp: false },
            {
              onProgress: (loaded, total) => {
                // React need not re-render for every network chunk.
                const now = performance.now();
                if (now - last < 100 && loaded < total) return;
                last = now;
                this.dispatch({ type: 'loadProgress', key, loaded, total });
              },
            },
          );
          this.dispatch({ type: 'loadDone', info });
          void this.warmUp(key, `preparing ${entry.title} on ${this.state().backend?.name ?? 'the backend'}`);
        } catch (e) {
          this.loads.delete(key);
          this.dispatch({ type: 'loadFailed', key, message: `${entry.title} could not be loaded: ${(e as Error).message}` });
          throw e;
        }
      })();
      this.loads.set(key, p);
    }
    return p;
  }

  async chooseModel(key: string): Promise<void> {
    this.dispatch({ type: 'selectModel', key });
    await this.ensureLoaded(key).catch(() => {});
    await this.ensureHeads();
    await this.rerun();
  }

  /** `view` keeps settings across the new photo (a shared link's); else the shown classes restart. */
  async openFile(file: Blob, name: string, opts: { sample?: string; view?: Partial<View> } = {}): Promise<boolean> {
    try {
      const photo = { ...(await decodePhoto(file, name)), sample: opts.sample ?? null };
      const view = opts.view ?? (opts.sample ? undefined : (this.pendingView ?? undefined));
      if (!opts.sample) this.pendingView = null;
      this.dispatch({ type: 'photo', photo, view });
      if (photo.note) this.say('info', photo.note);
      await this.rerun();
      return true;
    } catch (e) {
      this.say('error', (e as Error).message);
      return false;
    }
  }

  /**
   * Opens a sample photo with the ground-truth boxes drawn by hand beside it (samples/NAME.gt.json),
   * unless `view` brings its own.
   */
  async openSample(file: string, view?: Partial<View>): Promise<void> {
    const base = new URL('samples/', document.baseURI);
    try {
      const res = await fetch(new URL(file, base)).catch((e: Error) => {
        throw new Error(`The sample ${file} could not be fetched (${e.message}): is the server still running?`);
      });
      if (!res.ok) throw new Error(`sample ${file} is missing (HTTP ${res.status})`);
      const blob = await res.blob();
      let gt: Box[] = [];
      const gtRes = await fetch(new URL(`${file.replace(/\.[^.]*$/, '')}.gt.json`, base)).catch(() => null);
      // A static host may answer a missing file with its index page: only JSON counts.
      if (gtRes?.ok && gtRes.headers.get('content-type')?.includes('json')) gt = parseBoxesJson(await gtRes.text(), `${file} ground truth`).boxes;
      await this.openFile(blob, file, { sample: file, view: { gt, ...view } });
    } catch (e) {
      this.say('error', (e as Error).message);
    }
  }

  /**
   * Shows any class of the model. Its map comes from the worker, which kept the current photo's
   * maps of every class, so the network does not run again.
   */
  async showClass(index: number): Promise<void> {
    const s = this.state();
    const result = s.results[s.modelKey];
    if (result && !result.inference.maps.classes.includes(index)) {
      try {
        const planes = await this.client.call('maps', { key: s.modelKey, classes: [index] });
        this.dispatch({ type: 'mapsAdded', modelKey: s.modelKey, photoId: result.photoId, classes: planes.classes, data: planes.data });
      } catch (e) {
        this.say('error', `The map of class ${index} could not be read: ${(e as Error).message}`);
        return;
      }
    }
    this.dispatch({ type: 'showClass', index });
  }

  /** Fetches, in one call, the maps of shown classes the current result does not hold yet. */
  private async fetchMissingMaps(): Promise<void> {
    const s = this.state();
    const result = s.results[s.modelKey];
    if (!result) return;
    const missing = s.view.shown.filter((c) => !result.inference.maps.classes.includes(c));
    if (!missing.length) return;
    try {
      const planes = await this.client.call('maps', { key: s.modelKey, classes: missing });
      this.dispatch({ type: 'mapsAdded', modelKey: s.modelKey, photoId: result.photoId, classes: planes.classes, data: planes.data });
    } catch (e) {
      this.say('error', `Maps of classes ${missing.join(', ')} could not be read: ${(e as Error).message}`);
      this.dispatch({ type: 'applyView', view: { shown: s.view.shown.filter((c) => !missing.includes(c)) } });
    }
  }

  /**
   * Brings back a view from the URL: a shared link when the page opens (`initial`: backend and model
   * are already chosen), or Back/Forward later. View changes alone never run the network.
   */
  async applyLink(d: Decoded, initial = false): Promise<void> {
    for (const p of d.problems) this.say('error', `Shared view: ${p}.`);
    const v = d.view;
    if (!initial && v.backend && v.backend !== this.state().backendChoice) await this.chooseBackend(v.backend);
    if (!initial && v.model && v.model !== this.state().modelKey) await this.chooseModel(v.model);
    const view = viewOf(v, this.state().view);
    const numClasses = this.state().loads[this.state().modelKey];
    // (teach) The link's taught classes are adopted (kept, set in the worker), and its indices for them renumbered to this page's.
    if (v.heads?.length && numClasses?.status === 'ready') {
      await this.ensureHeads();
      view.shown = localShown(view.shown ?? [], numClasses.info.numClasses, await this.teach.fromLink(v.heads));
    }
    if (view.shown && numClasses?.status === 'ready') {
      const n = numClasses.info.numClasses + this.state().teach.heads.length;
      const bad = view.shown.filter((c) => c >= n);
      if (bad.length) this.say('error', `Shared view: class ${bad.join(', ')} does not exist in this model (0-${n - 1}); left out.`);
      view.shown = view.shown.filter((c) => c < n);
    }
    const photo = this.state().photo;
    if (v.photo && v.photo !== 'own' && v.photo !== photo?.sample) {
      await this.openSample(v.photo, view);
      return;
    }
    if (v.photo === 'own' && (!photo || photo.sample)) {
      this.pendingView = view;
      this.say(
        'info',
        "This view was shared on a photo of the sender's own, which a link cannot carry: drop that photo here and the same classes, boxes and settings are applied to it.",
      );
      return;
    }
    this.dispatch({ type: 'applyView', view });
    await this.fetchMissingMaps();
  }

  /** Ground truth from a Pascal VOC XML or JSON file, checked against the photo's size. */
  async loadGroundTruth(file: File): Promise<void> {
    const photo = this.state().photo;
    if (!photo) {
      this.say('error', 'Open a photo before loading its ground truth.');
      return;
    }
    try {
      const gt = parseGroundTruth(await file.text(), file.name);
      this.dispatch({ type: 'gt', boxes: checkGroundTruth(gt, photo.width, photo.height, file.name) });
    } catch (e) {
      this.say('error', (e as Error).message);
    }
  }

  /** Adds a ground-truth box drawn or typed by the user, refused in words when it leaves the photo. */
  addGroundTruthBox(box: Box): void {
    const photo = this.state().photo;
    if (!photo) return;
    try {
      const boxes = checkGroundTruth({ boxes: [box], size: null }, photo.width, photo.height, 'the new ground-truth box');
      this.dispatch({ type: 'gt', boxes: [...this.state().view.gt, ...boxes] });
    } catch (e) {
      this.say('error', (e as Error).message);
    }
  }

  /** A new input size or flip setting: the network runs again (and warms up at a new size). */
  async setInput(size: number, flip: boolean): Promise<void> {
    const before = this.state().input;
    this.dispatch({ type: 'input', size, flip });
    const key = this.state().modelKey;
    const load = this.state().loads[key];
    if (size !== before.size && load?.status === 'ready') void this.warmUp(key, `preparing for ${size}×${size} inputs`);
    await this.rerun();
  }

  /** Warms a loaded model up at the current input size, saying so; a failure only loses the warm-up. */
  private async warmUp(key: string, message: string): Promise<void> {
    this.dispatch({ type: 'warmStart', key, message });
    const ms = await this.client.call('warmUp', { key, size: this.state().input.size }).catch(() => 0);
    this.dispatch({ type: 'warmDone', key, ms });
  }

  private frameId = 1_000_000;

  /**
   * A camera frame: analysed first, then shown with its result in one render, so the viewer always
   * holds the last analysed frame (no blank between frames) and a pause leaves a normal photo.
   */
  async analyseFrame(frame: RGBAImage): Promise<void> {
    const s = this.state();
    const key = s.modelKey;
    await this.ensureLoaded(key);
    await this.ensureHeads();
    const still = await stillOf(frame);
    const data = new Uint8ClampedArray(frame.data);
    const t0 = performance.now();
    const inference = await this.client.call(
      'infer',
      {
        key,
        image: { width: frame.width, height: frame.height, data },
        topK: TOP_K,
        extraClasses: this.taughtIndices(key),
        size: s.input.size,
        flip: s.input.flip,
      },
      { transfer: [data.buffer] },
    );
    const photo = { id: this.frameId++, name: 'camera', ...still, note: null, sample: null, fromCamera: true };
    this.dispatch({ type: 'photo', photo });
    this.dispatch({ type: 'runDone', result: { modelKey: key, photoId: photo.id, inference, roundTripMs: performance.now() - t0 } });
    this.dispatch({ type: 'memory', info: await this.client.call('memory', {}) });
  }

  setCompare(on: boolean): void {
    this.dispatch({ type: 'compare', on });
    if (on) void this.rerun();
  }

  /** Runs the shown model (and, when comparing, both ImageNet models) on the current photo. */
  rerun(): Promise<void> {
    this.runQueue = this.runQueue.then(() => this.runAll());
    return this.runQueue;
  }

  private async runAll(): Promise<void> {
    const s = this.state();
    const photo = s.photo;
    if (!photo) return;
    const keys = [s.modelKey, ...(s.view.compare ? [DRN_KEY, RESNET_KEY] : [])].filter((k, i, all) => all.indexOf(k) === i);
    this.dispatch({ type: 'runStart' });
    try {
      let extra: number[] = [];
      for (const key of keys) {
        try {
          await this.ensureLoaded(key);
        } catch {
          continue;
        }
        if (key === s.modelKey) await this.ensureHeads();
        const data = new Uint8ClampedArray(photo.pixels.data);
        const t0 = performance.now();
        // Classes switched on (from the search box, or a shared link) keep their maps on every run.
        const extraClasses = [...new Set([...s.view.shown, ...extra, ...this.taughtIndices(key)])];
        const inference = await this.client.call(
          'infer',
          {
            key,
            image: { width: photo.pixels.width, height: photo.pixels.height, data },
            topK: TOP_K,
            extraClasses,
            size: s.input.size,
            flip: s.input.flip,
          },
          { transfer: [data.buffer] },
        );
        inference.transform = toOriginalPixels(inference.transform, photo.width, photo.height);
        this.dispatch({ type: 'runDone', result: { modelKey: key, photoId: photo.id, inference, roundTripMs: performance.now() - t0 } });
        // The compared model also gets maps for the shown model's top classes.
        if (key === s.modelKey) extra = inference.top.map((p) => p.index);
      }
      this.dispatch({ type: 'memory', info: await this.client.call('memory', {}) });
    } catch (e) {
      this.say('error', `Analysis failed: ${(e as Error).message}`);
    } finally {
      this.dispatch({ type: 'runEnd' });
    }
  }

  /**
   * Deletion and insertion curves of one class's map on the current photo, in the worker
   * (2 * steps - 1 forward passes, with progress). One run at a time.
   */
  async runFaithfulness(classIndex: number, steps = DEFAULT_STEPS): Promise<void> {
    const s = this.state();
    const photo = s.photo;
    if (!photo || !s.results[s.modelKey] || (s.faith && !s.faith.result)) return;
    const key = s.modelKey;
    this.dispatch({ type: 'faithStart', modelKey: key, photoId: photo.id, classIndex, steps });
    try {
      const data = new Uint8ClampedArray(photo.pixels.data);
      const result = await this.client.call(
        'faithfulness',
        {
          key,
          image: { width: photo.pixels.width, height: photo.pixels.height, data },
          classIndex,
          steps,
          size: s.input.size,
          flip: s.input.flip,
        },
        { transfer: [data.buffer], onProgress: (done, total) => this.dispatch({ type: 'faithProgress', done, total }) },
      );
      const now = this.state();
      if (now.photo?.id !== photo.id || now.modelKey !== key) return;
      this.dispatch({ type: 'faithDone', result });
    } catch (e) {
      this.dispatch({ type: 'faithEnd' });
      const msg = (e as Error).message;
      this.say(
        msg.includes('cancelled') ? 'info' : 'error',
        msg.includes('cancelled') ? 'Faithfulness run cancelled.' : `Faithfulness curves failed: ${msg}`,
      );
    }
  }

  cancelFaithfulness(): void {
    void this.client.call('cancel', {});
  }

  dismiss(id: number): void {
    this.dispatch({ type: 'dismiss', id });
  }

  /** Test hook: destroys the WebGPU device the way a GPU reset would. */
  loseDevice(): Promise<boolean> {
    return this.client.call('loseDevice', {});
  }

  dispose(): void {
    this.client.terminate();
  }
}
