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

/** Something wrong with one entry of a set (or the set itself): left out and listed, as the page lists it. */
export interface SetProblem {
  path: string;
  problem: string;
}

/**
 * Reads and checks annotations.json and that every listed image file exists. Every entry that is
 * wrong is left out and listed (a set that cannot be read at all is one problem, with no images).
 */
export async function readDevSetListing(dir: string, limit = Infinity): Promise<{ images: DevImage[]; problems: SetProblem[] }> {
  const file = join(dir, 'annotations.json');
  const only = (problem: string) => ({ images: [], problems: [{ path: file, problem }] });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return only(code === 'ENOENT' ? 'no such file (is --data a data set folder?)' : (e as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return only(`not valid JSON (${(e as Error).message})`);
  }
  const list = (json as { images?: unknown } | null)?.images;
  if (!Array.isArray(list) || !list.length) return only('no "images" list');
  const images: DevImage[] = [];
  const problems: SetProblem[] = [];
  list.slice(0, limit).forEach((raw: unknown, i) => {
    const im = (raw ?? {}) as Record<string, unknown>;
    const where = `${file}: images[${i}]${typeof im.file === 'string' ? ` (${im.file})` : ''}`;
    const bad = (problem: string) => problems.push({ path: where, problem });
    if (typeof im.file !== 'string' || !im.file) return bad('"file" missing');
    if (!Number.isInteger(im.class_index) || (im.class_index as number) < 0) return bad('"class_index" must be a non-negative integer');
    if (!Number.isInteger(im.width) || !Number.isInteger(im.height)) return bad('"width" and "height" must be integers');
    if (!Array.isArray(im.boxes) || !im.boxes.length || !im.boxes.every(isBox))
      return bad('"boxes" must be a non-empty list of [xmin, ymin, xmax, ymax]');
    const path = join(dir, 'images', im.file);
    if (!existsSync(path)) return problems.push({ path, problem: `no such file (listed in ${file})` });
    images.push({ path, classIndex: im.class_index as number, width: im.width as number, height: im.height as number, boxes: im.boxes as Box[] });
  });
  return { images, problems };
}

/** As readDevSetListing, for commands that need every entry: the first problem stops them. */
export async function readDevSet(dir: string, limit = Infinity): Promise<DevImage[]> {
  const { images, problems } = await readDevSetListing(dir, limit);
  if (problems.length) {
    const [p] = problems;
    throw new Error(`${p.path}: ${p.problem}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`);
  }
  return images;
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
