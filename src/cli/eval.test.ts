import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDevSet } from './dev-set';
import type { EvalReport } from './eval';
import { testDevSet } from './dev-set.testkit';
import { runCli } from './run-cli.testkit';

function devSet(annotations: string | null, files: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'devset-'));
  mkdirSync(join(dir, 'images'));
  for (const f of files) writeFileSync(join(dir, 'images', f), 'x');
  if (annotations !== null) writeFileSync(join(dir, 'annotations.json'), annotations);
  return dir;
}

const image = (file: string, extra: object = {}) => ({ file, class_index: 3, width: 10, height: 8, boxes: [[1, 1, 5, 6]], ...extra });

describe('readDevSet', () => {
  it('reads images up to the limit with their class and boxes', async () => {
    const dir = devSet(JSON.stringify({ images: [image('a.jpg'), image('b.jpg'), image('c.jpg')] }), ['a.jpg', 'b.jpg']);
    const set = await readDevSet(dir, 2);
    expect(set.map((s) => s.path)).toEqual([join(dir, 'images', 'a.jpg'), join(dir, 'images', 'b.jpg')]);
    expect(set[0]).toMatchObject({ classIndex: 3, width: 10, height: 8, boxes: [[1, 1, 5, 6]] });
  });

  it('names the file in one line for a missing or malformed annotations.json', async () => {
    const missing = devSet(null);
    await expect(readDevSet(missing)).rejects.toThrow(`${join(missing, 'annotations.json')}: no such file`);
    const broken = devSet('{"images": [');
    await expect(readDevSet(broken)).rejects.toThrow(`${join(broken, 'annotations.json')}: not valid JSON`);
    const empty = devSet('{"format": "x"}');
    await expect(readDevSet(empty)).rejects.toThrow('no "images" list');
  });

  it('names the entry with bad boxes and the image file that is missing', async () => {
    const bad = devSet(JSON.stringify({ images: [image('a.jpg', { boxes: [[5, 1, 1, 6]] })] }), ['a.jpg']);
    await expect(readDevSet(bad)).rejects.toThrow('images[0] (a.jpg): "boxes" must be');
    const gone = devSet(JSON.stringify({ images: [image('a.jpg'), image('b.jpg')] }), ['a.jpg']);
    await expect(readDevSet(gone)).rejects.toThrow(`${join(gone, 'images', 'b.jpg')}: no such file`);
  });
});

// The eval command end to end on the first images of the shared dev set (CI has ../shared beside
// the clone; a fresh clone without it uses the three samples). ResNet-50 is the fast model; its
// figures on the dev set's images are known from the reference table in the set's README.
describe('eval command', () => {
  const DEV_SET = testDevSet().dir;
  it('prints Top-1 Cls, localization and MaxBoxAccV2 as JSON', () => {
    const r = runCli('eval', '--data', DEV_SET, '--limit', '12', '--model', 'resnet-50-imagenet', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as EvalReport;
    expect(out.images).toBe(Math.min(12, testDevSet().images));
    // ResNet-50's output stride is 32.
    expect([out.inputSize, out.mapSize]).toEqual([224, '7x7']);
    // 12 ImageNet validation photos: a working ResNet-50 gets most of them right (about 3 in 4); of the
    // samples it calls the tabby an Egyptian cat.
    expect(out.top1Cls).toBeGreaterThanOrEqual(0.5);
    expect(out.rules.map((x) => x.rule).sort()).toEqual(['cam', 'drn']);
    for (const rule of out.rules) expect(rule.best.gtKnownLoc).toBeGreaterThan(0);
    expect(out.maxBoxAccV2.value).toBeGreaterThan(0.2);
    expect(out.maxBoxAccV2.perDelta.map((d) => d.delta)).toEqual([0.3, 0.5, 0.7]);
  }, 300_000);

  it('adds the mean deletion and insertion curves of the top-1 maps with --faithfulness', () => {
    const r = runCli(
      'eval',
      '--data',
      DEV_SET,
      '--limit',
      '2',
      '--model',
      'resnet-50-imagenet',
      '--json',
      '--jobs',
      '1',
      '--faithfulness',
      '--steps',
      '2',
    );
    expect(r.code, r.stderr).toBe(0);
    const f = (JSON.parse(r.stdout) as EvalReport).faithfulness!;
    expect(f).toMatchObject({ steps: 2, classOf: 'top-1', images: 2, fractions: [0, 0.5, 1], failed: [] });
    // 2 steps: the photo, the blurred photo and one step per curve, per image.
    expect(f.passes).toBe(2 * 3);
    expect(f.deletion[0]).toBe(f.insertion[2]);
    expect(f.deletion[2]).toBe(f.insertion[0]);
    // The blurred photos take most of the network's confidence away.
    expect(f.deletion[2]).toBeLessThan(f.deletion[0]);
    for (const a of [f.deletionAuc, f.insertionAuc]) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
  }, 300_000);

  it('refuses --steps without --faithfulness, and a bad step count, in one line', () => {
    const run = (...a: string[]) => runCli('eval', '--data', 'x', ...a);
    expect(run('--steps', '4').stderr).toBe('error: --steps goes with --faithfulness');
    expect(run('--faithfulness', '--steps', '1').stderr).toMatch(/^error: --steps must be a number from 2 to 256/);
    expect(run('--faithfulness', '--steps', '2.5').stderr).toBe('error: --steps must be a whole number, got 2.5');
  }, 60_000);
});
