// A phone photo's EXIF orientation, through the CLI as a user runs it: each turned copy must give
// the upright copy's classes, probabilities and boxes, in the displayed photo's pixels.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../image/decode-node';
import { orientedJpeg } from '../image/oriented-photo';
import type { LocateResult } from '../localize/report';
import { REPO_ROOT } from './paths';
import { runCli } from './run-cli.testkit';

const tmp = mkdtempSync(join(tmpdir(), 'drn-exif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('locate on EXIF-oriented JPEGs', () => {
  it("orientations 3, 6 and 8 give the upright copy's top class, probability and box", () => {
    const upright = decodeImage(readFileSync(join(REPO_ROOT, 'public/samples/coffee.jpg')), 'coffee.jpg');
    const files = ([1, 3, 6, 8] as const).map((o) => {
      const file = join(tmp, `coffee-o${o}.jpg`);
      writeFileSync(file, orientedJpeg(upright, o));
      return file;
    });
    const r = runCli('locate', ...files, '--json', '--top', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [ref, ...turned] = JSON.parse(r.stdout) as LocateResult[];
    expect(ref.classes[0].name).toBe('espresso');
    for (const t of turned) {
      expect([t.width, t.height], t.image).toEqual([600, 400]);
      const [c, u] = [t.classes[0], ref.classes[0]];
      expect(c.name, t.image).toBe(u.name);
      // The files differ by JPEG rounding only (a few levels in a few pixels). Lower classes are
      // not compared: their drn-rule boxes sit on the threshold, where one cell may flip.
      expect(Math.abs(c.probability - u.probability), t.image).toBeLessThan(0.005);
      expect(c.box, t.image).not.toBeNull();
      c.box!.forEach((v, k) => expect(Math.abs(v - u.box![k]), `${t.image} box ${c.box} vs ${u.box}`).toBeLessThanOrEqual(1));
      console.log(`${t.image}: ${c.name} ${c.probability.toFixed(4)} [${c.box}], upright ${u.probability.toFixed(4)} [${u.box}]`);
    }
  }, 120_000);
});
