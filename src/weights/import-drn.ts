// A PyTorch state_dict in the official fyu/drn (or torchvision) layout -> a DRN Lens model
// package: find the architecture whose state_dict has exactly these keys and shapes, fold every
// batch norm into its conv and turn OIHW kernels into TF.js HWIO. Browser-safe.
import { ARCHITECTURES, narrowed, type ArchConfig, type ArchName } from '../models/architectures';
import { buildPlan, stateDictShapes, usedConvs } from '../models/plan';
import { TORCH_IMAGENET, type Preprocessing } from '../image/geometry';
import { foldBatchNorm, oihwToHwio } from './fold-bn';
import { sha256Hex } from './sha256';
import type { NamedArray, PackageMeta } from './pack';
import { CheckpointError, readCheckpoint, type StateDict } from './torch/checkpoint';

/** nn.BatchNorm2d's default, used by fyu/drn and torchvision alike. */
export const TORCH_BN_EPSILON = 1e-5;

export const DRN_PREPROCESSING: Preprocessing = { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } };

/**
 * Architectures tried when none is given, most likely first. Some state_dicts fit two:
 * DRN-B-26 has DRN-C-26's keys (they differ only in residuals), and DRN-A runs torchvision
 * ResNet weights (that is how fyu/drn builds its DRN-A-50), so those need --arch.
 */
const DETECT_ORDER: ArchName[] = [
  'drn_c_26',
  'drn_c_42',
  'drn_c_58',
  'drn_d_22',
  'drn_d_38',
  'drn_d_54',
  'drn_d_105',
  'drn_b_26',
  'drn_a_18',
  'drn_a_34',
  'drn_a_50',
  'resnet_18',
  'resnet_34',
  'resnet_50',
  'resnet_101',
];

export interface ImportOptions {
  /** The checkpoint's file name, for messages and provenance. */
  file: string;
  sha256: string;
  /** Names of the classifier's classes (the ImageNet 1000 for official checkpoints). */
  classes: string[];
  /** Official architecture name; the width of a narrowed copy is still detected. */
  arch?: ArchName;
  /** Package id; default from the architecture and the sha256, e.g. drn-c-26-ddedf421. */
  id?: string;
  onProgress?: (fraction: number) => void;
}

export interface Detection {
  /** What runs: the official table, narrowed when the checkpoint's channels are. */
  arch: ArchConfig;
  base: ArchName;
  /** Channel divisor relative to the official architecture (1 for official checkpoints). */
  width: number;
  /** Other architectures with exactly these keys and shapes. */
  alsoFits: ArchName[];
  /** Entries read but not needed by the forward pass (unused downsample, num_batches_tracked). */
  dropped: string[];
}

export interface ImportedModel {
  meta: PackageMeta;
  tensors: NamedArray[];
  detection: Detection;
}

interface Fit {
  arch: ArchConfig;
  base: ArchName;
  width: number;
  missing: string[];
  extra: string[];
  misshaped: string[];
  optionalPresent: string[];
}

