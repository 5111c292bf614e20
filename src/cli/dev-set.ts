// The box-annotated image sets that eval, compare and gridding read (the format of the ImageNet dev
// set: annotations.json and images/), checked as they are read.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../image/decode-node';
import type { RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';

export interface DevImage {
  path: string;
  classIndex: number;
  width: number;
  height: number;
  boxes: Box[];
}

const isBox = (b: unknown): b is Box =>
  Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)) && b[2] > b[0] && b[3] > b[1];

/** Reads and checks annotations.json and that every listed image file exists. */
export async function readDevSet(dir: string, limit = Infinity): Promise<DevImage[]> {
  const file = join(dir, 'annotations.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file (is --data a data set folder?)' : (e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const images = (json as { images?: unknown } | null)?.images;
  if (!Array.isArray(images) || !images.length) throw new Error(`${file}: no "images" list`);
  return images.slice(0, limit).map((raw: unknown, i): DevImage => {
    const im = (raw ?? {}) as Record<string, unknown>;
    const where = `${file}: images[${i}]${typeof im.file === 'string' ? ` (${im.file})` : ''}`;
    if (typeof im.file !== 'string' || !im.file) throw new Error(`${where}: "file" missing`);
    if (!Number.isInteger(im.class_index) || (im.class_index as number) < 0)
      throw new Error(`${where}: "class_index" must be a non-negative integer`);
    if (!Number.isInteger(im.width) || !Number.isInteger(im.height)) throw new Error(`${where}: "width" and "height" must be integers`);
    if (!Array.isArray(im.boxes) || !im.boxes.length || !im.boxes.every(isBox)) {
      throw new Error(`${where}: "boxes" must be a non-empty list of [xmin, ymin, xmax, ymax]`);
    }
    const path = join(dir, 'images', im.file);
    if (!existsSync(path)) throw new Error(`${path}: no such file (listed in ${file})`);
    return { path, classIndex: im.class_index as number, width: im.width as number, height: im.height as number, boxes: im.boxes as Box[] };
  });
}

/** Decodes a dev-set photo, checking it against its annotation and the model's class count. */
export async function readDevPhoto(im: DevImage, classes: number): Promise<RGBAImage> {
  const photo = decodeImage(new Uint8Array(await readFile(im.path)), im.path);
  if (photo.width !== im.width || photo.height !== im.height) {
    throw new Error(`${im.path}: ${photo.width}x${photo.height} pixels, annotations.json says ${im.width}x${im.height} (boxes would not match)`);
  }
  if (im.classIndex >= classes) throw new Error(`${im.path}: class_index ${im.classIndex} but the model has ${classes} classes`);
  return photo;
}
