// For the orchestration's Node tests: a worker client that answers from fakes, records every call,
// can hold a call until released, and rejects a call whose signal aborts with an AbortError, as
// the real worker does. Also a page (store + notices) and photo source around it.
import type { Inference } from '../../models/class-maps';
import { initialState, type Photo, type State } from '../state';
import { Store } from '../store';
import type { BackendInfo, CallName, Calls, ModelInfo } from '../worker/protocol';
import type { PhotoSource } from './analysis';
import { abortError, type CallOptions, type LensClient } from './lens-client';
import type { ModelStorage } from './model-loader';
import { createPage, type Page } from './page';

export const NAMES = ['apple', 'banana', 'cherry', 'damson', 'elder', 'fig', 'grape', 'hazel'];
export const BACKEND: BackendInfo = { name: 'wasm', device: 'fake', software: false, notes: [] };

export const modelInfo = (key: string): ModelInfo => ({
  key,
  title: `Model ${key}`,
  numClasses: NAMES.length,
  classes: NAMES,
  bytes: 100,
  cachedBytes: 0,
  ms: 1,
  bytesMs: 1,
  sha256Ms: 0,
  tensorsMs: 0,
  warmUpMs: 0,
});

/** An inference whose top classes are 0..topK-1, with a 2x2 map for each of them and the extra ones. */
export function fakeInference({ topK, extraClasses }: Calls['infer']['args']): Inference {
  const top = NAMES.slice(0, Math.min(topK, NAMES.length)).map((name, index) => ({ index, name, logit: 5 - index, probability: 0.1 }));
  const classes = [...new Set([...top.map((p) => p.index), ...extraClasses])];
  return {
    top,
    maps: { width: 2, height: 2, cellSize: 8, classes, data: new Float32Array(classes.length * 4).fill(1), winner: new Int32Array(4) },
    logits: new Float32Array(NAMES.length),
    taught: [],
    transform: {
      imageWidth: 4,
      imageHeight: 4,
      inputSize: 16,
      scaleX: 4,
      scaleY: 4,
      offsetX: 0,
      offsetY: 0,
      prepool: 1,
      resizedWidth: 16,
      resizedHeight: 16,
    },
    backend: 'wasm',
    ms: 1,
  };
}

type Handler<K extends CallName> = (args: Calls[K]['args'], opts: CallOptions) => Calls[K]['result'] | Promise<Calls[K]['result']>;
type Handlers = { [K in CallName]: Handler<K> };

export interface Recorded {
  call: CallName;
  args: unknown;
  opts: CallOptions;
}

export class FakeClient implements LensClient {
  readonly calls: Recorded[] = [];
  private listener: (info: BackendInfo, reason: string) => void = () => {};
  private held = new Map<CallName, Promise<void>>();
  terminated = false;
  handlers: Handlers = {
    init: () => BACKEND,
    load: ({ key }) => modelInfo(key),
    warmUp: () => 5,
    infer: (args) => fakeInference(args),
    maps: ({ classes }) => ({ classes, data: new Float32Array(classes.length * 4) }),
    memory: () => ({ numTensors: 7, numBytes: 70 }),
    embed: () => new Float32Array(4),
    setHeads: ({ heads }) => heads.length,
    train: () => {
      throw new Error('the fake client does not train');
    },
    faithfulness: ({ classIndex, steps }, opts) => {
      opts.onProgress?.(1, 2 * steps - 1);
      return {
        classIndex,
        fractions: [0, 1],
        deletion: [1, 0],
        insertion: [0, 1],
        deletionAuc: 0.2,
        insertionAuc: 0.8,
        blurSigma: 1,
        passes: 3,
        ms: 1,
      };
    },
    unload: () => true,
    loseDevice: () => false,
  };

  /** Calls of one kind, in order. */
  of<K extends CallName>(call: K): Calls[K]['args'][] {
    return this.calls.filter((c) => c.call === call).map((c) => c.args as Calls[K]['args']);
  }

  /** Makes calls of this kind wait until the returned function is called. */
  hold(call: CallName): () => void {
    let release = () => {};
    this.held.set(
      call,
      new Promise<void>((r) => (release = r)).then(() => void this.held.delete(call)),
    );
    return release;
  }

  call<K extends CallName>(call: K, args: Calls[K]['args'], opts: CallOptions = {}): Promise<Calls[K]['result']> {
    if (opts.signal?.aborted) return Promise.reject(abortError(call));
    this.calls.push({ call, args, opts });
    const held = this.held.get(call);
    const answer = (async () => {
      await held;
      // A worker answers after a message round trip, never synchronously.
      await new Promise((r) => setTimeout(r, 0));
      return (this.handlers[call] as Handler<K>)(args, opts);
    })();
    if (!opts.signal) return answer;
    const signal = opts.signal;
    return Promise.race([
      answer,
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(abortError(call)), { once: true })),
    ]);
  }

  onBackendChange(listener: (info: BackendInfo, reason: string) => void): void {
    this.listener = listener;
  }

  /** The worker announces a backend change (a lost GPU). */
  changeBackend(info: BackendInfo, reason: string): void {
    this.listener(info, reason);
  }

  terminate(): void {
    this.terminated = true;
  }
}

export interface TestPage {
  page: Page;
  client: FakeClient;
  store: Store;
  state(): State;
  /** The notices' texts so far, by kind. */
  said(kind: 'error' | 'info'): string[];
}

export function testPage(state: State = initialState('wasm')): TestPage {
  const client = new FakeClient();
  const store = new Store(state);
  const page = createPage(client, store.dispatch, store.get);
  const all: { kind: string; text: string }[] = [];
  const say = page.say;
  page.say = (kind, text) => {
    all.push({ kind, text });
    say(kind, text);
  };
  return { page, client, store, state: store.get, said: (kind) => all.filter((n) => n.kind === kind).map((n) => n.text) };
}

let photoId = 0;

/** Decodes any blob into a 4x4 photo named as given; `fail` names files it refuses. */
export function fakePhotos(fail: (name: string) => string | null = () => null): PhotoSource & { decoded: string[] } {
  const decoded: string[] = [];
  return {
    decoded,
    baseUrl: 'https://lens.test/app/',
    async decode(_file: Blob, name: string): Promise<Photo> {
      await new Promise((r) => setTimeout(r, 0));
      const problem = fail(name);
      if (problem) throw new Error(problem);
      decoded.push(name);
      return {
        id: ++photoId,
        name,
        bitmap: { close() {} } as ImageBitmap,
        pixels: { width: 4, height: 4, data: new Uint8ClampedArray(64), colorSpace: 'srgb' } as ImageData,
        width: 4,
        height: 4,
        note: null,
        sample: null,
      };
    },
    async fetch(url: URL): Promise<Response> {
      if (url.pathname.endsWith('.gt.json')) return new Response('{"boxes":[[0,0,2,2]]}', { headers: { 'content-type': 'application/json' } });
      return new Response(new Blob([new Uint8Array(8)]));
    },
  };
}

/** Storage with no imported models, where an import fails. */
export const noStorage = (): ModelStorage => ({
  list: async () => [],
  remove: async () => {},
  importCheckpoint: () => Promise.reject(new Error('no')),
  imagenetClasses: async () => [],
});
