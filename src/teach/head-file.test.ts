import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../models/package';
import { HeadFileError, backboneOf, checkHeadFor, featureCount, parseHeadFile, serializeHead, type TaughtHead } from './head-file';

function manifest(id: string, arch: string, shas: string[], features = 8): ModelManifest {
  return {
    id,
    architecture: { name: arch },
    files: shas.map((sha256, i) => ({ path: `shard${i}.bin`, bytes: 4, sha256 })),
    weightsManifest: [{ paths: [], weights: [{ name: 'fc.kernel', shape: [1, 1, features, 3], dtype: 'float32' }] }],
  } as unknown as ModelManifest;
}

const SHAS = ['b'.repeat(64), 'a'.repeat(64)];

async function head(m: ModelManifest, over: Partial<TaughtHead> = {}): Promise<TaughtHead> {
  return {
    name: 'my mug',
    backbone: await backboneOf(m),
    inputSize: 224,
    features: 8,
    weights: Float32Array.from([0.1, -0.2, 1 / 3, 0, 5e-8, -7, 2, 0.25]),
    bias: -1.5,
    examples: { positives: 10, negatives: 0 },
    createdAt: '2026-12-03T14:00:00.000Z',
    ...over,
  };
}

const edit = (text: string, f: (j: Record<string, unknown>) => void): string => {
  const j = JSON.parse(text) as Record<string, unknown>;
  f(j);
  return JSON.stringify(j);
};

describe('head file', () => {
  it('round-trips every number exactly', async () => {
    const m = manifest('drn-a-50-imagenet', 'drn_a_50', SHAS);
    const h = await head(m);
    const back = parseHeadFile(serializeHead(h), 'mug.head.json');
    expect(back).toEqual(h);
    expect(Array.from(back.weights)).toEqual(Array.from(h.weights));
    await expect(checkHeadFor(back, m)).resolves.toBeUndefined();
  });

  it('fingerprints the weights independently of the file order', async () => {
    const a = await backboneOf(manifest('x', 'y', SHAS));
    const b = await backboneOf(manifest('x', 'y', [...SHAS].reverse()));
    const c = await backboneOf(manifest('x', 'y', ['c'.repeat(64), 'a'.repeat(64)]));
    expect(a.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.weightsSha256).toBe(a.weightsSha256);
    expect(c.weightsSha256).not.toBe(a.weightsSha256);
  });

  it('reads the feature count from the classifier', () => {
    expect(featureCount(manifest('x', 'y', SHAS, 2048))).toBe(2048);
  });

  it('refuses what is not a head file, naming the problem', async () => {
    const text = serializeHead(await head(manifest('drn-a-50-imagenet', 'drn_a_50', SHAS)));
    const refusal = (t: string) => {
      try {
        parseHeadFile(t, 'x.head.json');
      } catch (e) {
        expect(e).toBeInstanceOf(HeadFileError);
        expect((e as Error).name).toBe('HeadFileError');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal(text.slice(0, 100))).toMatch(/^x\.head\.json: not valid JSON/);
    expect(refusal('[1, 2]')).toMatch(/expected a JSON object/);
    expect(refusal(edit(text, (j) => (j.format = 'drn-lens-model/1')))).toMatch(/"format" is "drn-lens-model\/1", expected "drn-lens-head"/);
    expect(refusal(edit(text, (j) => (j.version = 2)))).toMatch(/version 2 is not supported/);
    expect(refusal(edit(text, (j) => (j.features = 9)))).toMatch(/"weights" has 8 numbers, "features" says 9/);
    expect(refusal(edit(text, (j) => (j.weights as unknown[]).pop()))).toMatch(/"weights" has 7 numbers/);
    expect(refusal(text.replace('"weights":[', '"weights":[NaN,'))).toMatch(/not valid JSON/);
    expect(refusal(edit(text, (j) => ((j.weights as unknown[])[3] = null)))).toMatch(/"weights"\[3\] is not a finite number \(null\)/);
    expect(refusal(edit(text, (j) => ((j.weights as unknown[])[2] = '1')))).toMatch(/"weights"\[2\] is not a finite number/);
    expect(refusal(text.replace('"bias":-1.5', '"bias":1e999'))).toMatch(/"bias" must be a finite number, got null/);
    expect(refusal(edit(text, (j) => (j.name = '')))).toMatch(/"name" must be a non-empty string/);
    expect(refusal(edit(text, (j) => ((j.backbone as Record<string, unknown>).weightsSha256 = 'abc')))).toMatch(/weightsSha256" must be 64/);
    expect(refusal(edit(text, (j) => (j.examples = { positives: 0, negatives: 0 })))).toMatch(/"examples.positives" must be an integer >= 1/);
    expect(refusal(edit(text, (j) => (j.createdAt = 'yesterday')))).toMatch(/"createdAt" must be a date/);
  });

  it('refuses to write a non-finite number', async () => {
    const h = await head(manifest('x', 'y', SHAS), { weights: Float32Array.from([0, 0, 0, Infinity, 0, 0, 0, 0]) });
    expect(() => serializeHead(h)).toThrow(/weight 3 is not a finite number/);
    expect(() => serializeHead({ ...h, weights: new Float32Array(8), bias: NaN })).toThrow(/the bias is not a finite number/);
  });

  it('refuses a head of another backbone in words', async () => {
    const drn = manifest('drn-a-50-imagenet', 'drn_a_50', SHAS);
    const h = await head(drn);
    // ResNet-50 shares DRN-A-50's very weights: the model and architecture still tell them apart.
    await expect(checkHeadFor(h, manifest('resnet-50-imagenet', 'resnet_50', SHAS))).rejects.toThrow(
      /"my mug" was taught on drn-a-50-imagenet \(drn_a_50\), not on resnet-50-imagenet \(resnet_50\)/,
    );
    await expect(checkHeadFor(h, manifest('drn-a-50-imagenet', 'drn_a_50', ['c'.repeat(64)]))).rejects.toThrow(/with other weights/);
    await expect(checkHeadFor(h, manifest('drn-a-50-imagenet', 'drn_a_50', SHAS, 16))).rejects.toThrow(/with 8 features, this model has 16/);
    await expect(checkHeadFor(h, drn)).resolves.toBeUndefined();
  });
});
