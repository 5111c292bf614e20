import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR } from '../cli/paths';
import { kerasPackageMeta } from '../weights/keras-resnet50';
import { ARCHITECTURES } from './architectures';
import { IMAGENET_CLASSES } from './imagenet-classes';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID, KERAS_RESNET50_PACKAGE, isBuiltinId, manifestPath } from './registry';

describe('built-in models', () => {
  it('have distinct ids and titles, the default first, and known architectures', () => {
    expect(new Set(BUILTIN_MODELS.map((m) => m.id)).size).toBe(BUILTIN_MODELS.length);
    expect(new Set(BUILTIN_MODELS.map((m) => m.title)).size).toBe(BUILTIN_MODELS.length);
    expect(BUILTIN_MODELS[0].id).toBe(DEFAULT_MODEL_ID);
    for (const m of BUILTIN_MODELS) {
      expect(ARCHITECTURES[m.arch].family).toBe(m.dilated ? 'drn-a' : 'resnet');
      expect(isBuiltinId(m.id)).toBe(true);
      expect(manifestPath(m.id)).toBe(`models/${m.id}/manifest.json`);
      const meta = kerasPackageMeta(m, [...IMAGENET_CLASSES]);
      expect([meta.id, meta.title, meta.architecture.name]).toEqual([m.id, m.title, m.arch]);
    }
    expect(isBuiltinId('models/drn-a-50-imagenet')).toBe(false);
  });

  it('classify the 1000 ImageNet classes, named once in src/models/imagenet-classes.ts', () => {
    expect(IMAGENET_CLASSES).toHaveLength(1000);
    expect(new Set(IMAGENET_CLASSES).size).toBeGreaterThan(995); // ImageNet has two "crane"s and two "maillot"s
    expect([IMAGENET_CLASSES[0], IMAGENET_CLASSES[281], IMAGENET_CLASSES[967], IMAGENET_CLASSES[999]]).toEqual(['tench', 'tabby', 'espresso', 'toilet tissue']);
  });

  const tarball = join(CACHE_DIR, KERAS_RESNET50_PACKAGE.tarball);
  it.skipIf(!existsSync(tarball))('the class module is what scripts/imagenet-classes.ts writes from the pinned package', () => {
    const labels = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/assets/labels.json'], { encoding: 'utf8' })) as Record<string, string>;
    expect(IMAGENET_CLASSES).toEqual(Array.from({ length: 1000 }, (_, i) => labels[String(i)].replace(/_/g, ' ')));
  });
});
