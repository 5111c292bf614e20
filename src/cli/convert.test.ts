// `convert` as a user meets it: a real process turns a PyTorch checkpoint into a package that
// `locate` then runs, with PyTorch's logits. Needs `npm run setup-models` (for the class names).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocateResult } from '../localize/report';
import { REPO_ROOT } from './paths';
import { runCli } from './run-cli.testkit';

const FIXTURES = join(REPO_ROOT, 'src/weights/torch/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'drn-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = runCli;

describe('cli convert', () => {
  it("converts a legacy DRN-C-26 checkpoint that locate then runs with PyTorch's logits", () => {
    const out = join(tmp, 'c26');
    const r = cli('convert', join(FIXTURES, 'drn_c_26_w8.legacy.pth'), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^drn_c_26_w8\.legacy\.pth: detected drn_c_26 \(1\/8 width, 1000 classes, 31 convolutions/);
    expect(r.stdout).toContain(`wrote ${out}`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { id: string; classes: string[]; provenance: string };
    expect(manifest.id).toBe('c26');
    expect(manifest.classes[281]).toBe('tabby');
    expect(manifest.provenance).toMatch(/drn_c_26_w8\.legacy\.pth \(sha256 [0-9a-f]{64}\)/);

    const located = cli('locate', join(FIXTURES, 'input.png'), '--model', out, '--json', '--logits');
    expect(located.code).toBe(0);
    const logits = (JSON.parse(located.stdout) as LocateResult).logits!;
    const expected = new Float32Array(readFileSync(join(FIXTURES, 'drn_c_26_w8.expected.bin')).buffer.slice(0, 4000));
    const max = Math.max(...expected.map(Math.abs));
    expect(Math.max(...logits.map((v, i) => Math.abs(v - expected[i]))) / max).toBeLessThan(1e-4);
  });

  it('refuses hostile and unrelated files with one line and exit code 1', () => {
    const evil = join(tmp, 'evil.pth');
    // The legacy stream's magic number, protocol version and system info, then os.system(None).
    const header = [
      0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e, 0x80, 2, 0x4d, 0xe9, 3, 0x2e, 0x80, 2, 0x7d, 0x2e,
    ];
    writeFileSync(evil, Uint8Array.from([...header, 0x80, 2, 0x63, ...new TextEncoder().encode('os\nsystem\n'), 0x4e, 0x85, 0x52, 0x2e]));
    for (const [file, message] of [
      [evil, /^error: evil\.pth: main pickle: refuses the global os\.system: .*nothing was executed \(byte 27\)$/],
      [join(FIXTURES, 'input.png'), /^error: input\.png: not a PyTorch checkpoint \(97997 bytes/],
      [join(FIXTURES, 'tiny.zip.pth'), /^error: tiny\.zip\.pth: not the state_dict of a DRN or ResNet \(4 entries: a, b, c, n\)$/],
    ] as const) {
      const r = cli('convert', file, '--out', join(tmp, 'never'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
    expect(cli('convert', join(FIXTURES, 'tiny.zip.pth'), '--arch', 'drn_z_1').code).toBe(2);
  });

  it("stores float16 shards with --dtype float16, and locate still gives PyTorch's classes", () => {
    const out = join(tmp, 'c26-f16');
    const r = cli('convert', join(FIXTURES, 'drn_c_26_w8.legacy.pth'), '--out', out, '--dtype', 'float16');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`wrote ${out} (float16,`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
    };
    expect(manifest.weightsManifest[0].weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    const located = cli('locate', join(FIXTURES, 'input.png'), '--model', out, '--json', '--logits');
    expect(located.code).toBe(0);
    const logits = (JSON.parse(located.stdout) as LocateResult).logits!;
    const expected = new Float32Array(readFileSync(join(FIXTURES, 'drn_c_26_w8.expected.bin')).buffer.slice(0, 4000));
    const max = Math.max(...expected.map(Math.abs));
    // float16 keeps 11 significant bits: logits move by about 1e-3 of their scale, not 1e-4.
    expect(Math.max(...logits.map((v, i) => Math.abs(v - expected[i]))) / max).toBeLessThan(1e-2);
    const argmax = (xs: ArrayLike<number>) => Array.from(xs).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);
    expect(argmax(logits)).toBe(argmax(expected));
  });

  it('refuses an unknown --dtype in convert and setup-models with one line and exit code 2', () => {
    for (const args of [
      ['convert', join(FIXTURES, 'drn_c_26_w8.legacy.pth'), '--dtype', 'bf16'],
      ['fetch-models', '--dtype', 'bf16'],
    ]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: --dtype must be one of float32, float16, got "bf16"');
    }
  });
});
