// Model and backend: starting a backend, loading each model once per backend, warming it up, and
// the models the user imported (converted in a worker, kept in IndexedDB).
import type { ModelManifest } from '../../weights/manifest';
import type { ImportInWorkerOptions } from '../../weights/import-client';
import type { ModelEntry } from '../state';
import type { BackendChoice, ModelSource } from '../worker/protocol';
import { mark } from '../timeline';
import type { Page } from './page';

/** The browser's side of imported models, passed in so that Node tests need no IndexedDB or Worker. */
export interface ModelStorage {
  list(): Promise<ModelManifest[]>;
  remove(key: string): Promise<void>;
  importCheckpoint(file: Blob & { name: string }, options: ImportInWorkerOptions): Promise<ModelManifest>;
  /** The ImageNet class names an official checkpoint is given. */
  imagenetClasses(): Promise<string[]>;
}

const importedEntry = (m: ModelManifest): ModelEntry => ({ key: m.id, title: m.title, source: { kind: 'idb', key: m.id }, imported: true });

export class ModelLoader {
  /** Loads under the current backend, so each model is fetched once per backend. */
  private loads = new Map<string, Promise<void>>();
  private backendReady: Promise<void> = Promise.resolve();
  /** Aborted when the page goes: an import in progress stops and its worker is terminated. */
  private readonly lifetime = new AbortController();

  /**
   * `rerun` runs the analysis again (analysis.ts) after a backend or model change; `baseUrl`
   * resolves the built-in models' manifest paths (the page's, not the worker's, base).
   */
  constructor(
    private readonly page: Page,
    private readonly storage: ModelStorage,
    private readonly rerun: (opts?: { missingOnly?: boolean }) => Promise<void>,
    private readonly baseUrl: string,
  ) {
    page.client.onBackendChange((info, reason) => {
      this.loads.clear();
      page.dispatch({ type: 'backendChanged', info });
      page.say('error', reason);
      void this.rerun();
    });
  }

  async start(): Promise<void> {
    void this.listImported();
    await this.chooseBackend(this.page.state().backendChoice);
  }

  private async listImported(): Promise<void> {
    try {
      this.page.dispatch({ type: 'modelsAdded', models: (await this.storage.list()).map(importedEntry) });
    } catch (e) {
      this.page.say('error', `Imported models could not be listed: ${(e as Error).message}`);
    }
  }

  /** Converts a PyTorch checkpoint in a worker, stores it in IndexedDB and switches to it. */
  async importWeights(file: Blob & { name: string }, arch?: string): Promise<void> {
    const { page } = this;
    const name = file.name;
    page.dispatch({ type: 'importing', state: { name, stage: 'reading', fraction: 0 } });
    try {
      const manifest = await this.storage.importCheckpoint(file, {
        // Official DRN checkpoints classify the ImageNet 1000, named as in the built-in models.
        classes: await this.storage.imagenetClasses(),
        arch,
        onProgress: (stage, fraction) => page.dispatch({ type: 'importing', state: { name, stage, fraction } }),
        signal: this.lifetime.signal,
      });
      const entry = importedEntry(manifest);
      page.dispatch({ type: 'modelsAdded', models: [entry] });
      page.say('info', `${name} was imported as ${manifest.title} and stored in this browser.`);
      // Selected at once, though the worker may still be busy (warming the previous model up).
      page.dispatch({ type: 'selectModel', key: entry.key });
      // A re-import replaces the stored package: drop the worker's old copy.
      await page.client.call('unload', { key: entry.key });
      this.loads.delete(entry.key);
      await this.chooseModel(entry.key);
    } catch (e) {
      if (!this.lifetime.signal.aborted) page.say('error', (e as Error).message);
    } finally {
      page.dispatch({ type: 'importing', state: null });
    }
  }

  async deleteImported(key: string): Promise<void> {
    const { page } = this;
    try {
      await this.storage.remove(key);
      await page.client.call('unload', { key });
      this.loads.delete(key);
      const wasShown = page.state().modelKey === key;
      page.dispatch({ type: 'modelRemoved', key });
      if (wasShown) await this.chooseModel(page.state().modelKey);
    } catch (e) {
      page.say('error', `The imported model could not be deleted: ${(e as Error).message}`);
    }
  }

