// teach, locate --head / --instances, eval --head / --absent and label, as a user runs them: real
// processes on ResNet-50 (7x7 maps, the faster model) with composites of the sample photos, whose
// object boxes are known exactly (the cat pasted at a known place on a plain or textured background).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../image/decode-node';
import type { RGBAImage } from '../image/geometry';
import type { Box } from '../localize/boxes';
import { parseYoloTxt } from '../localize/ground-truth';
import type { LocateResult } from '../localize/report';
import { parseHeadFile } from '../teach/head-file';
import type { EvalReport } from './eval';
import { REPO_ROOT } from './paths';
import { runCli } from './run-cli.testkit';

const MODEL = 'resnet-50-imagenet';
const sample = (name: string) => decodeImage(new Uint8Array(readFileSync(join(REPO_ROOT, 'public/samples', name))), name);
const tmp = mkdtempSync(join(tmpdir(), 'drn-teach-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `src` scaled (nearest) into `box` of a w x h canvas filled by `bg`. */
function composite(src: RGBAImage, w: number, h: number, box: Box, bg: (x: number, y: number) => [number, number, number]): RGBAImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 4 * (y * w + x);
      if (x >= box[0] && x < box[2] && y >= box[1] && y < box[3]) {
        const sx = Math.floor(((x - box[0]) / (box[2] - box[0])) * src.width);
        const sy = Math.floor(((y - box[1]) / (box[3] - box[1])) * src.height);
        data.set(src.data.subarray(4 * (sy * src.width + sx), 4 * (sy * src.width + sx) + 3), o);
      } else data.set(bg(x, y), o);
      data[o + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

function writePng(path: string, im: RGBAImage): void {
  const png = new PNG({ width: im.width, height: im.height });
  png.data = Buffer.from(im.data);
  writeFileSync(path, PNG.sync.write(png));
}

const grey = (): [number, number, number] => [128, 128, 128];
const stripes = (x: number, y: number): [number, number, number] =>
  ((x >> 4) % 2 ? [200, 190, 170] : [90, 110, 80]).map((v) => v + (y % 7)) as [number, number, number];

let dirs: { examples: string; negatives: string; empty: string; cats: string; coffee: string };
/** The held-out photo: the cat in the right part of a grey canvas. */
const HELD_BOX: Box = [200, 40, 440, 200];

beforeAll(() => {
  const chelsea = sample('chelsea.png');
  const coffee = sample('coffee.jpg');
  const hopper = sample('grace_hopper.jpg');
  dirs = {
    examples: join(tmp, 'examples'),
    negatives: join(tmp, 'negatives'),
    empty: join(tmp, 'empty'),
    cats: join(tmp, 'cats'),
    coffee: join(tmp, 'coffee'),
  };
  Object.values(dirs).forEach((d) => mkdirSync(d));
  // Five examples: the cat at different places and sizes, on two backgrounds.
  const places: Box[] = [
    [0, 0, 300, 200],
    [100, 50, 400, 250],
    [20, 100, 260, 260],
    [150, 0, 450, 200],
    [60, 30, 360, 230],
  ];
  places.forEach((b, i) => writePng(join(dirs.examples, `cat-${i}.png`), composite(chelsea, 450, 300, b, i % 2 ? stripes : grey)));
  writeFileSync(join(dirs.examples, 'notes.txt'), 'not an image: skipped by the folder listing');
  writePng(join(dirs.negatives, 'coffee.png'), composite(coffee, 450, 300, [50, 0, 450, 300], grey));
  writePng(join(dirs.negatives, 'hopper.png'), composite(hopper, 300, 380, [0, 0, 300, 380], grey));
  writePng(join(dirs.negatives, 'stripes.png'), composite(coffee, 300, 300, [0, 0, 1, 1], stripes));
  // The evaluation sets: the cat at known boxes; coffee only.
  const annotations = (files: { file: string; box: Box }[]) => ({
    images: files.map(({ file, box }) => ({ file, class_index: 0, width: 450, height: 300, boxes: [box] })),
  });
  const cats = [
    { file: 'held.png', box: HELD_BOX },
    { file: 'held-2.png', box: [10, 60, 250, 260] as Box },
  ];
  mkdirSync(join(dirs.cats, 'images'));
  cats.forEach(({ file, box }, i) => writePng(join(dirs.cats, 'images', file), composite(chelsea, 450, 300, box, i ? stripes : grey)));
  writeFileSync(join(dirs.cats, 'annotations.json'), JSON.stringify(annotations(cats)));
  mkdirSync(join(dirs.coffee, 'images'));
  writePng(join(dirs.coffee, 'images', 'cup.png'), composite(coffee, 450, 300, [100, 20, 400, 280], grey));
  writeFileSync(join(dirs.coffee, 'annotations.json'), JSON.stringify(annotations([{ file: 'cup.png', box: [100, 20, 400, 280] }])));
});

describe('teach and use a taught class from the CLI', () => {
  it('refuses an empty examples folder in one line', () => {
    const r = runCli('teach', '--name', 'cat', '--examples', dirs.empty, '--model', MODEL, '--out', join(tmp, 'x.head.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${dirs.empty}: no images (PNG or JPEG) for the examples`);
  }, 300_000);

  it('teaches, then locates, evaluates and labels with the head; refuses bad head files', () => {
    const headFile = join(tmp, 'cat.head.json');
    const t = runCli('teach', '--name', 'my cat', '--examples', dirs.examples, '--negatives', dirs.negatives, '--model', MODEL, '--out', headFile);
    expect(t.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/taught "my cat" from 5 photos against 3 "not this" photos/);
    const head = parseHeadFile(readFileSync(headFile, 'utf8'), headFile);
    expect(head).toMatchObject({
      name: 'my cat',
      features: 2048,
      inputSize: 224,
      examples: { positives: 5, negatives: 3 },
      backbone: { model: MODEL },
    });

    // locate: present with a box on the held-out photo, IoU against its known box; absent on the cup.
    const held = join(dirs.cats, 'images', 'held.png');
    const l = runCli(
      'locate',
      held,
      join(dirs.coffee, 'images', 'cup.png'),
      '--model',
      MODEL,
      '--head',
      headFile,
      '--instances',
      '--json',
      '--top',
      '1',
    );
    expect(l.stderr).toBe('');
    expect(l.code).toBe(0);
    const [cat, cup] = JSON.parse(l.stdout) as LocateResult[];
    const taught = cat.classes.find((c) => c.taught)!;
    expect(taught).toMatchObject({ index: 1000, name: 'my cat', present: true });
    expect(taught.boxes!.length).toBeGreaterThanOrEqual(1);
    expect(cup.classes.find((c) => c.taught)).toMatchObject({ present: false });
    const withGt = runCli('locate', held, '--model', MODEL, '--head', headFile, '--gt', HELD_BOX.join(','), '--top', '1');
    expect(withGt.stdout).toMatch(/my cat +\d\.\d{3} +box \[[^\]]+\] +IoU (0\.[5-9]|1\.0)\d* +taught, present/);

    // eval --head: detection on the cats, false positives on the cup.
    const e = runCli('eval', '--data', dirs.cats, '--model', MODEL, '--head', headFile, '--json', '--jobs', '1');
    expect(e.code).toBe(0);
    const report = JSON.parse(e.stdout) as EvalReport;
    expect(report).toMatchObject({ images: 2, detectionRate: 1, head: { name: 'my cat', absent: false } });
    expect(report.rules.find((r) => r.rule === 'cam')!.default.gtKnownLoc).toBeGreaterThanOrEqual(0.5);
    const fp = JSON.parse(
      runCli('eval', '--data', dirs.coffee, '--model', MODEL, '--head', headFile, '--absent', '--json', '--jobs', '1').stdout,
    ) as EvalReport;
    expect(fp).toMatchObject({ images: 1, detectionRate: 0, head: { absent: true } });

    // label: YOLO files that read back; the unreadable image listed, not fatal.
    writeFileSync(join(dirs.cats, 'images', 'broken.png'), 'not a png');
    const out = join(tmp, 'labels');
    const lb = runCli('label', join(dirs.cats, 'images'), '--model', MODEL, '--head', headFile, '--format', 'yolo', '--out', out);
    expect(lb.code).toBe(0);
    expect(lb.stdout).toMatch(/boxes on 2 of 2 images \(my cat\)/);
    expect(lb.stdout).toMatch(/1 image could not be read:\n {2}.*broken\.png: not a PNG or JPEG/);
    expect(readdirSync(out).sort()).toEqual(['classes.txt', 'held-2.txt', 'held.txt']);
    const gt = parseYoloTxt(readFileSync(join(out, 'held.txt'), 'utf8'), ['my cat'], 450, 300, 'held.txt');
    expect(gt.labels).toEqual(['my cat']);

    // Bad head files: one line, exit 1.
    const corrupt = join(tmp, 'corrupt.head.json');
    writeFileSync(corrupt, readFileSync(headFile, 'utf8').slice(0, 200));
    const c = runCli('locate', held, '--model', MODEL, '--head', corrupt);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(new RegExp(`^error: ${corrupt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON[^\n]*$`));
    const other = join(tmp, 'drn.head.json');
    writeFileSync(
      other,
      readFileSync(headFile, 'utf8').replace(`"model":"${MODEL}"`, '"model":"drn-a-50-imagenet"').replace('"resnet_50"', '"drn_a_50"'),
    );
    const o = runCli('locate', held, '--model', MODEL, '--head', other);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(
      /^error: .*drn\.head\.json: "my cat" was taught on drn-a-50-imagenet \(drn_a_50\), not on resnet-50-imagenet \(resnet_50\)[^\n]*$/,
    );
  }, 900_000);
});
