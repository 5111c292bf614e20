// The CLI as a user meets it: a real process, its exit code, its stdout and stderr.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocateResult } from '../localize/report';
import { MODELS_DIR, REPO_ROOT } from './paths';
import { runCli } from './run-cli.testkit';

const COFFEE = join(REPO_ROOT, 'public/samples/coffee.jpg');
const tmp = mkdtempSync(join(tmpdir(), 'drn-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = runCli;

function expectOneLineError(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
}

describe('cli', () => {
  it('locates with --json: classes, boxes inside the photo, backend and time', () => {
    const r = cli('locate', COFFEE, '--model', 'resnet-50-imagenet', '--json', '--top', '3', '--rule', 'cam');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as LocateResult;
    expect(out.classes.map((c) => c.name)[0]).toBe('espresso');
    expect(out.classes).toHaveLength(3);
    expect(out.mapSize).toEqual([7, 7]);
    expect(out.backend).toMatch(/^wasm|^cpu/);
    expect(out.ms).toBeGreaterThan(0);
    const [x0, y0, x1, y1] = out.classes[0].box!;
    expect(0 <= x0 && x0 < x1 && x1 <= out.width && 0 <= y0 && y0 < y1 && y1 <= out.height).toBe(true);
  });

  it('writes an overlay PNG and, with --logits, all 1000 logits', () => {
    const png = join(tmp, 'overlay.png');
    const r = cli('locate', COFFEE, '--model', 'resnet-50-imagenet', '--json', '--logits', '--overlay', png);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as LocateResult).logits).toHaveLength(1000);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses a text file named .jpg and a truncated JPEG, one line each, and carries on', () => {
    const fake = join(tmp, 'notes.jpg');
    writeFileSync(fake, 'shopping list: milk\n');
    const cut = join(tmp, 'cut.jpg');
    writeFileSync(cut, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]));
    const r = cli('locate', fake, cut, COFFEE, '--model', 'resnet-50-imagenet');
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /notes\.jpg: not a PNG or JPEG image/);
    expectOneLineError(r.stderr, /cut\.jpg: corrupt or truncated JPEG/);
    expect(r.stdout).toMatch(/espresso/); // the good photo still ran
  });

  it('names a missing model folder and a weight file of the wrong size', () => {
    const missing = cli('locate', COFFEE, '--model', join(tmp, 'no-such-model'));
    expect(missing.code).toBe(1);
    expectOneLineError(missing.stderr, /no-such-model\/manifest\.json: no model package there/);

    const broken = join(tmp, 'broken');
    mkdirSync(broken);
    const src = join(MODELS_DIR, 'resnet-50-imagenet');
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(broken, f));
    // The third shard, whatever the storage type named it (group1-shard3of25.bin, group1-f16-shard3of13.bin).
    const shard = (JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8')) as { files: { path: string }[] }).files[2].path;
    truncateSync(join(broken, shard), 1000);
    const r = cli('locate', COFFEE, '--model', broken);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, new RegExp(`${shard.replace(/\./g, '\\.')}: 1000 bytes, the manifest says \\d+`));
  });

  it('rejects bad arguments with usage-style messages', () => {
    const r = cli('locate', COFFEE, '--rule', 'largest');
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /--rule must be one of drn, cam/);
    expect(cli('frobnicate').code).toBe(2);
  });
});
