// Photos for teaching a class in the page benchmark: views of the camera's own photo (coffee.jpg),
// so that the taught class is present on every camera frame and its map is drawn live, and views
// of other photos as "not this". Each view is a different square crop, some mirrored, so that no
// two examples have the same features; seeded, so every run teaches on the same photos.
import { readFileSync } from 'node:fs';
import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';

export interface ExampleFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const SIDE = 320;
const PUBLIC = new URL('../public/', import.meta.url);
/** Photos without a coffee cup: two samples and the built-in background's (whose coffee.jpg is the camera's). */
const OTHERS = [
  'samples/chelsea.png',
  'samples/grace_hopper.jpg',
  ...['astronaut', 'brick', 'camera', 'cell', 'coins', 'grass', 'gravel', 'hubble_deep_field', 'ihc', 'retina', 'rocket'].map(
    (n) => `teach-background/${n}.jpg`,
  ),
];

const load = (path: string) => loadImage(readFileSync(new URL(path, PUBLIC)));

function view(img: Image, random: () => number, name: string): ExampleFile {
  const short = Math.min(img.width, img.height);
  const side = short * (0.6 + 0.4 * random());
  const x = (img.width - side) * random(),
    y = (img.height - side) * random();
  const c = createCanvas(SIDE, SIDE);
  const ctx = c.getContext('2d');
  if (random() < 0.5) {
    ctx.translate(SIDE, 0);
    ctx.scale(-1, 1);
  }
  ctx.drawImage(img, x, y, side, side, 0, 0, SIDE, SIDE);
  return { name, mimeType: 'image/jpeg', buffer: c.toBuffer('image/jpeg', 90) };
}

/** `positives` views of coffee.jpg and `negatives` of the other photos, in turn. */
export async function benchExamples(positives: number, negatives: number): Promise<{ positives: ExampleFile[]; negatives: ExampleFile[] }> {
  let seed = 20261203;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const coffee = await load('samples/coffee.jpg');
  const others = await Promise.all(OTHERS.map(load));
  return {
    positives: Array.from({ length: positives }, (_, i) => view(coffee, random, `mug-${i + 1}.jpg`)),
    negatives: Array.from({ length: negatives }, (_, i) => view(others[i % others.length], random, `other-${i + 1}.jpg`)),
  };
}
