// One builder for every family: turns an ArchConfig table into the list of convolutions the
// forward pass runs (with their names in the official state_dict layout), and lists the
// state_dict that a PyTorch checkpoint of that architecture holds.
import type { ArchConfig, Level } from './architectures';

export interface ConvDef {
  /** state_dict prefix of the conv, e.g. layer3.0.conv2 or layer0.0 */
  name: string;
  /** state_dict prefix of the batch norm after it; null for the classifier. */
  bn: string | null;
  k: number;
  cin: number;
  cout: number;
  stride: number;
  dilation: number;
}

export interface BlockDef {
  type: 'block';
  /** Convs in order; ReLU between them, the residual sum and a ReLU after the last. */
  convs: ConvDef[];
  /** 1x1 projection of the shortcut. Present in the state_dict even where unused (residual false). */
  downsample: ConvDef | null;
  residual: boolean;
}

export interface PlainConv { type: 'conv'; conv: ConvDef }

export type Unit = BlockDef | PlainConv;

export interface Plan {
  stem: ConvDef;
  maxPool: boolean;
  units: Unit[];
  fc: ConvDef;
  /** Channels reaching the classifier. */
  features: number;
  /** Input pixels per cell of the final map (8 for DRN, 32 for ResNet). */
  outputStride: number;
}

const EXPANSION = { basic: 1, bottleneck: 4, conv: 1 } as const;

function conv(name: string, bn: string | null, k: number, cin: number, cout: number,
  stride = 1, dilation = 1): ConvDef {
  return { name, bn, k, cin, cout, stride, dilation };
}

function levelUnits(arch: ArchConfig, level: Level, index: number, cin: number): { units: Unit[]; cout: number } {
  const prefix = `layer${index}`;
  const units: Unit[] = [];
  if (level.kind === 'conv') {
    // nn.Sequential of [Conv, BN, ReLU] * n: conv i is module 3i, its BN 3i+1.
    for (let i = 0; i < level.blocks; i++) {
      units.push({
        type: 'conv',
        conv: conv(`${prefix}.${3 * i}`, `${prefix}.${3 * i + 1}`, 3, i === 0 ? cin : level.channels,
          level.channels, i === 0 ? level.stride : 1, level.dilation),
      });
    }
    return { units, cout: level.channels };
  }
  const planes = level.channels;
  const cout = planes * EXPANSION[level.kind];
  for (let b = 0; b < level.blocks; b++) {
    const p = `${prefix}.${b}`;
    const first = b === 0;
    const inC = first ? cin : cout;
    const stride = first ? level.stride : 1;
    const entry = first ? level.entryDilation ?? level.dilation : level.dilation;
    const convs: ConvDef[] = level.kind === 'basic'
      ? [
        conv(`${p}.conv1`, `${p}.bn1`, 3, inC, planes, stride, entry),
        conv(`${p}.conv2`, `${p}.bn2`, 3, planes, planes, 1, level.dilation),
      ]
      : [
        conv(`${p}.conv1`, `${p}.bn1`, 1, inC, planes, arch.strideIn === '1x1' ? stride : 1),
        // With the stride in the 1x1, this 3x3 already sits after a removed stride.
        conv(`${p}.conv2`, `${p}.bn2`, 3, planes, planes, arch.strideIn === '3x3' ? stride : 1,
          arch.strideIn === '3x3' ? entry : level.dilation),
        conv(`${p}.conv3`, `${p}.bn3`, 1, planes, cout),
      ];
    const downsample = first && (level.stride !== 1 || cin !== cout)
      ? conv(`${p}.downsample.0`, `${p}.downsample.1`, 1, cin, cout, level.stride)
      : null;
    units.push({ type: 'block', convs, downsample, residual: level.residual });
  }
  return { units, cout };
}

export function buildPlan(arch: ArchConfig): Plan {
  const stemName = arch.stem === 'layer0' ? 'layer0.0' : 'conv1';
  const stemBn = arch.stem === 'layer0' ? 'layer0.1' : 'bn1';
  const stem = conv(stemName, stemBn, 7, 3, arch.stemChannels, arch.stem === 'resnet' ? 2 : 1);
  let stride = stem.stride * (arch.stem === 'resnet' ? 2 : 1);
  let channels = arch.stemChannels;
  const units: Unit[] = [];
  arch.levels.forEach((level, i) => {
    if (level.blocks === 0) return;
    const built = levelUnits(arch, level, i + 1, channels);
    units.push(...built.units);
    channels = built.cout;
    stride *= level.stride;
  });
  return {
    stem, maxPool: arch.stem === 'resnet', units,
    fc: conv('fc', null, 1, channels, arch.numClasses),
    features: channels, outputStride: stride,
  };
}

/** Every conv in forward order, including downsample convs the forward pass never uses. */
export function allConvs(plan: Plan): ConvDef[] {
  const out: ConvDef[] = [plan.stem];
  for (const u of plan.units) {
    if (u.type === 'conv') out.push(u.conv);
    else out.push(...u.convs, ...(u.downsample ? [u.downsample] : []));
  }
  out.push(plan.fc);
  return out;
}

export interface TensorShape { name: string; shape: number[] }

/**
 * The state_dict an official PyTorch checkpoint of this architecture holds, in module order.
 * BN running statistics are listed with `buffer: true` (they are not parameters).
 */
export function stateDictShapes(arch: ArchConfig): (TensorShape & { buffer: boolean })[] {
  const out: (TensorShape & { buffer: boolean })[] = [];
  for (const c of allConvs(buildPlan(arch))) {
    if (c.bn === null) {
      out.push({ name: `${c.name}.weight`, shape: arch.fcLinear ? [c.cout, c.cin] : [c.cout, c.cin, 1, 1], buffer: false });
      out.push({ name: `${c.name}.bias`, shape: [c.cout], buffer: false });
      continue;
    }
    out.push({ name: `${c.name}.weight`, shape: [c.cout, c.cin, c.k, c.k], buffer: false });
    for (const p of ['weight', 'bias']) out.push({ name: `${c.bn}.${p}`, shape: [c.cout], buffer: false });
    for (const p of ['running_mean', 'running_var']) out.push({ name: `${c.bn}.${p}`, shape: [c.cout], buffer: true });
  }
  return out;
}

export function parameterCount(arch: ArchConfig): number {
  return stateDictShapes(arch)
    .filter((t) => !t.buffer)
    .reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

/** Convs whose weights the forward pass reads (an unused downsample is dropped). */
export function usedConvs(plan: Plan): ConvDef[] {
  const out: ConvDef[] = [plan.stem];
  for (const u of plan.units) {
    if (u.type === 'conv') out.push(u.conv);
    else out.push(...u.convs, ...(u.downsample && u.residual ? [u.downsample] : []));
  }
  out.push(plan.fc);
  return out;
}

/**
 * Tensors of a model package: every used conv with batch norm folded in, as a TF.js HWIO
 * kernel plus a bias.
 */
export function foldedShapes(arch: ArchConfig): TensorShape[] {
  return usedConvs(buildPlan(arch)).flatMap((c) => [
    { name: `${c.name}.kernel`, shape: [c.k, c.k, c.cin, c.cout] },
    { name: `${c.name}.bias`, shape: [c.cout] },
  ]);
}
