// The worker's share of issue 18's speed goals, on the same LensModel the page's worker runs: how
// long a class taught after the photo ran takes to get its map (setHeads + mapsFor, no forward
// pass), against an ImageNet class's mapsFor; and a camera frame's infer with the taught class asked
// for, against one with an ImageNet class instead (the frame rate). Medians of 10 after one warm-up.
// Node on tfjs's wasm backend (one thread); the page adds a message each way and a render.
//
//   npx tsx scripts/taught-class-bench.ts [--model drn-a-50-imagenet]
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/cli/backend-node';
import { resolveModel } from '../src/cli/models';
import { decodeImage } from '../src/image/decode-node';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'drn-a-50-imagenet' } } });
const backend = await initBackend('wasm');
const model = await resolveModel(values.model);
const photo = decodeImage(new Uint8Array(await readFile('public/samples/coffee.jpg')), 'coffee.jpg');
const n = model.manifest.classes.length;
const f = model.featureCount;
let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
// The numbers of a head do not change its cost; a trained one would take the same time.
const head = (name: string) => ({ name, weights: Float32Array.from({ length: f }, () => (random() - 0.5) / 50), bias: -1 });

async function median(label: string, run: () => Promise<unknown>): Promise<number> {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${((ms[4] + ms[5]) / 2).toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[9].toFixed(1)})`);
  return (ms[4] + ms[5]) / 2;
}

await model.infer(photo, { keepMaps: true });
// The classifier's columns are made once, on the first head set or map read: counted before the start.
model.setHeads([head('warm-up')]);
await model.mapsFor([n]);
const before = tf.memory().numTensors;
let k = 0;
await median('a class taught after the photo ran: setHeads + mapsFor of it', async () => {
  model.setHeads([head(`taught ${k++}`)]);
  return model.mapsFor([n]);
});
await median('an ImageNet class added to the photo: mapsFor', () => model.mapsFor([967]));
model.setHeads([head('taught')]);
const taught = await median('a camera frame with the taught class asked for: infer', () => model.infer(photo, { topK: 5, extraClasses: [n] }));
const imagenet = await median('a camera frame with an ImageNet class instead: infer', () => model.infer(photo, { topK: 5, extraClasses: [967] }));
console.log(`frames per second: ${(1000 / taught).toFixed(2)} with the taught class, ${(1000 / imagenet).toFixed(2)} with an ImageNet class`);
console.log(`tensors: ${before} before, ${tf.memory().numTensors} after`);
console.log(`${model.manifest.title}, ${backend}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
model.dispose();
