// A phone photo's EXIF orientation in the page and in the CLI: coffee.jpg turned and tagged 3, 6
// and 8 must give the upright copy's top class, probability and box (in displayed pixels), and
// the CLI must say what the page says for each file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { decodeImage } from '../src/image/decode-node';
import { orientedJpeg } from '../src/image/oriented-jpeg';
import type { LocateResult } from '../src/localize/report';
import { downloadJson, dropFile, sampleBytes, waitForResult, type LocateJson } from './helpers';

const REPO = fileURLToPath(new URL('..', import.meta.url));

test('EXIF orientations 3, 6 and 8: the upright copy\'s top class, probability and box, in the page and the CLI', async ({ page }) => {
  const upright = decodeImage(sampleBytes('coffee.jpg'), 'coffee.jpg');
  const tmp = mkdtempSync(join(tmpdir(), 'drn-exif-e2e-'));
  try {
    const files = ([1, 3, 6, 8] as const).map((o) => ({ name: `coffee-o${o}.jpg`, bytes: orientedJpeg(upright, o) }));
    for (const f of files) writeFileSync(join(tmp, f.name), f.bytes);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'locate', ...files.map((f) => join(tmp, f.name)), '--json', '--top', '1'],
      { encoding: 'utf8', cwd: REPO });
    expect(cli.stderr.trim()).toBe('');
    const inCli = JSON.parse(cli.stdout) as LocateResult[];

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
      console.log(`${f.name}: page ${p.classes[0].name} ${p.classes[0].probability.toFixed(4)} [${p.classes[0].box}], CLI ${c.classes[0].name} ${c.classes[0].probability.toFixed(4)} [${c.classes[0].box}]`);
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
