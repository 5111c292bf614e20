// Model arguments of the CLI: an id names models/<id>, anything with a slash (or an existing
// folder) is a package folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LensModel } from '../models/lens-model';
import { DEFAULT_MODEL_ID, isBuiltinId } from '../models/registry';
import { loadPackage } from '../weights/load-package';
import { folderSource } from '../weights/node-package';
import { MODELS_DIR } from './paths';

export const DEFAULT_MODEL: string = DEFAULT_MODEL_ID;

export function modelDir(idOrDir: string): string {
  if (idOrDir.includes('/') || idOrDir.includes('\\') || existsSync(idOrDir)) return idOrDir;
  return join(MODELS_DIR, idOrDir);
}

export async function resolveModel(idOrDir = DEFAULT_MODEL): Promise<LensModel> {
  const dir = modelDir(idOrDir);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const hint = isBuiltinId(idOrDir) ? ' (run `npm run setup-models` first)' : '';
    throw new Error(`${join(dir, 'manifest.json')}: no model package there${hint}`);
  }
  return new LensModel(await loadPackage(folderSource(dir)));
}
