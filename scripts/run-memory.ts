// What one photo's run takes of memory on wasm, in Node: the wasm heap (which never shrinks, so its
// growth on the first run is fresh memory the first photo pays to touch) and tfjs's peak tensor
// bytes during a run, with each run's wall time. Weights are float32 in the heap once loaded.
//
//   npx tsx scripts/run-memory.ts [--model ID] [--runs N]
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/cli/backend-node';
import { resolveModel } from '../src/cli/models';
import { decodeImage } from '../src/image/decode-node';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'drn-a-50-imagenet' }, runs: { type: 'string', default: '3' } },
});

await initBackend('wasm');
const photo = decodeImage(new Uint8Array(readFileSync(new URL('../public/samples/coffee.jpg', import.meta.url))), 'coffee.jpg');
const model = await resolveModel(values.model);
const heapMB = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength / 2 ** 20;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

console.log(`${values.model} on wasm in Node (one thread), coffee.jpg; MiB\n`);
console.log(`loaded: heap ${heapMB().toFixed(1)}, tensors ${mb(tf.memory().numBytes)}\n`);
console.log('| run | ms | peak tensor bytes during the run | heap after |');
console.log('|---|---|---|---|');
for (let i = 1; i <= Number(values.runs); i++) {
  const start = performance.now();
  const info = await tf.profile(async () => {
    await model.infer(photo, {});
  });
  console.log(`| ${i} | ${Math.round(performance.now() - start)} | ${mb(info.peakBytes)} | ${heapMB().toFixed(1)} |`);
}
