// Where the CLI keeps things, relative to the repository (not the working directory).
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));
export const CACHE_DIR = fileURLToPath(new URL('../../.cache', import.meta.url));
/** The shared ImageNet dev set beside the checkout (tests and README commands read it there). */
export const DEV_SET = fileURLToPath(new URL('../../../shared/data/imagenet-val-dev', import.meta.url));
