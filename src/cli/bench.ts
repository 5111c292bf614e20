// `bench`: load time and image-to-maps time per model and backend, in Node, and where that time
// goes (preprocessing, the network, post-processing, the readback; kernel time where the backend
// reports it). Prints what it measured with the machine it measured on; --check also compares the
// backend's logits and maps with a reference backend on the same input.
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { cpus, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { LensModel, type InferSplit } from '../models/lens-model';
import { mapOf, type InferOptions } from '../models/class-maps';
import { BUILTIN_MODELS } from '../models/registry';
import { decodeImage } from '../image/decode-node';
import type { RGBAImage } from '../image/geometry';
import { UsageError, inputSize, number, oneOf } from './args';
import { randomModel } from './random-model';
import { initBackend, type NodeBackend } from './backend-node';
import { resolveModel } from './models';

export const BENCH_USAGE =
  'bench [--model ID|DIR,...] [--arch NAME,...] [--backend wasm|cpu|webgpu] [--runs N] [--image FILE] [--size N] [--flip] [--no-winner] [--no-warm-up] [--check] [--profile] [--no-replay] [--tf-flags NAME=VALUE,...] [--json]';

/** The phases every backend's infer has (InferSplit without the WebGPU-only fields). */
type Phases = Pick<InferSplit, 'preprocess' | 'forward' | 'postprocess' | 'readback'>;

export interface BenchRow {
  model: string;
  maps: string;
  backend: string;
  loadMs: number;
  /** LensModel.warmUp after the load (shader compilation or one run), unless --no-warm-up. */
  warmUpMs: number;
  /** The first photo after load (and warm-up). */
  firstMs: number;
  medianMs: number;
  p90Ms: number;
  runs: number;
  /** Medians over the runs of where infer's time went, in ms. */
  split: Phases;
  /** On WebGPU: the runs replayed a captured one (LensModel.replay). */
  replayed: boolean;
  /**
   * Median GPU kernel time of one infer from tf.time, where the backend measures it (WebGPU with
   * timestamp queries, WebGL); null on wasm and cpu, whose kernels run inside `forward`.
   */
  kernelMs: number | null;
  /** Tensors alive after the runs minus before them (must be 0). */
  tensorGrowth: number;
  /** Max |difference| / max |reference| against the reference backend, when --check. */
  check?: { reference: string; logits: number; maps: number; sameTop: boolean };
  /** One infer under tf.profile, when --profile: its kernels grouped by name, slowest first. */
  profile?: KernelProfile;
}

export interface KernelProfile {
  /** tfjs kernels one infer runs (a kernel may be several GPU dispatches, e.g. TopK). */
  kernels: number;
  byName: { name: string; count: number; ms: number }[];
  /** WebGPU compute dispatches of one infer op by op through tfjs (what the CPU pays for on a GPU); null elsewhere. */
  dispatches: number | null;
  /** The same for one replayed infer (the same GPU work, encoded from a capture); null when not replaying. */
  replayDispatches: number | null;
}

/** Counts the WebGPU compute dispatches `run` makes, by wrapping the encoder's dispatch call meanwhile. */
async function countDispatches(run: () => Promise<unknown>): Promise<number | null> {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups(...args: number[]): void } } }).GPUComputePassEncoder;
  if (tf.getBackend() !== 'webgpu' || !encoder) return null;
  const original = encoder.prototype.dispatchWorkgroups;
  let n = 0;
  encoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: number[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    encoder.prototype.dispatchWorkgroups = original;
  }
  return n;
}

/**
 * Where one infer's kernels go. On GPU backends each kernel's time is its own timestamp-query
 * measurement (so the run is slower than a plain one); elsewhere it is the kernel's wall time.
 */
