// One `eval --jobs N` job: its own tfjs backend and model, fed one image at a time (eval-jobs.ts).
import { parentPort } from 'node:worker_threads';
import type { LensModel } from '../models/lens-model';
import { openModel, problemText, sampleOf, type FromJob, type JobSetup, type ToJob } from './eval-jobs';

const port = parentPort;
if (!port) throw new Error('eval-worker.ts runs as a worker thread of `eval --jobs N`');
const post = (m: FromJob) => port.postMessage(m);

let model: LensModel | null = null;
let setup: JobSetup | null = null;

port.on('message', async (m: ToJob) => {
  try {
    if (m.type === 'setup') {
      setup = m.setup;
      const opened = await openModel(setup);
      model = opened.model;
      post({ type: 'ready', backend: opened.backend, modelId: model.manifest.id });
    } else {
      if (!model || !setup) throw new Error('eval job got an image before its model');
      try {
        post({ type: 'sample', index: m.index, ...(await sampleOf(model, m.image, setup)) });
      } catch (e) {
        // One bad image is listed, as the page lists it; the job goes on with the next.
        post({ type: 'failed', index: m.index, message: problemText(m.image.path, e) });
      }
    }
  } catch (e) {
    post({ type: 'error', message: (e as Error).message || String(e) });
  }
});
