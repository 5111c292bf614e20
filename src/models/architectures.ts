// The model zoo as data: every family is a stem plus a table of levels, read by one builder
// (plan.ts). Layer names follow the official fyu/drn and torchvision state_dict layouts, so a
// reader can hold the paper, the official checkpoints and this table side by side.

/** A residual unit type, or `conv` for a plain conv-BN-ReLU level (DRN-D levels 1, 2, 7, 8). */
export type LevelKind = 'basic' | 'bottleneck' | 'conv';

export interface Level {
  kind: LevelKind;
  /** Output channels of a basic block or conv; a bottleneck outputs 4x this. */
  channels: number;
  /** Blocks (or convs, for kind `conv`). */
  blocks: number;
  stride: number;
  /** Dilation of every 3x3 conv of the level... */
  dilation: number;
  /**
   * ...except the first block's conv that sits where the stride used to be, which keeps the
   * dilation it would have had before that stride was removed. Only the dilated ResNets (DRN-A)
   * set this: it is what makes them exactly equivalent to the strided network.
   */
  entryDilation?: number;
  /** DRN-C removes the residual connections of its last two (degridding) levels. */
  residual: boolean;
}

export type Stem =
  /** 7x7/2 conv, BN, ReLU, 3x3/2 max-pool (named conv1, bn1). */
  | 'resnet'
  /** 7x7/1 conv, BN, ReLU, no pool (conv1, bn1): DRN-B/C. */
  | 'conv1'
  /** The same stem as a Sequential named layer0 (layer0.0 conv, layer0.1 BN): DRN-D. */
  | 'layer0';

export interface ArchConfig {
  /** Official name, e.g. drn_c_26. */
  name: string;
  family: 'resnet' | 'drn-a' | 'drn-b' | 'drn-c' | 'drn-d';
  stem: Stem;
  stemChannels: number;
  /**
   * Where a strided bottleneck carries its stride: in its first 1x1 conv (Caffe/Keras) or its
   * 3x3 conv (torchvision). It decides which convs sit "after" a removed stride.
   */
  strideIn: '1x1' | '3x3';
  levels: Level[];
  numClasses: number;
  /** torchvision ResNets end in nn.Linear ([classes, C]); DRN in a 1x1 conv ([classes, C, 1, 1]). */
  fcLinear: boolean;
}

/** A level from named fields; residual by default, entryDilation only where it differs. */
const level = ({ residual = true, entryDilation, ...l }: Omit<Level, 'residual'> & { residual?: boolean }): Level =>
  ({ ...l, residual, ...(entryDilation ? { entryDilation } : {}) });

type Depths = [number, number, number, number];
type Depths8 = [number, number, number, number, number, number, number, number];

function resnet(name: string, kind: LevelKind, d: Depths, dilated: boolean): ArchConfig {
  return {
    name, family: dilated ? 'drn-a' : 'resnet', stem: 'resnet', stemChannels: 64,
    strideIn: '3x3', numClasses: 1000, fcLinear: true,
    levels: [
      level({ kind, channels: 64, blocks: d[0], stride: 1, dilation: 1 }),
      level({ kind, channels: 128, blocks: d[1], stride: 2, dilation: 1 }),
      // DRN-A: stages 4 and 5 (conv4_x, conv5_x) trade their stride for dilation 2 and 4.
      dilated
        ? level({ kind, channels: 256, blocks: d[2], stride: 1, dilation: 2, entryDilation: 1 })
        : level({ kind, channels: 256, blocks: d[2], stride: 2, dilation: 1 }),
      dilated
        ? level({ kind, channels: 512, blocks: d[3], stride: 1, dilation: 4, entryDilation: 2 })
        : level({ kind, channels: 512, blocks: d[3], stride: 2, dilation: 1 }),
    ],
  };
}

const DRN_CHANNELS = [16, 32, 64, 128, 256, 512, 512, 512] as const;