export async function profileInfer(model: LensModel, image: RGBAImage, options: InferOptions): Promise<KernelProfile> {
  const info = await tf.profile(async () => {
    await model.infer(image, options);
  });
  const byName = new Map<string, { name: string; count: number; ms: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    entry.count++;
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, entry);
  }
  // Counted on a run of its own: under tf.profile every kernel is submitted apart, with timestamps.
  const dispatches = await countDispatches(() => model.infer(image, options));
  return { kernels: info.kernels.length, byName: [...byName.values()].sort((a, b) => b.ms - a.ms), dispatches, replayDispatches: null };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A reproducible photo-like test input (smooth colour gradients), for machines without photos. */
function syntheticImage(w = 640, h = 480): RGBAImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = 4 * (y * w + x);
      data[p] = (x * 255) / w;
      data[p + 1] = (y * 255) / h;
      data[p + 2] = 128 + 100 * Math.sin((x + y) / 40);
      data[p + 3] = 255;
    }
  return { width: w, height: h, data };
}

function relErr(a: Float32Array, b: Float32Array): number {
  let diff = 0,
    mag = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    mag = Math.max(mag, Math.abs(b[i]));
  }
  return mag > 0 ? diff / mag : diff;
}

/** tf.time's kernelMs is real kernel time only on GPU backends; on the others it is the wall time of the call. */
const REPORTS_KERNELS = new Set(['webgpu', 'webgl']);

/** One infer under tf.time: its kernels are all enqueued synchronously, before its readback. */
async function timedInfer(model: LensModel, image: RGBAImage, options: InferOptions): Promise<{ ms: number; split: InferSplit; kernelMs: number }> {
  let pending: ReturnType<LensModel['infer']> | undefined;
  const timing = await tf.time(() => {
    pending = model.infer(image, options);
  });
  const inf = await pending!;
  return { ms: inf.ms, split: model.lastSplit, kernelMs: timing.kernelMs as number };
}

export interface BenchSettings {
  runs: number;
  /** The backend as named in the table. */
  backend: string;
  /** A second backend to compare logits, maps and top-k with. */
  check?: NodeBackend | null;
  options?: InferOptions;
  /** LensModel.warmUp before the first photo (default true). */
  warmUp?: boolean;
  /** One more infer under tf.profile. */
  profile?: boolean;
  /** LensModel.replay: on WebGPU, replay captured runs (default true). */
  replay?: boolean;
}

/**
 * Times one model. The check builds a second copy of the model on the reference backend rather
 * than moving tensors there: a move reads GPU memory synchronously, which WebGPU in Node lacks.
 */
