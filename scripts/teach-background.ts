// The built-in background of taught classes (src/teach/background.ts): freely licensed photos in
// public/teach-background (see its LICENSES.md), and per model the pooled features of each photo and
// of its centre 60%, written beside them as <model>.features.json.
//
//   npx tsx scripts/teach-background.ts [--model ID]...        features from the photos in the repo
//   npx tsx scripts/teach-background.ts --import SKIMAGE_DATA   (once) copy the photos, at most 320 px a side
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { initBackend } from '../src/cli/backend-node';
import { resolveModel } from '../src/cli/models';
import { REPO_ROOT } from '../src/cli/paths';
import { decodeImage } from '../src/image/decode-node';
import type { RGBAImage } from '../src/image/geometry';
import { BACKGROUND_FORMAT, type BackgroundFile } from '../src/teach/background';
import { backboneOf } from '../src/teach/head-file';
import { toFloat16 } from '../src/weights/float16';

const DIR = join(REPO_ROOT, 'public/teach-background');
/** The scikit-image sample photos taken (their licences: public/teach-background/LICENSES.md). */
const PHOTOS = [
  'astronaut.png',
  'rocket.jpg',
  'hubble_deep_field.jpg',
  'gravel.png',
  'grass.png',
  'brick.png',
  'retina.jpg',
  'ihc.png',
  'coins.png',
  'camera.png',
  'cell.png',
  'coffee.png',
  'chelsea.png',
];
const MAX_SIDE = 320;

async function importPhotos(from: string): Promise<void> {
  for (const name of PHOTOS) {
    const img = await loadImage(readFileSync(join(from, name)));
    const s = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    const canvas = createCanvas(Math.round(img.width * s), Math.round(img.height * s));
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    writeFileSync(join(DIR, name.replace(/\.\w+$/, '.jpg')), canvas.toBuffer('image/jpeg', 88));
  }
}

function centre(img: RGBAImage, share: number): RGBAImage {
  const w = Math.round(img.width * share);
  const h = Math.round(img.height * share);
  const x0 = Math.floor((img.width - w) / 2);
  const y0 = Math.floor((img.height - h) / 2);
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(4 * ((y0 + y) * img.width + x0), 4 * ((y0 + y) * img.width + x0 + w)), 4 * y * w);
  return { width: w, height: h, data };
}

async function features(modelId: string): Promise<void> {
  const model = await resolveModel(modelId);
  const files = readdirSync(DIR)
    .filter((f) => /\.jpg$/.test(f))
    .sort();
  const items: string[] = [];
  const vectors: Float32Array[] = [];
  for (const file of files) {
    const photo = decodeImage(new Uint8Array(readFileSync(join(DIR, file))), file);
    for (const [view, img] of [
      ['full', photo],
      ['centre 60%', centre(photo, 0.6)],
    ] as const) {
      vectors.push((await model.infer(img, { topK: 1, winner: false, pooled: true })).pooled!);
      items.push(`${file} (${view})`);
    }
    console.error(`${modelId}: ${file}`);
  }
  const f = vectors[0].length;
  const all = new Float32Array(vectors.length * f);
  vectors.forEach((v, i) => all.set(v, i * f));
  const prep = model.manifest.preprocessing.resize;
  const out: BackgroundFile = {
    format: BACKGROUND_FORMAT,
    version: 1,
    backbone: await backboneOf(model.manifest),
    inputSize: prep.mode === 'stretch' ? prep.size : prep.crop,
    features: f,
    items,
    float16: Buffer.from(toFloat16(all).buffer).toString('base64'),
  };
  writeFileSync(join(DIR, `${modelId}.features.json`), `${JSON.stringify(out)}\n`);
  model.dispose();
}

const { values } = parseArgs({ options: { import: { type: 'string' }, model: { type: 'string', multiple: true } } });
if (values.import) await importPhotos(values.import);
else {
  await initBackend('wasm');
  for (const m of values.model ?? ['resnet-50-imagenet', 'drn-a-50-imagenet']) await features(m);
}
