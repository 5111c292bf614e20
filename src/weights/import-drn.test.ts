import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, narrowed, type ArchConfig, type ArchName } from '../models/architectures';
import { foldedShapes, stateDictShapes } from '../models/plan';
import { DRN_PREPROCESSING, detectArchitecture, importDrn } from './import-drn';
import { CheckpointError, type StateDict } from './torch/checkpoint';

/** A state_dict with the architecture's keys and shapes; values only if `fill` (full width is big). */
function stateDict(arch: ArchConfig, fill = false): StateDict {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  return new Map(
    stateDictShapes(arch).map((t) => {
      const n = fill ? t.shape.reduce((a, b) => a * b, 1) : 0;
      // running_var must be positive; everything else in [-1, 1).
      const data = Float32Array.from({ length: n }, () => (t.name.endsWith('running_var') ? 0.5 + rand() : 2 * rand() - 1));
      return [t.name, { shape: t.shape, data }];
    }),
  );
}

const SHA = 'ddedf421'.padEnd(64, '0');
const CLASSES = Array.from({ length: 1000 }, (_, i) => `c${i}`);
const opts = { file: 'x.pth', sha256: SHA, classes: CLASSES };

describe('detectArchitecture', () => {
  const official: ArchName[] = ['drn_c_26', 'drn_c_42', 'drn_c_58', 'drn_d_22', 'drn_d_38', 'drn_d_54', 'drn_d_105'];
  for (const name of official) {
    it(`recognizes ${name} from its keys and shapes`, () => {
      const { fit, alsoFits } = detectArchitecture(stateDict(ARCHITECTURES[name]), 'x.pth');
      expect(fit.base).toBe(name);
      expect(fit.width).toBe(1);
      expect(fit.arch).toEqual(ARCHITECTURES[name]);
      expect(alsoFits).toEqual(name === 'drn_c_26' ? ['drn_b_26'] : []);
    });
  }

  it('recognizes a narrowed copy and its width', () => {
    const { fit } = detectArchitecture(stateDict(narrowed(ARCHITECTURES.drn_d_38, 8)), 'x.pth');
    expect([fit.base, fit.width, fit.arch.name]).toEqual(['drn_d_38', 8, 'drn_d_38_w8']);
  });

  it('runs torchvision ResNet weights as DRN-A unless told otherwise', () => {
    const sd = stateDict(ARCHITECTURES.resnet_50);
    expect(detectArchitecture(sd, 'r.pth')).toMatchObject({ fit: { base: 'drn_a_50' }, alsoFits: ['resnet_50'] });
    expect(detectArchitecture(sd, 'r.pth', 'resnet_50').fit.base).toBe('resnet_50');
  });

  it('accepts DRN-C-58 with or without the unused layer7.0.downsample, and ignores num_batches_tracked', () => {
    const sd = stateDict(ARCHITECTURES.drn_c_58);
    expect(sd.has('layer7.0.downsample.0.weight')).toBe(true);
    expect(detectArchitecture(sd, 'x.pth').fit.optionalPresent).toHaveLength(5);
    sd.set('bn1.num_batches_tracked', { shape: [], data: new Float32Array(1) });
    for (const k of [...sd.keys()]) if (k.startsWith('layer7.0.downsample.')) sd.delete(k);
    expect(detectArchitecture(sd, 'x.pth').fit.base).toBe('drn_c_58');
  });

  it('names missing, unexpected and mis-shaped keys', () => {
    const sd = stateDict(ARCHITECTURES.drn_d_22);
    sd.delete('layer5.1.bn2.running_var');
    expect(() => detectArchitecture(sd, 'a.pth', 'drn_d_22')).toThrow(/^a\.pth: does not match drn_d_22: missing layer5\.1\.bn2\.running_var$/);
    sd.set('layer5.1.bn2.running_var', { shape: [256], data: new Float32Array(0) });
    sd.set('head.weight', { shape: [3], data: new Float32Array(0) });
    expect(() => detectArchitecture(sd, 'a.pth', 'drn_d_22')).toThrow(/^a\.pth: does not match drn_d_22: unexpected head\.weight$/);
    sd.delete('head.weight');
    sd.set('layer3.0.conv1.weight', { shape: [64, 32, 5, 5], data: new Float32Array(0) });
    expect(() => detectArchitecture(sd, 'a.pth')).toThrow(
      /^a\.pth: matches no known architecture; closest is drn_d_22: layer3\.0\.conv1\.weight is \[64,32,5,5\], drn_d_22 needs \[64,32,3,3\]$/,
    );
  });

  it('says when the keys are not a DRN at all, and which architecture fits when --arch is wrong', () => {
    const other: StateDict = new Map([['encoder.weight', { shape: [3], data: new Float32Array(0) }]]);
    expect(() => detectArchitecture(other, 'o.pth')).toThrow(/^o\.pth: not the state_dict of a DRN or ResNet \(1 entries: encoder\.weight\)$/);
    expect(() => detectArchitecture(stateDict(ARCHITECTURES.drn_c_42), 'c.pth', 'drn_d_38')).toThrow(
      /^c\.pth: does not match drn_d_38 \(it fits drn_c_42: leave out --arch\): missing layer0\.0\.weight/,
    );
  });

  it('refuses segmentation checkpoints and says what they are', () => {
    const sd: StateDict = new Map([
      ['base.0.0.weight', { shape: [16, 3, 7, 7], data: new Float32Array(0) }],
      ['seg.weight', { shape: [19, 512, 1, 1], data: new Float32Array(0) }],
      ['seg.bias', { shape: [19], data: new Float32Array(0) }],
      ['up.weight', { shape: [19, 1, 16, 16], data: new Float32Array(0) }],
    ]);
    expect(() => detectArchitecture(sd, 'drn_d_22_cityscapes.pth')).toThrow(CheckpointError);
    expect(() => detectArchitecture(sd, 'drn_d_22_cityscapes.pth')).toThrow(
      /^drn_d_22_cityscapes\.pth: a DRN segmentation checkpoint \(keys base\.\*, seg\.weight, up\.weight; 19 classes, .*which DRN Lens does not run/,
    );
  });
});

describe('importDrn', () => {
  const arch = narrowed(ARCHITECTURES.drn_c_26, 8);
  const sd = stateDict(arch, true);

  it('folds batch norm with eps 1e-5 and turns OIHW into HWIO', () => {
    const { tensors } = importDrn(sd, opts);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual(foldedShapes(arch).map((t) => [t.name, t.shape]));
    const get = (n: string) => sd.get(n)!.data;
    const kernel = tensors.find((t) => t.name === 'layer3.1.conv2.kernel')!;
    const bias = tensors.find((t) => t.name === 'layer3.1.conv2.bias')!;
    const [kh, kw, cin, cout] = kernel.shape;
    const w = get('layer3.1.conv2.weight');
    for (const [o, i, y, x] of [
      [0, 0, 0, 0],
      [cout - 1, 2, 1, 2],
      [3, cin - 1, 2, 0],
    ]) {
      const scale = get('layer3.1.bn2.weight')[o] / Math.sqrt(get('layer3.1.bn2.running_var')[o] + 1e-5);
      expect(kernel.data[((y * kw + x) * cin + i) * cout + o]).toBeCloseTo(w[((o * cin + i) * kh + y) * kw + x] * scale, 6);
      expect(bias.data[o]).toBeCloseTo(get('layer3.1.bn2.bias')[o] - get('layer3.1.bn2.running_mean')[o] * scale, 6);
    }
    const fc = tensors.find((t) => t.name === 'fc.kernel')!;
    expect(fc.shape).toEqual([1, 1, 64, 1000]);
    expect(fc.data[5 * 1000 + 17]).toBe(get('fc.weight')[17 * 64 + 5]);
    expect(tensors.find((t) => t.name === 'fc.bias')!.data).toEqual(get('fc.bias'));
  });

  it('describes the package: id, title, preprocessing, provenance with the sha256, licence', () => {
    const progress: number[] = [];
    const { meta, detection } = importDrn(sd, { ...opts, file: 'mine.pth', onProgress: (p) => progress.push(p) });
    expect(meta).toMatchObject({
      id: 'drn-c-26-w8-ddedf421',
      title: 'DRN-C-26 at 1/8 width (mine.pth)',
      architecture: arch,
      preprocessing: DRN_PREPROCESSING,
      classes: CLASSES,
      license: 'BSD-3-Clause (fyu/drn)',
    });
    expect(DRN_PREPROCESSING).toEqual({
      channelOrder: 'RGB',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      resize: { mode: 'center-crop', resize: 256, crop: 224 },
    });
    expect(meta.provenance).toContain(`mine.pth (sha256 ${SHA})`);
    expect(meta.provenance).toContain('eps 0.00001');
    expect(detection).toMatchObject({ base: 'drn_c_26', width: 8, alsoFits: ['drn_b_26'] });
    expect(progress.at(-1)).toBe(1);
    expect(importDrn(sd, { ...opts, arch: 'drn_b_26', id: 'b' }).meta).toMatchObject({
      id: 'b',
      architecture: { name: 'drn_b_26_w8', family: 'drn-b' },
    });
  });

  it('refuses a class list of the wrong length and weights that fold to NaN', () => {
    expect(() => importDrn(sd, { ...opts, classes: ['a', 'b'] })).toThrow(/^x\.pth: the classifier has 1000 classes but 2 class names were given$/);
    const bad: StateDict = new Map(sd);
    bad.set('layer2.0.bn1.running_var', { shape: [4], data: Float32Array.from([1, -2, 1, 1]) });
    expect(() => importDrn(bad, opts)).toThrow(/^x\.pth: layer2\.0\.conv1 with layer2\.0\.bn1 gives non-finite weights/);
  });
});
