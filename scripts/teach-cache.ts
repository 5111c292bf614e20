// The backbone features of a box-annotated data set (the format of ../shared/data/imagenet-val-dev),
// cached on disk so that scripts/teach-eval.ts can teach and evaluate many heads without running the
// network again: per image its pooled features (float32) and, for the images of the concepts the
// evaluation localizes, its whole feature map (float16). One forward pass per image, on wasm, at the
// model's own input size; images already cached are skipped, so an interrupted run resumes.
//
//   npx tsx scripts/teach-cache.ts --data DIR --model ID [--cache DIR]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/cli/backend-node';
import { readDevPhoto, readDevSet } from '../src/cli/dev-set';
import { modelDir } from '../src/cli/models';
import { inputTransform } from '../src/image/geometry';
import { channelMap, inputPixels } from '../src/image/preprocess';
import { backbone } from '../src/models/forward';
import { buildPlan } from '../src/models/plan';
import { loadPackage } from '../src/weights/load-package';
import { folderSource } from '../src/weights/node-package';
import { toFloat16 } from '../src/weights/float16';
import { CONCEPTS, conceptOf } from './teach-concepts';

export const DEFAULT_CACHE = '.cache/teach';

/** Where one image's cached features live. */
export function cachePaths(cache: string, model: string, index: number): { pooled: string; features: string } {
  const dir = join(cache, model);
  return { pooled: join(dir, `${index}.pooled.f32`), features: join(dir, `${index}.features.f16`) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, model: { type: 'string' }, cache: { type: 'string', default: DEFAULT_CACHE } },
  });
  if (!values.data || !values.model) throw new Error('usage: tsx scripts/teach-cache.ts --data DIR --model ID [--cache DIR]');
  const images = await readDevSet(values.data);
  console.log(`backend ${await initBackend('wasm')}`);
  const pkg = await loadPackage(folderSource(modelDir(values.model)));
  const plan = buildPlan(pkg.manifest.architecture);
  const prep = pkg.manifest.preprocessing;
  mkdirSync(join(values.cache, values.model), { recursive: true });
  const start = performance.now();
  let done = 0;
  // The concepts' photos first (they are what is localized), then the others: a run cut short still
  // leaves every concept photo cached and a share of the others for the false-positive rate.
  const order = [...images.keys()].sort(
    (a, b) => Number(conceptOf(images[b].classIndex) !== null) - Number(conceptOf(images[a].classIndex) !== null) || a - b,
  );
  for (const i of order) {
    const im = images[i];
    const paths = cachePaths(values.cache, values.model, i);
    const wantMap = conceptOf(im.classIndex) !== null;
    if (existsSync(paths.pooled) && (!wantMap || existsSync(paths.features))) continue;
    const photo = await readDevPhoto(im, pkg.manifest.classes.length);
    const t = inputTransform(prep.resize, photo.width, photo.height);
    const features = tf.tidy(() =>
      backbone(plan, pkg.weights, tf.tensor4d(inputPixels(photo, t, channelMap(prep)), [1, t.inputSize, t.inputSize, 3])),
    );
    const [, h, w, f] = features.shape;
    const data = (await features.data()) as Float32Array;
    const pooled = tf.tidy(() => tf.mean(features, [0, 1, 2]));
    writeFileSync(paths.pooled, new Uint8Array(((await pooled.data()) as Float32Array).buffer.slice(0)));
    tf.dispose([features, pooled]);
    if (wantMap) writeFileSync(paths.features, new Uint8Array(toFloat16(data).buffer));
    done++;
    if (done % 10 === 0)
      console.log(`${done} new, image ${i + 1}/${images.length} (${h}x${w}x${f}), ${((performance.now() - start) / 1000 / done).toFixed(2)} s/image`);
  }
  console.log(
    `cached ${done} new images of ${images.length} in ${((performance.now() - start) / 1000).toFixed(0)} s; concepts: ${CONCEPTS.map((c) => c.name).join(', ')}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
