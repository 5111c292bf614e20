import { describe, expect, it } from 'vitest';
import { toFloat16 } from '../weights/float16';
import { BACKGROUND_FORMAT, parseBackground, type BackgroundFile } from './background';
import type { Backbone } from './head-file';

const backbone: Backbone = { model: 'resnet-50-imagenet', architecture: 'resnet_50', weightsSha256: 'a'.repeat(64) };

function file(values: number[][], over: Partial<BackgroundFile> = {}): string {
  const all = Float32Array.from(values.flat());
  return JSON.stringify({
    format: BACKGROUND_FORMAT,
    version: 1,
    backbone,
    inputSize: 224,
    features: values[0].length,
    items: values.map((_, i) => `photo ${i}`),
    float16: Buffer.from(toFloat16(all).buffer).toString('base64'),
    ...over,
  });
}

describe('parseBackground', () => {
  it('reads the vectors back (float16-exact values)', () => {
    const v = parseBackground(
      file([
        [0, 0.5, 2, 1024],
        [0.25, 3, 0, 1],
      ]),
      'bg.json',
      backbone,
    );
    expect(v.map((x) => Array.from(x))).toEqual([
      [0, 0.5, 2, 1024],
      [0.25, 3, 0, 1],
    ]);
  });

  it('refuses another backbone, another format or a wrong size, in words', () => {
    expect(() => parseBackground(file([[1, 2]]), 'bg.json', { ...backbone, model: 'drn-a-50-imagenet' })).toThrow(
      'bg.json: made for resnet-50-imagenet, not for drn-a-50-imagenet',
    );
    expect(() => parseBackground(file([[1, 2]], { format: 'x' as typeof BACKGROUND_FORMAT }), 'bg.json', backbone)).toThrow(/not a background file/);
    expect(() => parseBackground(file([[1, 2]], { features: 3 }), 'bg.json', backbone)).toThrow(/4 bytes, expected 1 x 3/);
    expect(() => parseBackground('{', 'bg.json', backbone)).toThrow(/not valid JSON/);
  });
});