export async function benchOne(make: () => Promise<LensModel>, image: RGBAImage, settings: BenchSettings): Promise<BenchRow> {
  const { runs, backend, check = null, options = {}, warmUp = true, profile = false, replay = true } = settings;
  const t0 = performance.now();
  const model = await make();
  model.replay = replay;
  const loadMs = performance.now() - t0;
  const warmUpMs = warmUp ? await model.warmUp(options.size) : 0;
  const t1 = performance.now();
  const first = await model.infer(image, options);
  const firstMs = performance.now() - t1;
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  const splits: InferSplit[] = [];
  const kernels: number[] = [];
  const kernelsReported = REPORTS_KERNELS.has(tf.getBackend());
  for (let i = 0; i < runs; i++) {
    // A replay times its own pass (timestamp queries); tf.time sees none of it.
    if (model.lastSplit.replayed) {
      times.push((await model.infer(image, options)).ms);
      splits.push(model.lastSplit);
      if (model.lastSplit.gpu !== undefined) kernels.push(model.lastSplit.gpu);
      continue;
    }
    // Kernel timing adds queries (and on WebGPU a wait) to the run, so it gets runs of its own.
    if (kernelsReported && i % 2 === 1) {
      kernels.push((await timedInfer(model, image, options)).kernelMs);
      continue;
    }
    times.push((await model.infer(image, options)).ms);
    splits.push(model.lastSplit);
  }
  const tensorGrowth = tf.memory().numTensors - tensorsBefore;
  times.sort((a, b) => a - b);
  const med = (k: keyof Phases) =>
    quantile(
      splits.map((x) => x[k]).sort((a, b) => a - b),
      0.5,
    );
  const row: BenchRow = {
    model: model.manifest.id,
    maps: `${first.maps.width}x${first.maps.height}`,
    backend,
    loadMs,
    warmUpMs,
    firstMs,
    medianMs: quantile(times, 0.5),
    p90Ms: quantile(times, 0.9),
    runs: times.length,
    split: {
      preprocess: med('preprocess'),
      forward: med('forward'),
      postprocess: med('postprocess'),
      readback: med('readback'),
    },
    replayed: splits.some((x) => x.replayed),
    kernelMs: kernels.length
      ? quantile(
          kernels.sort((a, b) => a - b),
          0.5,
        )
      : null,
    tensorGrowth,
  };
  if (profile) {
    // tf.profile sees kernels only as tfjs runs them, op by op.
    model.replay = false;
    row.profile = await profileInfer(model, image, options);
    model.replay = replay;
    if (replay) row.profile.replayDispatches = await countDispatches(() => model.infer(image, options));
  }
  model.dispose();
  if (check) {
    const current = tf.getBackend();
    await tf.setBackend(check);
    const refModel = await make();
    const ref = await refModel.infer(image, { ...options, extraClasses: first.maps.classes });
    refModel.dispose();
    await tf.setBackend(current);
    const refMaps = first.maps.classes.flatMap((c) => Array.from(mapOf(ref.maps, c)));
    row.check = {
      reference: check,
      logits: relErr(first.logits, ref.logits),
      maps: relErr(first.maps.data, Float32Array.from(refMaps)),
      sameTop: first.top.every((t, i) => t.index === ref.top[i]?.index),
    };
  }
  return row;
}