function drn(name: string, family: 'drn-b' | 'drn-c' | 'drn-d', kind: LevelKind, d: Depths8): ArchConfig {
  const c = DRN_CHANNELS;
  // Levels 1-2 and 7-8 are the degridding part: basic blocks in B/C, plain convs in D.
  const outer: LevelKind = family === 'drn-d' ? 'conv' : 'basic';
  const lastResidual = family === 'drn-b';
  return {
    name, family, stem: family === 'drn-d' ? 'layer0' : 'conv1', stemChannels: c[0],
    strideIn: '3x3', numClasses: 1000, fcLinear: false,
    levels: [
      level({ kind: outer, channels: c[0], blocks: d[0], stride: 1, dilation: 1 }),
      level({ kind: outer, channels: c[1], blocks: d[1], stride: 2, dilation: 1 }),
      level({ kind, channels: c[2], blocks: d[2], stride: 2, dilation: 1 }),
      level({ kind, channels: c[3], blocks: d[3], stride: 2, dilation: 1 }),
      level({ kind, channels: c[4], blocks: d[4], stride: 1, dilation: 2 }),
      level({ kind, channels: c[5], blocks: d[5], stride: 1, dilation: 4 }),
      level({ kind: outer, channels: c[6], blocks: d[6], stride: 1, dilation: 2, residual: lastResidual }),
      level({ kind: outer, channels: c[7], blocks: d[7], stride: 1, dilation: 1, residual: lastResidual }),
    ],
  };
}

export const ARCHITECTURES = {
  resnet_18: resnet('resnet_18', 'basic', [2, 2, 2, 2], false),
  resnet_34: resnet('resnet_34', 'basic', [3, 4, 6, 3], false),
  resnet_50: resnet('resnet_50', 'bottleneck', [3, 4, 6, 3], false),
  resnet_101: resnet('resnet_101', 'bottleneck', [3, 4, 23, 3], false),
  drn_a_18: resnet('drn_a_18', 'basic', [2, 2, 2, 2], true),
  drn_a_34: resnet('drn_a_34', 'basic', [3, 4, 6, 3], true),
  drn_a_50: resnet('drn_a_50', 'bottleneck', [3, 4, 6, 3], true),
  drn_b_26: drn('drn_b_26', 'drn-b', 'basic', [1, 1, 2, 2, 2, 2, 1, 1]),
  drn_c_26: drn('drn_c_26', 'drn-c', 'basic', [1, 1, 2, 2, 2, 2, 1, 1]),
  drn_c_42: drn('drn_c_42', 'drn-c', 'basic', [1, 1, 3, 4, 6, 3, 1, 1]),
  drn_c_58: drn('drn_c_58', 'drn-c', 'bottleneck', [1, 1, 3, 4, 6, 3, 1, 1]),
  drn_d_22: drn('drn_d_22', 'drn-d', 'basic', [1, 1, 2, 2, 2, 2, 1, 1]),
  drn_d_38: drn('drn_d_38', 'drn-d', 'basic', [1, 1, 3, 4, 6, 3, 1, 1]),
  drn_d_54: drn('drn_d_54', 'drn-d', 'bottleneck', [1, 1, 3, 4, 6, 3, 1, 1]),
  drn_d_105: drn('drn_d_105', 'drn-d', 'bottleneck', [1, 1, 3, 4, 23, 3, 1, 1]),
} satisfies Record<string, ArchConfig>;

export type ArchName = keyof typeof ARCHITECTURES;

export function isArchName(s: string): s is ArchName {
  return Object.prototype.hasOwnProperty.call(ARCHITECTURES, s);
}

/**
 * The same architecture with every level's channels divided by `factor` (for small test
 * fixtures that keep the official key layout).
 */
export function narrowed(arch: ArchConfig, factor: number): ArchConfig {
  const div = (c: number) => Math.max(1, Math.round(c / factor));
  return {
    ...arch,
    name: `${arch.name}_w${factor}`,
    stemChannels: div(arch.stemChannels),
    levels: arch.levels.map((l) => ({ ...l, channels: div(l.channels) })),
  };
}
