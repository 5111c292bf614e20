// What a model package is, as the models that run it see it: the manifest (architecture table,
// preprocessing, class names, provenance, the TF.js weights manifest) and, once loaded, its
// tensors. Reading, checking and writing packages is src/weights/'s work; this file only names
// the shapes, so that src/models never imports from src/weights.
import type * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../image/geometry';
import type { ArchConfig } from './architectures';

export const FORMAT = 'drn-lens-model/1';

/** `quantization` float16: the shard stores binary16 values, decoded to float32 at load. */
export interface WeightEntry { name: string; shape: number[]; dtype: 'float32'; quantization?: { dtype: 'float16' } }
export interface WeightGroup { paths: string[]; weights: WeightEntry[] }
export interface FileEntry { path: string; bytes: number; sha256: string }

export interface ModelManifest {
  format: typeof FORMAT;
  id: string;
  title: string;
  architecture: ArchConfig;
  preprocessing: Preprocessing;
  classes: string[];
  /** Where the weights came from and how they were converted. */
  provenance: string;
  license: string;
  /** TF.js weights manifest; paths are relative to manifest.json and may point into a sibling package. */
  weightsManifest: WeightGroup[];
  files: FileEntry[];
}

export interface LoadedPackage {
  manifest: ModelManifest;
  weights: Map<string, tf.Tensor>;
}