function table(rows: BenchRow[]): string {
  const head = [
    'model',
    'maps',
    'backend',
    'load ms',
    'warm-up ms',
    'first ms',
    'median ms',
    'p90 ms',
    'pre ms',
    'forward ms',
    'post ms',
    'readback ms',
    'kernels ms',
    'runs',
    'tensors',
    'check',
  ];
  const body = rows.map((r) => [
    r.model,
    r.maps,
    r.replayed ? `${r.backend}, replayed` : r.backend,
    r.loadMs.toFixed(0),
    r.warmUpMs.toFixed(0),
    r.firstMs.toFixed(0),
    r.medianMs.toFixed(1),
    r.p90Ms.toFixed(1),
    r.split.preprocess.toFixed(1),
    r.split.forward.toFixed(1),
    r.split.postprocess.toFixed(1),
    r.split.readback.toFixed(1),
    r.kernelMs === null ? 'n/a' : r.kernelMs.toFixed(1),
    String(r.runs),
    `${r.tensorGrowth >= 0 ? '+' : ''}${r.tensorGrowth}`,
    r.check
      ? `vs ${r.check.reference}: logits ${r.check.logits.toExponential(1)}, maps ${r.check.maps.toExponential(1)}, top-k ${r.check.sameTop ? 'same' : 'DIFFERENT'}`
      : '',
  ]);
  return [head, head.map(() => '---'), ...body].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

function profileTable(row: BenchRow): string {
  const p = row.profile!;
  const total = p.byName.reduce((s, k) => s + k.ms, 0);
  const lines = p.byName.map((k) => `| ${k.name} | ${k.count} | ${k.ms.toFixed(2)} | ${((100 * k.ms) / (total || 1)).toFixed(1)}% |`);
  return [
    `${row.model}, ${row.backend}: one infer under tf.profile, ${p.kernels} kernels, ${total.toFixed(2)} ms of kernel time` +
      (p.dispatches === null ? '' : `; ${p.dispatches} WebGPU dispatches in an infer op by op`) +
      (p.replayDispatches === null ? '' : `, ${p.replayDispatches} in a replayed one`),
    '| kernel | count | ms | share |',
    '| --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

function isTfFlag(name: string): boolean {
  try {
    tf.env().get(name);
    return true;
  } catch {
    return false;
  }
}

/** `--tf-flags A=1,B=true`: tfjs environment flags for tuning runs (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE). */
function tfFlags(spec: string | undefined): string {
  for (const item of (spec ?? '').split(',').filter(Boolean)) {
    const [name, value] = item.split('=');
    if (!name || value === undefined || !isTfFlag(name)) throw new UsageError(`--tf-flags: ${item} is not NAME=VALUE with a tfjs flag NAME`);
    tf.env().set(name, value === 'true' ? true : value === 'false' ? false : Number.isFinite(Number(value)) ? Number(value) : value);
  }
  return spec ?? '';
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string' },
      arch: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      runs: { type: 'string', default: '20' },
      image: { type: 'string' },
      check: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      size: { type: 'string' },
      flip: { type: 'boolean', default: false },
      'no-winner': { type: 'boolean', default: false },
      'no-warm-up': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'tf-flags': { type: 'string' },
      'no-replay': { type: 'boolean', default: false },
    },
  });
  const options: InferOptions = { size: inputSize(values.size), flip: values.flip, winner: !values['no-winner'] };
  const backendName = oneOf<NodeBackend>('--backend', values.backend, ['wasm', 'cpu', 'webgpu']);
  const runs = number('--runs', values.runs, 1, 10_000);
  const backend = await initBackend(backendName);
  const flags = tfFlags(values['tf-flags']);
  const image = values.image ? decodeImage(new Uint8Array(await readFile(values.image)), values.image) : syntheticImage();
  const ids = values.model ? values.model.split(',') : values.arch ? [] : BUILTIN_MODELS.map((m) => m.id).reverse(); // the baseline first
  const rows: BenchRow[] = [];
  const reference = values.check ? (backendName === 'wasm' ? 'cpu' : 'wasm') : null;
  for (const spec of [
    ...ids.map((id) => ({ id })),
    ...(values.arch ?? '')
      .split(',')
      .filter(Boolean)
      .map((arch) => ({ arch })),
  ]) {
    const make = async () => ('id' in spec ? resolveModel(spec.id) : randomModel(spec.arch));
    rows.push(
      await benchOne(make, image, {
        runs,
        backend,
        check: reference,
        options,
        warmUp: !values['no-warm-up'],
        profile: values.profile,
        replay: !values['no-replay'],
      }),
    );
    if (!values.json) process.stderr.write(`${rows[rows.length - 1].model}: median ${rows[rows.length - 1].medianMs.toFixed(1)} ms\n`);
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${platform()}, Node ${process.version}, tfjs ${tf.version.tfjs}`;
  const input = `${values.image ?? 'synthetic 640x480'}, network input ${options.size ?? "the model's own"}${options.flip ? ' + flip' : ''}${options.winner ? '' : ', no winner grid'}${flags ? `, tfjs flags ${flags}` : ''}`;
  if (values.json) console.log(JSON.stringify({ machine, input, rows }, null, 1));
  else {
    console.log(`${machine}\ninput: ${input}; time = photo to maps on the CPU (preprocessing included)`);
    console.log('split (medians): pre = photo to input pixels; forward = the network enqueued (synchronous backends compute it here);');
    console.log('post = logits, top-k, planes, winner enqueued; readback = waiting for the one packed read (GPU backends compute here);');
    console.log('"replayed": WebGPU runs replay one captured run (forward = all of it encoded and submitted, post = 0);');
    console.log(
      `kernels = GPU kernel time of one infer: tf.time on every other run op by op, the pass's timestamp queries when replayed; n/a where not reported\n\n${table(rows)}`,
    );
    for (const r of rows.filter((x) => x.profile)) console.log(`\n${profileTable(r)}`);
  }
  return 0;
}