  async chooseBackend(choice: BackendChoice): Promise<void> {
    const { page } = this;
    page.dispatch({ type: 'backendChoice', choice });
    this.loads.clear();
    this.backendReady = (async () => {
      try {
        const info = await page.client.call('init', { backend: choice });
        mark('backend-ready', { backend: info.name });
        page.dispatch({ type: 'backendReady', info });
      } catch (e) {
        page.dispatch({ type: 'backendFailed' });
        page.say('error', (e as Error).message);
      }
    })();
    // Sent right behind init: the worker reads the weights while the backend starts.
    const loaded = this.ensureLoaded(page.state().modelKey).catch(() => {});
    await this.backendReady;
    await loaded;
    // A photo opened while the backend started has run by now (or is queued): not twice.
    await this.rerun({ missingOnly: true });
  }

  async chooseModel(key: string): Promise<void> {
    this.page.dispatch({ type: 'selectModel', key });
    await this.ensureLoaded(key).catch(() => {});
    await this.rerun();
  }

  private resolveSource(src: ModelSource): ModelSource {
    // The worker's base URL is its script's; resolve against the page instead.
    return src.kind === 'url' ? { kind: 'url', manifestUrl: new URL(src.manifestUrl, this.baseUrl).href } : src;
  }

  /** Loads a model once per backend; rejects (after saying why) when it cannot be loaded. */
  ensureLoaded(key: string): Promise<void> {
    let p = this.loads.get(key);
    if (!p) {
      p = this.load(key);
      this.loads.set(key, p);
    }
    return p;
  }

  private async load(key: string): Promise<void> {
    const { page } = this;
    const entry = page.state().models.find((m) => m.key === key);
    // No wait for the backend: the worker answers in order, init first.
    if (!entry) throw new Error(`unknown model ${key}`);
    page.dispatch({ type: 'loadProgress', key, loaded: 0, total: 0 });
    let last = 0;
    mark('load-start', { key });
    try {
      // Ready as soon as the weights are in; the warm-up follows on its own (below), so a cached
      // second visit is usable after the load alone, and a photo dropped meanwhile simply waits
      // for the warm-up in the worker's queue.
      const info = await page.client.call(
        'load',
        { key, source: this.resolveSource(entry.source), warmUp: false },
        {
          onProgress: (loaded, total) => {
            // React need not re-render for every network chunk.
            const now = performance.now();
            if (now - last < 100 && loaded < total) return;
            last = now;
            page.dispatch({ type: 'loadProgress', key, loaded, total });
          },
        },
      );
      const { bytes, cachedBytes, ms, bytesMs, sha256Ms, tensorsMs } = info;
      mark('ready', { key, bytes, cachedBytes, ms, bytesMs, sha256Ms, tensorsMs });
      page.dispatch({ type: 'loadDone', info });
      // A photo already waiting runs next and prepares the model itself, so a warm-up first would
      // only delay its maps; except on WebGPU, where the warm-up compiles every shader at once and
      // a first run would compile them one by one.
      const backend = page.state().backend?.name;
      if (!page.state().photo || backend === 'webgpu') void this.warmUp(key, `preparing ${entry.title} on ${backend ?? 'the backend'}`);
    } catch (e) {
      this.loads.delete(key);
      const message = `${entry.title} could not be loaded: ${(e as Error).message}`;
      page.dispatch({ type: 'loadFailed', key, message });
      page.say('error', message);
      throw e;
    }
  }

  /** Warms a loaded model up at the current input size, saying so; a failure only loses the warm-up. */
  async warmUp(key: string, message: string): Promise<void> {
    const { page } = this;
    page.dispatch({ type: 'warmStart', key, message });
    mark('warm-up-start', { key });
    const ms = await page.client.call('warmUp', { key, size: page.state().input.size }).catch(() => 0);
    mark('warm-up-done', { key, ms });
    page.dispatch({ type: 'warmDone', key, ms });
  }

  /** Test hook: destroys the WebGPU device the way a GPU reset would. */
  loseDevice(): Promise<boolean> {
    return this.page.client.call('loseDevice', {});
  }

  dispose(): void {
    this.lifetime.abort();
  }
}
