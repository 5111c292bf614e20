// `locate` with any class and ground truth, as a user runs it: a real process, JSON and text out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocateResult } from '../localize/report';
import { REPO_ROOT } from './paths';
import { runCli } from './run-cli.testkit';

const CHELSEA = join(REPO_ROOT, 'public/samples/chelsea.png');
const tmp = mkdtempSync(join(tmpdir(), 'drn-locate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = runCli;

describe('locate --class and ground truth', () => {
  it('adds classes by name or index, and IoUs with --gt and a VOC --gt-file', () => {
    const voc = join(tmp, 'chelsea.xml');
    writeFileSync(
      voc,
      '<annotation><size><width>451</width><height>300</height></size><object><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>405</xmax><ymax>300</ymax></bndbox></object></annotation>',
    );
    const r = cli(
      'locate',
      CHELSEA,
      '--model',
      'resnet-50-imagenet',
      '--json',
      '--top',
      '2',
      '--class',
      'espresso',
      '--class',
      '292',
      '--gt',
      '10,10,100,100',
      '--gt-file',
      voc,
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as LocateResult;
    expect(out.rule).toBe('cam');
    expect(out.threshold).toBe(0.25);
    expect(out.classes.map((c) => c.index).slice(2)).toEqual([967, 292]);
    expect(out.classes[2].name).toBe('espresso');
    expect(out.gt).toEqual([
      [10, 10, 100, 100],
      [0, 0, 405, 300],
    ]);
    for (const c of out.classes) {
      expect(c.iou).toBeGreaterThanOrEqual(0);
      expect(c.iou).toBeLessThanOrEqual(1);
      expect(c.peak.x).toBeGreaterThanOrEqual(0);
      expect(c.peak.x).toBeLessThanOrEqual(451);
      // ResNet-50's 7x7 maps: periods 2 and 4 are no DFT bins there, so gridding is not defined.
      expect(c.gridding).toBeNull();
    }
    // The cat's box against the cat's hand-drawn box.
    expect(out.classes[0].iou).toBeGreaterThan(0.5);
  });

  it("reports each class map's gridding for DRN-A-50's 28x28 maps", () => {
    const r = cli('locate', CHELSEA, '--json', '--top', '2');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as LocateResult;
    expect(out.mapSize).toEqual([28, 28]);
    for (const c of out.classes) {
      expect(c.gridding).toBeGreaterThan(0);
      expect(c.gridding).toBeLessThan(1);
    }
  }, 120_000);

  it('adds deletion and insertion curves for the top class with --faithfulness', () => {
    const r = cli('locate', CHELSEA, '--model', 'resnet-50-imagenet', '--json', '--top', '2', '--faithfulness', '--steps', '2');
    expect(r.stderr).toBe('');
    const [first, second] = (JSON.parse(r.stdout) as LocateResult).classes;
    const f = first.faithfulness!;
    expect(f.classIndex).toBe(first.index);
    expect(f.fractions).toEqual([0, 0.5, 1]);
    expect(f.passes).toBe(3);
    // The curves start (deletion) and end (insertion) at the photo's own probability.
    expect(f.deletion[0]).toBeCloseTo(first.probability, 5);
    expect(f.insertion[2]).toBeCloseTo(first.probability, 5);
    expect(second.faithfulness).toBeUndefined();
  }, 120_000);

  it('says in one line what is wrong with a class or a ground truth', () => {
    expect(cli('locate', CHELSEA, '--model', 'resnet-50-imagenet', '--class', 'zebracorn').stderr).toMatch(
      /^error: --class: no class named "zebracorn"/,
    );
    expect(cli('locate', CHELSEA, '--model', 'resnet-50-imagenet', '--class', 'cat').stderr).toMatch(
      /"cat" matches several classes: .*give one of these indices/,
    );
    expect(cli('locate', CHELSEA, '--gt', '1,2,3').stderr).toMatch(/box "1,2,3" needs 4 numbers/);
    const wrongSize = join(tmp, 'other.xml');
    writeFileSync(
      wrongSize,
      '<annotation><size><width>500</width><height>375</height></size><object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object></annotation>',
    );
    const r = cli('locate', CHELSEA, '--model', 'resnet-50-imagenet', '--gt-file', wrongSize);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('other.xml: the annotation is for a 500x375 image, this photo is 451x300');
    expect(cli('locate', CHELSEA, '--gt-file', join(tmp, 'missing.json')).stderr).toMatch(/missing.json: no such file/);
  }, 600_000);
});
