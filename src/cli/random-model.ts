// Models with seeded random weights, for benchmarks and gridding measures that need an
// architecture's shape and speed but no trained weights.
import { ARCHITECTURES, isArchName } from '../models/architectures';
import { LensModel } from '../models/lens-model';
import { randomWeights } from '../models/random-weights';
import { KERAS_PREPROCESSING } from '../weights/keras-resnet50';
import { FORMAT } from '../weights/manifest';
import { UsageError } from './args';

/** A model of any architecture with seeded random weights (randomWeights, seed 1) and ImageNet-sized numbered classes. */
export function randomModel(name: string): LensModel {
  if (!isArchName(name)) throw new UsageError(`--arch: unknown architecture ${name} (one of ${Object.keys(ARCHITECTURES).join(', ')})`);
  const arch = ARCHITECTURES[name];
  return new LensModel({
    manifest: {
      format: FORMAT,
      id: `${name} (random weights)`,
      title: name,
      architecture: arch,
      preprocessing: KERAS_PREPROCESSING,
      classes: Array.from({ length: arch.numClasses }, (_, i) => `class ${i}`),
      provenance: 'seeded random weights',
      license: 'none',
      weightsManifest: [],
      files: [],
    },
    weights: randomWeights(arch),
  });
}