const issues = (f: Fit) => f.missing.length + f.extra.length + f.misshaped.length;
const list = (names: string[], n = 6) => names.slice(0, n).join(', ') + (names.length > n ? ` and ${names.length - n} more` : '');
const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Compares the state_dict with one architecture at the width its stem implies. */
function fit(sd: StateDict, base: ArchName): Fit {
  const official = ARCHITECTURES[base];
  const stemKey = official.stem === 'layer0' ? 'layer0.0.weight' : 'conv1.weight';
  const stemOut = sd.get(stemKey)?.shape[0];
  const width = stemOut ? official.stemChannels / stemOut : 1;
  let arch: ArchConfig = width === 1 ? official : narrowed(official, width);
  const classes = sd.get('fc.weight')?.shape[0];
  if (classes && classes !== arch.numClasses) arch = { ...arch, numClasses: classes };
  const plan = buildPlan(arch);
  const unusedPrefixes = plan.units.flatMap((u) => (u.type === 'block' && u.downsample && !u.residual ? [u.downsample.name, u.downsample.bn!] : []));
  const isOptional = (key: string) => unusedPrefixes.some((p) => key.startsWith(`${p}.`));
  const f: Fit = { arch, base, width, missing: [], extra: [], misshaped: [], optionalPresent: [] };
  const expected = new Map(stateDictShapes(arch).map((t) => [t.name, t.shape]));
  for (const [name, shape] of expected) {
    const got = sd.get(name);
    if (!got) {
      if (!isOptional(name)) f.missing.push(name);
    } else if (!same(got.shape, shape)) {
      f.misshaped.push(`${name} is ${JSON.stringify(got.shape)}, ${arch.name} needs ${JSON.stringify(shape)}`);
    } else if (isOptional(name)) {
      f.optionalPresent.push(name);
    }
  }
  for (const name of sd.keys()) if (!expected.has(name)) f.extra.push(name);
  return f;
}

function describeFit(f: Fit): string {
  const parts = [
    f.missing.length ? `missing ${list(f.missing)}` : '',
    f.extra.length ? `unexpected ${list(f.extra)}` : '',
    f.misshaped.length ? `${list(f.misshaped, 3)}` : '',
  ].filter(Boolean);
  return parts.join('; ');
}

/** Refuses fyu/drn's DRNSeg checkpoints, which hold a backbone under base.* plus seg and up layers. */
function refuseSegmentation(sd: StateDict, file: string): void {
  const keys = [...sd.keys()];
  if (!keys.some((k) => k.startsWith('base.')) && !sd.has('seg.weight') && !sd.has('up.weight')) return;
  const classes = sd.get('seg.weight')?.shape[0];
  throw new CheckpointError(
    `${file}: a DRN segmentation checkpoint (keys base.*, seg.weight, up.weight; ` +
      `${classes ? `${classes} classes, ` : ''}e.g. Cityscapes' 19), which DRN Lens does not run: it needs an ImageNet ` +
      'classification checkpoint such as drn_d_22-4bd2f8ea.pth',
  );
}

export function detectArchitecture(state: StateDict, file: string, arch?: ArchName): { fit: Fit; alsoFits: ArchName[] } {
  const sd = new Map([...state].filter(([k]) => !k.endsWith('.num_batches_tracked')));
  refuseSegmentation(sd, file);
  const fits = (arch ? [arch] : DETECT_ORDER).map((a) => fit(sd, a));
  const good = fits.filter((f) => issues(f) === 0);
  if (good.length) return { fit: good[0], alsoFits: good.slice(1).map((f) => f.base) };
  const closest = fits.reduce((a, b) => (issues(b) < issues(a) ? b : a));
  if (arch) {
    const other = DETECT_ORDER.map((a) => fit(sd, a)).find((f) => issues(f) === 0);
    const hint = other ? ` (it fits ${other.arch.name}: leave out --arch)` : '';
    throw new CheckpointError(`${file}: does not match ${arch}${hint}: ${describeFit(closest)}`);
  }
  const expected = stateDictShapes(closest.arch).length;
  if (closest.missing.length > expected / 2) {
    const keys = [...sd.keys()];
    throw new CheckpointError(`${file}: not the state_dict of a DRN or ResNet (${keys.length} entries: ${list(keys)})`);
  }
  throw new CheckpointError(`${file}: matches no known architecture; closest is ${closest.arch.name}: ${describeFit(closest)}`);
}

function tensor(sd: StateDict, name: string): Float32Array {
  // detectArchitecture has checked every name and shape.
  return sd.get(name)!.data;
}

const title = (a: ArchName) => a.replace(/^drn_(\w)_/, (_, f: string) => `DRN-${f.toUpperCase()}-`).replace(/^resnet_/, 'ResNet-');

