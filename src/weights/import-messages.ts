// The messages between the page and the import worker, shared by both sides so that a change to
// one is a type error in the other.
import type { ModelManifest } from './manifest';

/** In order; each owns a slice of the overall fraction (see STAGE_RANGES in import-run.ts). */
export type ImportStage = 'reading' | 'parsing' | 'converting' | 'packing' | 'saving';

export interface ImportSettings {
  /** Official architecture name (e.g. 'drn_c_26'); left out, it is detected from the keys. */
  arch?: string;
  /** Names of the checkpoint's classes, in order: the 1000 ImageNet names for official checkpoints. */
  classes: string[];
}

/** Page -> worker; a worker handles exactly one. */
export interface ImportRequest extends ImportSettings {
  type: 'import';
  /** A File is a Blob; it is cloned by reference, so the page never reads the bytes. */
  file: Blob;
  name: string;
}

/** Worker -> page: any number of progress events, then exactly one done or error. */
export type ImportEvent =
  /** `fraction` is of the whole import (0..1, never decreasing), so one bar can show it. */
  | { type: 'progress'; stage: ImportStage; fraction: number }
  | { type: 'done'; manifest: ModelManifest }
  /** One line, starting with the file's name, fit to show as is. */
  | { type: 'error'; message: string };
