// Model packages on disk (Node only): read one from a folder, write one from named tensors.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ByteSource } from './load-package';
import { FORMAT, type ModelManifest } from './manifest';
import { pack, type NamedArray, type PackageMeta, type PackOptions } from './pack';

export function folderSource(dir: string): ByteSource {
  const describe = (p: string) => relative(process.cwd(), resolve(dir, p)) || '.';
  return {
    describe,
    async read(path) {
      try {
        return new Uint8Array(await readFile(resolve(dir, path)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(`${describe(path)}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
      }
    },
  };
}

/**
 * Writes manifest.json and its weight shards into a temporary folder, then renames it, so an
 * interrupted run never leaves a half-written package behind.
 */
export async function writePackage(dir: string, meta: PackageMeta, tensors: NamedArray[], options: PackOptions = {}): Promise<ModelManifest> {
  const packed = await pack(meta, tensors, options);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [path, bytes] of packed.files) await writeFile(join(tmp, path), bytes);
  await writeFile(join(tmp, 'manifest.json'), JSON.stringify(packed.manifest, null, 1));
  await mkdir(dirname(resolve(dir)), { recursive: true });
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return packed.manifest;
}

/**
 * A package whose weights are another package's files (the same tensors in another topology):
 * its manifest points at the sibling's shards, so a browser downloads and caches them once.
 */
export async function writeLinkedPackage(dir: string, meta: PackageMeta, base: ModelManifest, baseDir: string): Promise<ModelManifest> {
  const rel = `../${basename(resolve(baseDir))}/`;
  const manifest: ModelManifest = {
    format: FORMAT,
    ...meta,
    weightsManifest: base.weightsManifest.map((g) => ({ ...g, paths: g.paths.map((p) => rel + p) })),
    files: base.files.map((f) => ({ ...f, path: rel + f.path })),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return manifest;
}
