// Running a model over dev-set images, in this thread or spread over worker threads: tfjs's wasm
// backend cannot start its own threads in Node, so each job is a worker with its own backend and
// its own copy of the model. Images go out one at a time to whichever job is free, and results are
// put back in image order, so the figures do not depend on the number of jobs.
import { Worker } from 'node:worker_threads';
import type { LensModel } from '../models/lens-model';
import type { EvalSample } from '../localize/metrics';
import { initBackend } from './backend-node';
import { readDevPhoto, type DevImage } from './dev-set';
import { resolveModel } from './models';

export interface JobSetup {
  model: string;
  backend: 'wasm' | 'cpu';
  /** Network input side (default: the model's own). */
  size?: number;
  flip?: boolean;
}

export interface Inferred {
  samples: EvalSample[];
  /** Each image's own time inside its job (read, decode, network), in image order. */
  imageSeconds: number[];
  backend: string;
  modelId: string;
  /** Start-up: thread, backend and model load, until the last job was ready (they start side by side). */
  loadSeconds: number;
}

/** Messages between the main thread and a job (eval-worker.ts). */
export type ToJob = { type: 'setup'; setup: JobSetup } | { type: 'image'; index: number; image: DevImage };
export type FromJob =
  | { type: 'ready'; backend: string; modelId: string }
  | { type: 'sample'; index: number; sample: EvalSample; seconds: number }
  | { type: 'error'; message: string };

/** One image's sample, and its time in this job. */
export async function sampleOf(model: LensModel, im: DevImage, setup: JobSetup): Promise<{ sample: EvalSample; seconds: number }> {
  const start = performance.now();
  const photo = await readDevPhoto(im, model.manifest.classes.length);
  const inf = await model.infer(photo, { topK: 1, extraClasses: [im.classIndex], size: setup.size, flip: setup.flip });
  const sample = { gtClass: im.classIndex, gtBoxes: im.boxes, topClass: inf.top[0].index, maps: inf.maps, transform: inf.transform };
  return { sample, seconds: (performance.now() - start) / 1000 };
}

/** Loads the model on the backend, as each job does. */
export async function openModel(setup: JobSetup): Promise<{ model: LensModel; backend: string; loadSeconds: number }> {
  const backend = await initBackend(setup.backend);
  const start = performance.now();
  const model = await resolveModel(setup.model);
  return { model, backend, loadSeconds: (performance.now() - start) / 1000 };
}

async function inThisThread(images: readonly DevImage[], setup: JobSetup, onDone: () => void): Promise<Inferred> {
  const start = performance.now();
  const { model, backend } = await openModel(setup);
  const loadSeconds = (performance.now() - start) / 1000;
  try {
    const samples: EvalSample[] = [];
    const imageSeconds: number[] = [];
    for (const im of images) {
      const { sample, seconds } = await sampleOf(model, im, setup);
      samples.push(sample);
      imageSeconds.push(seconds);
      onDone();
    }
    return { samples, imageSeconds, backend, modelId: model.manifest.id, loadSeconds };
  } finally {
    model.dispose();
  }
}

/** A worker running eval-worker.ts; under tsx (a .ts entry) the worker registers tsx itself, as hooks are not inherited. */
function startJob(): Worker {
  const entry = new URL(`./eval-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true });
}

function inWorkers(images: readonly DevImage[], setup: JobSetup, jobs: number, onDone: () => void): Promise<Inferred> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const workers = Array.from({ length: Math.min(jobs, images.length) }, startJob);
    const samples: EvalSample[] = new Array(images.length);
    const imageSeconds: number[] = new Array(images.length);
    let next = 0,
      done = 0,
      ready = 0,
      loadSeconds = 0,
      backend = '',
      modelId = '',
      failed = false;
    const stop = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const feed = (w: Worker) => {
      if (next < images.length) {
        const index = next++;
        w.postMessage({ type: 'image', index, image: images[index] } satisfies ToJob);
      }
    };
    for (const w of workers) {
      w.on('message', (m: FromJob) => {
        if (m.type === 'error') return stop(new Error(m.message));
        if (m.type === 'ready') {
          backend = m.backend;
          modelId = m.modelId;
          // No image goes out before every job is ready, so the time after that is pure per-image work.
          if (++ready < workers.length) return;
          loadSeconds = (performance.now() - start) / 1000;
          return workers.forEach(feed);
        }
        samples[m.index] = m.sample;
        imageSeconds[m.index] = m.seconds;
        onDone();
        if (++done === images.length) {
          for (const x of workers) void x.terminate();
          resolve({ samples, imageSeconds, backend, modelId, loadSeconds });
        } else feed(w);
      });
      w.on('error', (e: Error) => stop(new Error(`eval job crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (code !== 0 && done < images.length) stop(new Error(`eval job exited with code ${code}`));
      });
      w.postMessage({ type: 'setup', setup } satisfies ToJob);
    }
  });
}

/** All images' samples, in image order, on `jobs` worker threads (1: this thread). */
export function inferAll(images: readonly DevImage[], setup: JobSetup, jobs: number, onDone: () => void = () => {}): Promise<Inferred> {
  return jobs <= 1 || images.length <= 1 ? inThisThread(images, setup, onDone) : inWorkers(images, setup, jobs, onDone);
}
