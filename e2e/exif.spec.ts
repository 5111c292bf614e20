// A phone photo's EXIF orientation in the page and in the CLI: coffee.jpg turned and tagged 3, 6
// and 8 must give the upright copy's top class, probability and box (in displayed pixels), and
// the CLI must say what the page says for each file. PNG's eXIf chunk likewise, including the
// placements Chromium ignores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { decodeImage } from '../src/image/decode-node';
import { encodePng, exifTiff, insertPngChunk, orientedJpeg, orientedPng, pngChunk, storedFor } from '../src/image/oriented-photo';
import type { LocateResult } from '../src/localize/report';
import { downloadJson, dropFile, sampleBytes, waitForResult, type LocateJson } from './helpers';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** `locate --json --top 1` on the files, in one CLI process. */
function locateInCli(dir: string, names: string[]): LocateResult[] {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'locate', ...names.map((n) => join(dir, n)), '--json', '--top', '1'],
    { encoding: 'utf8', cwd: REPO },
  );
  expect(r.stderr.trim()).toBe('');
  return JSON.parse(r.stdout) as LocateResult[];
}

test("EXIF orientations 3, 6 and 8: the upright copy's top class, probability and box, in the page and the CLI", async ({ page }) => {
  const upright = decodeImage(sampleBytes('coffee.jpg'), 'coffee.jpg');
  const tmp = mkdtempSync(join(tmpdir(), 'drn-exif-e2e-'));
  try {
    const files = ([1, 3, 6, 8] as const).map((o) => ({ name: `coffee-o${o}.jpg`, bytes: orientedJpeg(upright, o) }));
    for (const f of files) writeFileSync(join(tmp, f.name), f.bytes);
    const inCli = locateInCli(
      tmp,
      files.map((f) => f.name),
    );

    await page.goto('/');
    const inPage: LocateJson[] = [];
    for (const f of files) {
      await dropFile(page, f.name, f.bytes, 'image/jpeg');
      await waitForResult(page, f.name);
      inPage.push(await downloadJson(page));
    }
    const ref = inPage[0].classes[0];
    expect(ref.name).toBe('espresso');
    files.forEach((f, i) => {
      const [p, c] = [inPage[i], inCli[i]];
      console.log(
        `${f.name}: page ${p.classes[0].name} ${p.classes[0].probability.toFixed(4)} [${p.classes[0].box}], CLI ${c.classes[0].name} ${c.classes[0].probability.toFixed(4)} [${c.classes[0].box}]`,
      );
      expect([p.width, p.height, c.width, c.height], f.name).toEqual([600, 400, 600, 400]);
      expect([p.rule, p.threshold], f.name).toEqual([c.rule, c.threshold]);
      for (const got of [p.classes[0], c.classes[0]]) {
        expect(got.name, f.name).toBe(ref.name);
        // The files differ from the upright one by JPEG rounding only; the page and Node run the same math.
        expect(Math.abs(got.probability - ref.probability), f.name).toBeLessThan(0.005);
        got.box!.forEach((v, k) => expect(Math.abs(v - ref.box![k]), `${f.name} box ${got.box} vs ${ref.box}`).toBeLessThanOrEqual(1));
      }
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('PNG eXIf: honoured before the image data, ignored after it or with a bad CRC, in the page as in the CLI', async ({ page }) => {
  const upright = decodeImage(sampleBytes('chelsea.png'), 'chelsea.png');
  const stored = encodePng(storedFor(upright, 6)); // chelsea lying on her side, 300x451
  const files = [
    { name: 'chelsea-upright.png', bytes: encodePng(upright), size: [451, 300] },
    { name: 'chelsea-exif6.png', bytes: orientedPng(upright, 6), size: [451, 300] },
    { name: 'chelsea-exif6-after-idat.png', bytes: insertPngChunk(stored, pngChunk('eXIf', exifTiff(6)), true), size: [300, 451] },
    { name: 'chelsea-exif6-bad-crc.png', bytes: insertPngChunk(stored, pngChunk('eXIf', exifTiff(6), 12345)), size: [300, 451] },
  ];
  const tmp = mkdtempSync(join(tmpdir(), 'drn-exif-e2e-'));
  try {
    for (const f of files) writeFileSync(join(tmp, f.name), f.bytes);
    const inCli = locateInCli(
      tmp,
      files.map((f) => f.name),
    );
    await page.goto('/');
    for (const [i, f] of files.entries()) {
      await dropFile(page, f.name, f.bytes, 'image/png');
      await waitForResult(page, f.name);
      const p = await downloadJson(page);
      const [a, b] = [p.classes[0], inCli[i].classes[0]];
      console.log(
        `${f.name}: page ${p.width}x${p.height} ${a.name} ${a.probability.toFixed(4)} [${a.box}], CLI ${inCli[i].width}x${inCli[i].height} ${b.name} ${b.probability.toFixed(4)} [${b.box}]`,
      );
      expect([p.width, p.height], f.name).toEqual(f.size);
      expect([inCli[i].width, inCli[i].height], f.name).toEqual(f.size);
      expect(b.name, f.name).toBe(a.name);
      expect(Math.abs(a.probability - b.probability), f.name).toBeLessThan(0.005);
      a.box!.forEach((v, k) => expect(Math.abs(v - b.box![k]), `${f.name} box ${a.box} vs ${b.box}`).toBeLessThanOrEqual(1));
    }
    // The tagged file is the upright photo, pixel for pixel: the CLI gives the very same answer.
    expect(inCli[1].classes).toEqual(inCli[0].classes);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