export function importDrn(sd: StateDict, opts: ImportOptions): ImportedModel {
  const { fit: f, alsoFits } = detectArchitecture(sd, opts.file, opts.arch);
  const arch = f.arch;
  if (opts.classes.length !== arch.numClasses) {
    throw new CheckpointError(`${opts.file}: the classifier has ${arch.numClasses} classes but ${opts.classes.length} class names were given`);
  }
  const convs = usedConvs(buildPlan(arch));
  const tensors: NamedArray[] = [];
  convs.forEach((c, i) => {
    const kernel = oihwToHwio(tensor(sd, `${c.name}.weight`), [c.cout, c.cin, c.k, c.k]);
    const folded =
      c.bn === null
        ? { kernel, bias: tensor(sd, `${c.name}.bias`) }
        : foldBatchNorm(kernel, null, {
            gamma: tensor(sd, `${c.bn}.weight`),
            beta: tensor(sd, `${c.bn}.bias`),
            mean: tensor(sd, `${c.bn}.running_mean`),
            variance: tensor(sd, `${c.bn}.running_var`),
            epsilon: TORCH_BN_EPSILON,
          });
    if (!folded.kernel.every(Number.isFinite) || !folded.bias.every(Number.isFinite)) {
      throw new CheckpointError(
        `${opts.file}: ${c.name}${c.bn ? ` with ${c.bn}` : ''} gives non-finite weights (NaN/Inf values or a negative running_var?)`,
      );
    }
    tensors.push({ name: `${c.name}.kernel`, shape: [c.k, c.k, c.cin, c.cout], data: folded.kernel });
    tensors.push({ name: `${c.name}.bias`, shape: [c.cout], data: Float32Array.from(folded.bias) });
    opts.onProgress?.((i + 1) / convs.length);
  });
  const dropped = [...f.optionalPresent, ...[...sd.keys()].filter((k) => k.endsWith('.num_batches_tracked'))];
  const widthText = f.width === 1 ? '' : ` at 1/${f.width} width`;
  const torchvision = arch.family === 'resnet' || arch.family === 'drn-a';
  const meta: PackageMeta = {
    id: opts.id ?? `${f.base.replace(/_/g, '-')}${f.width === 1 ? '' : `-w${f.width}`}-${opts.sha256.slice(0, 8)}`,
    title: `${title(f.base)}${widthText} (${opts.file})`,
    architecture: arch,
    preprocessing: DRN_PREPROCESSING,
    classes: opts.classes,
    provenance:
      `PyTorch checkpoint ${opts.file} (sha256 ${opts.sha256}) in the ${torchvision ? 'torchvision' : 'fyu/drn'} ` +
      `state_dict layout, read as ${arch.name}; batch norm (eps ${TORCH_BN_EPSILON}) folded into the convolutions, ` +
      `kernels OIHW -> HWIO${f.optionalPresent.length ? `; unused ${list([...new Set(f.optionalPresent.map((k) => k.replace(/\.\d+\.[a-z_]+$/, '')))])} dropped` : ''}`,
    license: torchvision ? 'BSD-3-Clause (torchvision weights)' : 'BSD-3-Clause (fyu/drn)',
  };
  return { meta, tensors, detection: { arch, base: f.base, width: f.width, alsoFits, dropped } };
}

/** Bytes of a .pth file to a package: read (restricted unpickler), hash, detect, fold. */
export async function importCheckpoint(bytes: Uint8Array, file: string, opts: Omit<ImportOptions, 'file' | 'sha256'>): Promise<ImportedModel> {
  const progress = opts.onProgress;
  const sd = readCheckpoint(bytes, file, { onProgress: progress && ((p) => progress(0.8 * p)) });
  const sha256 = await sha256Hex(bytes);
  return importDrn(sd, { ...opts, file, sha256, onProgress: progress && ((p) => progress(0.8 + 0.2 * p)) });
}
