// The default ImageNet models on real photos that nobody here made (the samples the page offers,
// public/samples). Needs `npm run setup-models`; the object boxes were drawn by hand on each photo.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../cli/backend-node';
import { DEFAULT_MODEL, resolveModel } from '../cli/models';
import { MODELS_DIR } from '../cli/paths';
import { decodeImage } from '../image/decode-node';
import { inputToImage } from '../image/geometry';
import { type LensModel } from './lens-model';
import { mapOf } from './class-maps';

const SAMPLES = fileURLToPath(new URL('../../public/samples', import.meta.url));
const PHOTOS = [
  { file: 'chelsea.png', label: 'Egyptian cat', object: [40, 0, 451, 300] },
  { file: 'coffee.jpg', label: 'espresso', object: [170, 15, 420, 240] },
  // The uniform: cap to jacket.
  { file: 'grace_hopper.jpg', label: 'military uniform', object: [10, 20, 512, 600] },
] as const;

const models: Record<string, LensModel> = {};

beforeAll(async () => {
  for (const id of ['resnet-50-imagenet', DEFAULT_MODEL]) {
    if (!existsSync(join(MODELS_DIR, id, 'manifest.json'))) throw new Error(`models/${id} missing: run \`npm run setup-models\` first`);
  }
  await initBackend();
  models.resnet = await resolveModel('resnet-50-imagenet');
  models.drn = await resolveModel(DEFAULT_MODEL);
});

afterAll(() => Object.values(models).forEach((m) => m.dispose()));

describe.each(PHOTOS)('$file', ({ file, label, object }) => {
  const image = () => decodeImage(readFileSync(join(SAMPLES, file)), file);

  it(`ResNet-50 and DRN-A-50 both say ${label}`, async () => {
    for (const m of [models.resnet, models.drn]) {
      const r = await m.infer(image(), { topK: 1 });
      expect(r.top[0].name, m.manifest.id).toBe(label);
      expect(r.top[0].probability).toBeGreaterThan(0.5);
    }
  });

  it(`DRN-A-50's 28x28 map for ${label} peaks on the object`, async () => {
    const r = await models.drn.infer(image(), { topK: 1 });
    expect([r.maps.width, r.maps.height]).toEqual([28, 28]);
    const map = mapOf(r.maps, r.top[0].index);
    const peak = map.indexOf(Math.max(...map));
    const cx = (peak % 28) + 0.5, cy = Math.floor(peak / 28) + 0.5;
    const [x, y] = inputToImage(r.transform, cx * r.maps.cellSize, cy * r.maps.cellSize);
    expect(x).toBeGreaterThanOrEqual(object[0]);
    expect(x).toBeLessThanOrEqual(object[2]);
    expect(y).toBeGreaterThanOrEqual(object[1]);
    expect(y).toBeLessThanOrEqual(object[3]);
  });
});

describe('repeated inference', () => {
  it('does not leak tensors', async () => {
    const img = decodeImage(readFileSync(join(SAMPLES, 'coffee.jpg')), 'coffee.jpg');
    await models.resnet.infer(img);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await models.resnet.infer(img, { extraClasses: [1, 2] });
    expect(tf.memory().numTensors).toBe(after1);
  });
});
