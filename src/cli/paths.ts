// Where the CLI keeps things, relative to the repository (not the working directory).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));
export const CACHE_DIR = fileURLToPath(new URL('../../.cache', import.meta.url));
/**
 * The ImageNet dev set (400 annotated val images) that the eval tests, scripts and README commands
 * read: `DRN_LENS_DEV_SET` if set, else `../shared/data/imagenet-val-dev` beside the checkout, where
 * the project's machines keep it. It is never part of the repository (ImageNet's licence).
 */
export const DEV_SET = resolve(REPO_ROOT, process.env.DRN_LENS_DEV_SET ?? '../shared/data/imagenet-val-dev');
