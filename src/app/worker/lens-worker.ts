// The inference worker: owns tfjs, the backend and the loaded models, so the page never blocks
// on a forward pass or on hashing 100 MB of weights. What it does is in inference-core.ts; this
// file binds it to the browser: the worker's messages, its backends and its model sources.
import * as tf from '@tensorflow/tfjs';
import { storeSource } from '../../weights/browser-store';
import { startBackend, webgpuDevice } from './backends';
import { FetchSource } from './fetch-source';
import { createInferenceCore } from './inference-core';
import type { PageMessage, WorkerMessage } from './protocol';

// The project's lib list mixes DOM and WebWorker, so `self` is typed as a Window; name what is used.
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<PageMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
};

const core = createInferenceCore({
  post: (m, transfer) => scope.postMessage(m, transfer),
  startBackend,
  webgpuDevice,
  removeBackend: (name) => tf.removeBackend(name),
  byteSource: (src) => (src.kind === 'url' ? new FetchSource(src.manifestUrl) : storeSource(src.key)),
});

scope.onmessage = (ev) => void core.receive(ev.data);
