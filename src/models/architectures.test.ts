// The tables as a reader checks them against the paper and the authors' drn.py, level by level.
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed, type Level } from './architectures';

/** [kind, channels, blocks, stride, dilation, residual, entryDilation?] per level, as a reader checks them. */
const rows = (levels: Level[]) => levels.map((l) => [l.kind, l.channels, l.blocks, l.stride, l.dilation, l.residual, l.entryDilation]);

describe('architecture tables', () => {
  it('DRN-A-50 is ResNet-50 with stages 4 and 5 unstrided and dilated, entering at the old dilation', () => {
    expect(rows(ARCHITECTURES.resnet_50.levels)).toEqual([
      ['bottleneck', 64, 3, 1, 1, true, undefined], ['bottleneck', 128, 4, 2, 1, true, undefined],
      ['bottleneck', 256, 6, 2, 1, true, undefined], ['bottleneck', 512, 3, 2, 1, true, undefined],
    ]);
    expect(rows(ARCHITECTURES.drn_a_50.levels)).toEqual([
      ['bottleneck', 64, 3, 1, 1, true, undefined], ['bottleneck', 128, 4, 2, 1, true, undefined],
      ['bottleneck', 256, 6, 1, 2, true, 1], ['bottleneck', 512, 3, 1, 4, true, 2],
    ]);
  });

  it('DRN-C-26: basic blocks, dilation 2 and 4 in levels 5-6, no residuals in the degridding levels 7-8', () => {
    expect(rows(ARCHITECTURES.drn_c_26.levels)).toEqual([
      ['basic', 16, 1, 1, 1, true, undefined], ['basic', 32, 1, 2, 1, true, undefined],
      ['basic', 64, 2, 2, 1, true, undefined], ['basic', 128, 2, 2, 1, true, undefined],
      ['basic', 256, 2, 1, 2, true, undefined], ['basic', 512, 2, 1, 4, true, undefined],
      ['basic', 512, 1, 1, 2, false, undefined], ['basic', 512, 1, 1, 1, false, undefined],
    ]);
    expect(ARCHITECTURES.drn_c_26.stem).toBe('conv1');
    // DRN-B keeps the residuals that DRN-C removes.
    expect(ARCHITECTURES.drn_b_26.levels.map((l) => l.residual)).toEqual(Array(8).fill(true));
  });

  it('DRN-D-105: plain convs outside, bottlenecks inside, the layer0 stem', () => {
    expect(rows(ARCHITECTURES.drn_d_105.levels)).toEqual([
      ['conv', 16, 1, 1, 1, true, undefined], ['conv', 32, 1, 2, 1, true, undefined],
      ['bottleneck', 64, 3, 2, 1, true, undefined], ['bottleneck', 128, 4, 2, 1, true, undefined],
      ['bottleneck', 256, 23, 1, 2, true, undefined], ['bottleneck', 512, 3, 1, 4, true, undefined],
      ['conv', 512, 1, 1, 2, false, undefined], ['conv', 512, 1, 1, 1, false, undefined],
    ]);
    expect(ARCHITECTURES.drn_d_105.stem).toBe('layer0');
  });

  it('every table has output stride 8 (DRN) or 32 (ResNet), and narrowing keeps all but the channels', () => {
    for (const a of Object.values(ARCHITECTURES)) {
      const stride = a.levels.reduce((s, l) => s * l.stride, a.stem === 'resnet' ? 4 : 1);
      expect(stride, a.name).toBe(a.family === 'resnet' ? 32 : 8);
      const n = narrowed(a, 8);
      expect(rows(n.levels).map((r) => r.filter((_, i) => i !== 1)), a.name).toEqual(rows(a.levels).map((r) => r.filter((_, i) => i !== 1)));
      expect(n.levels.map((l) => l.channels)).toEqual(a.levels.map((l) => Math.max(1, Math.round(l.channels / 8))));
    }
  });
});
