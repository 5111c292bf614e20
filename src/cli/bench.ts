// `bench`: load time and image-to-maps time per model and backend, in Node. Prints what it
// measured with the machine it measured on; --check also compares the backend's logits and maps
// with a reference backend on the same input.
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { cpus, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { ARCHITECTURES, isArchName } from '../models/architectures';
import { LensModel } from '../models/lens-model';
import { mapOf } from '../models/class-maps';
import { randomWeights } from '../models/random-weights';
import { BUILTIN_MODELS } from '../models/registry';
import { decodeImage } from '../image/decode-node';
import { KERAS_PREPROCESSING } from '../weights/keras-resnet50';
import { FORMAT } from '../weights/manifest';
import type { RGBAImage } from '../image/geometry';
import { UsageError, number, oneOf } from './args';
import { initBackend, type NodeBackend } from './backend-node';
import { resolveModel } from './models';

export const BENCH_USAGE = 'bench [--model ID|DIR,...] [--arch NAME,...] [--backend wasm|cpu|webgpu] [--runs N] [--image FILE] [--check] [--json]';

export interface BenchRow {
  model: string;
  maps: string;
  backend: string;
  loadMs: number;
  firstMs: number;
  medianMs: number;
  p90Ms: number;
  runs: number;
  /** Max |difference| / max |reference| against the reference backend, when --check. */
  check?: { reference: string; logits: number; maps: number };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A reproducible photo-like test input (smooth colour gradients), for machines without photos. */
function syntheticImage(w = 640, h = 480): RGBAImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = 4 * (y * w + x);
    data[p] = (x * 255) / w; data[p + 1] = (y * 255) / h; data[p + 2] = 128 + 100 * Math.sin((x + y) / 40); data[p + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** A model of any architecture with seeded random weights (randomWeights, seed 1) and ImageNet-sized numbered classes. */
export function randomModel(name: string): LensModel {
  if (!isArchName(name)) throw new UsageError(`--arch: unknown architecture ${name} (one of ${Object.keys(ARCHITECTURES).join(', ')})`);
  const arch = ARCHITECTURES[name];
  return new LensModel({
    manifest: {
      format: FORMAT, id: `${name} (random weights)`, title: name, architecture: arch,
      preprocessing: KERAS_PREPROCESSING, classes: Array.from({ length: arch.numClasses }, (_, i) => `class ${i}`),
      provenance: 'seeded random weights', license: 'none', weightsManifest: [], files: [],
    },
    weights: randomWeights(arch),
  });
}

function relErr(a: Float32Array, b: Float32Array): number {
  let diff = 0, mag = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); mag = Math.max(mag, Math.abs(b[i])); }
  return mag > 0 ? diff / mag : diff;
}

/**
 * Times one model. The check builds a second copy of the model on the reference backend rather
 * than moving tensors there: a move reads GPU memory synchronously, which WebGPU in Node lacks.
 */
async function benchOne(make: () => Promise<LensModel>, image: RGBAImage, runs: number, backend: string, check: NodeBackend | null): Promise<BenchRow> {
  const t0 = performance.now();
  const model = await make();
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const first = await model.infer(image);
  const firstMs = performance.now() - t1;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await model.infer(image)).ms);
  times.sort((a, b) => a - b);
  const row: BenchRow = {
    model: model.manifest.id, maps: `${first.maps.width}x${first.maps.height}`, backend, loadMs, firstMs,
    medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), runs,
  };
  model.dispose();
  if (check) {
    const current = tf.getBackend();
    await tf.setBackend(check);
    const refModel = await make();
    const ref = await refModel.infer(image, { extraClasses: first.maps.classes });
    refModel.dispose();
    await tf.setBackend(current);
    const refMaps = first.maps.classes.flatMap((c) => Array.from(mapOf(ref.maps, c)));
    row.check = { reference: check, logits: relErr(first.logits, ref.logits), maps: relErr(first.maps.data, Float32Array.from(refMaps)) };
  }
  return row;
}

function table(rows: BenchRow[]): string {
  const head = ['model', 'maps', 'backend', 'load ms', 'first ms', 'median ms', 'p90 ms', 'runs', 'check'];
  const body = rows.map((r) => [r.model, r.maps, r.backend, r.loadMs.toFixed(0), r.firstMs.toFixed(0), r.medianMs.toFixed(1), r.p90Ms.toFixed(1), String(r.runs),
    r.check ? `vs ${r.check.reference}: logits ${r.check.logits.toExponential(1)}, maps ${r.check.maps.toExponential(1)}` : '']);
  return [head, head.map(() => '---'), ...body].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: {
      model: { type: 'string' }, arch: { type: 'string' }, backend: { type: 'string', default: 'wasm' },
      runs: { type: 'string', default: '20' }, image: { type: 'string' }, check: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const backendName = oneOf<NodeBackend>('--backend', values.backend, ['wasm', 'cpu', 'webgpu']);
  const runs = number('--runs', values.runs, 1, 10_000);
  const backend = await initBackend(backendName);
  const image = values.image ? decodeImage(new Uint8Array(await readFile(values.image)), values.image) : syntheticImage();
  const ids = values.model ? values.model.split(',') : values.arch ? [] : BUILTIN_MODELS.map((m) => m.id).reverse(); // the baseline first
  const rows: BenchRow[] = [];
  const reference = values.check ? (backendName === 'wasm' ? 'cpu' : 'wasm') : null;
  for (const spec of [...ids.map((id) => ({ id })), ...(values.arch ?? '').split(',').filter(Boolean).map((arch) => ({ arch }))]) {
    const make = async () => ('id' in spec ? resolveModel(spec.id) : randomModel(spec.arch));
    rows.push(await benchOne(make, image, runs, backend, reference));
    if (!values.json) process.stderr.write(`${rows[rows.length - 1].model}: median ${rows[rows.length - 1].medianMs.toFixed(1)} ms\n`);
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${platform()}, Node ${process.version}, tfjs ${tf.version.tfjs}`;
  if (values.json) console.log(JSON.stringify({ machine, image: values.image ?? 'synthetic 640x480', rows }, null, 1));
  else console.log(`${machine}\ninput: ${values.image ?? 'synthetic 640x480'}; time = photo to maps on the CPU (preprocessing included)\n\n${table(rows)}`);
  return 0;
}
