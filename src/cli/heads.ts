// Taught classes on the command line: reading `--head FILE` files for a model, and listing the
// images of a folder (`teach --examples DIR`, `label IMAGES_DIR`).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { LensModel } from '../models/lens-model';
import { parseBackground } from '../teach/background';
import { backboneOf, checkHeadFor, parseHeadFile, type TaughtHead } from '../teach/head-file';
import { REPO_ROOT } from './paths';

export interface LoadedHead {
  head: TaughtHead;
  /** Its class index on the model: after the ImageNet classes, in the order given. */
  index: number;
  file: string;
}

/** Reads, checks (format, numbers, backbone) and sets the heads on the model; the first bad file throws one line. */
export async function loadHeads(files: readonly string[], model: LensModel): Promise<LoadedHead[]> {
  const loaded: LoadedHead[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    const head = parseHeadFile(text, file);
    try {
      await checkHeadFor(head, model.manifest);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
    }
    loaded.push({ head, index: model.manifest.classes.length + loaded.length, file });
  }
  model.setHeads(loaded.map(({ head }) => ({ name: head.name, weights: head.weights, bias: head.bias })));
  return loaded;
}

const IMAGE = /\.(jpe?g|png|webp|gif|bmp)$/i;

/** The image files under a folder (recursively), sorted; their paths relative to it use '/'. */
export async function imagesIn(dir: string): Promise<{ path: string; name: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'not a folder' : e.message}`);
  });
  return entries
    .filter((e) => e.isFile() && IMAGE.test(e.name))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, name: relative(dir, path).split('\\').join('/') };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The built-in background's vectors for this model (public/teach-background/<id>.features.json), or
 * none when the repository has none for it (a converted or imported model): then training relies
 * on the user's "not this" photos and the ImageNet competitors.
 */
export async function builtInBackground(model: LensModel): Promise<Float32Array[]> {
  const file = join(REPO_ROOT, 'public/teach-background', `${model.manifest.id}.features.json`);
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null ? [] : parseBackground(text, file, await backboneOf(model.manifest));
}
