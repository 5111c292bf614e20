import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed } from './architectures';
import { buildPlan, foldedShapes, parameterCount, stateDictShapes } from './plan';

describe('architecture table', () => {
  // Official state_dict parameter counts (without BN running statistics).
  const official: Record<string, number> = {
    drn_c_26: 21_126_584, drn_c_42: 31_234_744, drn_c_58: 41_591_608,
    drn_d_22: 16_393_752, drn_d_38: 26_501_912, drn_d_54: 35_809_176, drn_d_105: 54_801_304,
    drn_a_50: 25_557_032, resnet_50: 25_557_032, resnet_18: 11_689_512,
  };
  for (const [name, count] of Object.entries(official)) {
    it(`${name} has the official parameter count ${count}`, () => {
      expect(parameterCount(ARCHITECTURES[name as keyof typeof ARCHITECTURES])).toBe(count);
    });
  }

  it('gives every DRN output stride 8 and every ResNet output stride 32', () => {
    for (const [name, arch] of Object.entries(ARCHITECTURES)) {
      expect(buildPlan(arch).outputStride, name).toBe(name.startsWith('resnet') ? 32 : 8);
    }
  });

  it('lists the official state_dict keys of DRN-D-22', () => {
    const keys = stateDictShapes(ARCHITECTURES.drn_d_22).map((t) => t.name);
    expect(keys.slice(0, 6)).toEqual(['layer0.0.weight', 'layer0.1.weight', 'layer0.1.bias', 'layer0.1.running_mean', 'layer0.1.running_var', 'layer1.0.weight']);
    expect(keys).toContain('layer3.0.downsample.0.weight');
    expect(keys).toContain('layer7.0.weight');
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(stateDictShapes(ARCHITECTURES.drn_d_22).find((t) => t.name === 'fc.weight')!.shape).toEqual([1000, 512, 1, 1]);
  });

  it('keeps DRN-C-58\'s unused layer7 downsample in the state_dict but not in the package', () => {
    const arch = ARCHITECTURES.drn_c_58;
    expect(stateDictShapes(arch).map((t) => t.name)).toContain('layer7.0.downsample.0.weight');
    expect(foldedShapes(arch).map((t) => t.name)).not.toContain('layer7.0.downsample.0.kernel');
  });

  it('dilates DRN-C levels 5-8 by 2, 4, 2, 1 and removes the residuals of levels 7-8', () => {
    const plan = buildPlan(ARCHITECTURES.drn_c_26);
    const block = (prefix: string) => plan.units.find((u) => u.type === 'block' && u.convs[0].name.startsWith(prefix));
    const dil = (p: string) => (block(p) as { convs: { dilation: number }[] }).convs.map((c) => c.dilation);
    expect([dil('layer5.0'), dil('layer6.1'), dil('layer7.0'), dil('layer8.0')]).toEqual([[2, 2], [4, 4], [2, 2], [1, 1]]);
    expect(block('layer6.0')).toMatchObject({ residual: true });
    expect(block('layer7.0')).toMatchObject({ residual: false });
  });

  it('dilates DRN-A\'s stage 4 by 2 and stage 5 by 4, keeping the stride position at its old rate', () => {
    const convs = (arch: typeof ARCHITECTURES.drn_a_50) => buildPlan(arch).units.flatMap((u) => (u.type === 'block' ? u.convs : [u.conv]));
    const torch = Object.fromEntries(convs(ARCHITECTURES.drn_a_50).map((c) => [c.name, c.dilation]));
    expect([torch['layer3.0.conv2'], torch['layer3.1.conv2'], torch['layer4.0.conv2'], torch['layer4.2.conv2']]).toEqual([1, 2, 2, 4]);
    const keras = Object.fromEntries(convs({ ...ARCHITECTURES.drn_a_50, strideIn: '1x1' }).map((c) => [c.name, c.dilation]));
    expect([keras['layer3.0.conv2'], keras['layer3.1.conv2'], keras['layer4.0.conv2'], keras['layer4.2.conv2']]).toEqual([2, 2, 4, 4]);
  });

  it('narrows channels but keeps keys', () => {
    const small = narrowed(ARCHITECTURES.drn_c_26, 8);
    expect(stateDictShapes(small).map((t) => t.name)).toEqual(stateDictShapes(ARCHITECTURES.drn_c_26).map((t) => t.name));
    expect(parameterCount(small)).toBeLessThan(parameterCount(ARCHITECTURES.drn_c_26) / 30);
  });
});
