import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointError, readCheckpoint } from './checkpoint';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

interface FixtureIndex {
  models: { arch: string; files: { file: string; format: string }[]; stateDict: [string, number[], number, number][] }[];
}
const index = JSON.parse(new TextDecoder().decode(fixture('fixtures.json'))) as FixtureIndex;

const TINY = {
  a: { shape: [2, 3], data: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] },
  b: { shape: [4], data: [0.5, -1.25, 65504, 2 ** -24] },
  c: { shape: [3, 2], data: [-2.5, 0.5, -1.5, 1.5, -0.5, 2.5] },
  n: { shape: [], data: [7] },
};

describe('readCheckpoint on files torch.save wrote', () => {
  for (const file of ['tiny.legacy.pth', 'tiny.zip.pth']) {
    it(`${file}: float32, float16, a transposed view and an int64 scalar, exactly`, () => {
      const sd = readCheckpoint(fixture(file), file);
      expect([...sd.keys()]).toEqual(Object.keys(TINY));
      for (const [k, want] of Object.entries(TINY)) {
        expect(sd.get(k)!.shape).toEqual(want.shape);
        expect(Array.from(sd.get(k)!.data)).toEqual(want.data);
      }
    });
  }

  it('tiny.py2.pth: the 2017 shape (Python 2 strings and OrderedDict, _rebuild_tensor, CUDA storages, a storage view)', () => {
    const sd = readCheckpoint(fixture('tiny.py2.pth'), 'tiny.py2.pth');
    expect([...sd].map(([k, t]) => [k, t.shape, Array.from(t.data)])).toEqual([
      ['a', TINY.a.shape, TINY.a.data],
      ['c', TINY.c.shape, TINY.c.data],
      ['v', [2], [5, 6]],
    ]);
  });

  for (const model of index.models) {
    for (const { file } of model.files) {
      it(`${file}: every entry in order with its shape, sum and first value`, () => {
        const progress: number[] = [];
        const sd = readCheckpoint(fixture(file), file, { onProgress: (f) => progress.push(f) });
        expect([...sd.keys()]).toEqual(model.stateDict.map((e) => e[0]));
        for (const [name, shape, sum, first] of model.stateDict) {
          const t = sd.get(name)!;
          expect(t.shape, name).toEqual(shape);
          expect(t.data.length).toBe(shape.reduce((a, b) => a * b, 1));
          const got = t.data.reduce((s, v) => s + v, 0);
          const scale = t.data.reduce((s, v) => s + Math.abs(v), 0);
          expect(Math.abs(got - sum), name).toBeLessThanOrEqual(1e-6 * scale + 1e-9);
          expect(t.data[0], name).toBe(Math.fround(first));
        }
        expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
        expect(progress.at(-1)).toBe(1);
      });
    }

    // The bottleneck model ships in one format only (fixture size).
    if (model.files.length > 1)
      it(`${model.arch}: the legacy and zip files hold identical values`, () => {
        const [a, b] = model.files.map((f) => readCheckpoint(fixture(f.file), f.file));
        for (const [k, t] of a) {
          const other = b.get(k)!.data;
          // A plain loop: toEqual on large typed arrays takes seconds.
          const differs = t.data.findIndex((v, i) => v !== other[i]);
          expect([k, other.length, differs]).toEqual([k, t.data.length, -1]);
        }
      });
  }
});

// Builders for hostile files: the legacy stream's three header pickles, then a main pickle.
const bytes = (...parts: (number | string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'number' ? [p] : typeof p === 'string' ? Array.from(new TextEncoder().encode(p)) : p)));
const HEADER = bytes(
  0x80,
  2,
  0x8a,
  10,
  [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19],
  0x2e, // magic number
  0x80,
  2,
  0x4d,
  [0xe9, 0x03],
  0x2e, // protocol version 1001
  0x80,
  2,
  0x7d,
  0x2e, // system info: {}
);
const legacy = (main: Uint8Array, tail: Uint8Array = bytes(0x80, 2, 0x5d, 0x2e)) => new Uint8Array([...HEADER, ...main, ...tail]);
const str = (s: string) => bytes(0x58, [s.length, 0, 0, 0], s); // BINUNICODE
const global = (module: string, name: string) => bytes(0x63, `${module}\n${name}\n`);
const int4 = (n: number) => bytes(0x4a, [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255]);
/** ('storage', torch.FloatStorage, key, 'cpu', size) as a persistent id, then BINPERSID. */
const storagePid = (key: string, size: Uint8Array) =>
  bytes(0x28, [...str('storage')], [...global('torch', 'FloatStorage')], [...str(key)], [...str('cpu')], [...size], 0x74, 0x51);
/** {'w': _rebuild_tensor_v2(storage, offset, (n,), (1,), False, OrderedDict())} */
const tensorDict = (storage: Uint8Array, offset: number, n: number) =>
  bytes(
    0x7d,
    [...str('w')],
    [...global('torch._utils', '_rebuild_tensor_v2')],
    0x28,
    [...storage],
    [...int4(offset)],
    [...int4(n)],
    0x85,
    [...int4(1)],
    0x85,
    0x89,
    [...global('collections', 'OrderedDict')],
    0x29,
    0x52,
    0x74,
    0x52,
    0x73,
    0x2e,
  );

const throws = (data: Uint8Array, message: RegExp, name = 'evil.pth') => {
  let error: unknown;
  try {
    readCheckpoint(data, name);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
  expect((error as Error).message).toMatch(message);
};

describe('readCheckpoint refuses hostile and broken files', () => {
  const calls: [string, string][] = [
    ['os', 'system'],
    ['builtins', 'eval'],
    ['subprocess', 'Popen'],
    ['posix', 'system'],
    ['torch', 'load'],
  ];
  for (const [module, name] of calls) {
    it(`a pickle naming ${module}.${name} (GLOBAL)`, () => {
      throws(
        legacy(bytes([...global(module, name)], [...str('touch /tmp/pwned')], 0x85, 0x52, 0x2e)),
        new RegExp(`main pickle: refuses the global ${module}\\.${name}: .*nothing was executed`),
      );
    });
  }

  it('a protocol-4 STACK_GLOBAL naming builtins.eval', () => {
    const p = bytes(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'eval', 0x93, 0x8c, 2, '42', 0x85, 0x52, 0x2e);
    throws(legacy(p), /refuses the global builtins\.eval/);
  });

  it('the same global inside a zip checkpoint', async () => {
    const { zipSync } = await import('fflate');
    const zip = zipSync({ 'archive/data.pkl': bytes([...global('os', 'system')], [...str('ls')], 0x85, 0x52, 0x2e) }, { level: 0 });
    throws(zip, /archive\/data\.pkl: refuses the global os\.system/);
  });

  it('REDUCE on something that is not an allowed function', () => {
    throws(legacy(bytes([...str('os.system')], [...str('ls')], 0x85, 0x52, 0x2e)), /REDUCE calls "os\.system", which is not an allowed function/);
    throws(legacy(bytes([...global('torch', 'FloatStorage')], 0x29, 0x52, 0x2e)), /REDUCE calls torch\.FloatStorage, which may only be referenced/);
  });

  it('opcodes this reader does not run (INST, OBJ, EXT1)', () => {
    throws(legacy(bytes(0x28, 0x69, 'os\nsystem\n', 0x2e)), /opcode 0x69 \('i'\), which this reader does not run/);
    throws(legacy(bytes(0x28, 0x6f, 0x2e)), /opcode 0x6f \('o'\)/);
    throws(legacy(bytes(0x82, 1, 0x2e)), /opcode 0x82,/);
  });

  it('a storage that declares more bytes than the whole file', () => {
    const huge = bytes(0x8a, 6, [0, 0, 0, 0, 0, 1]); // 2^40 floats
    throws(
      legacy(tensorDict(storagePid('0', huge), 0, 4)),
      /storage 0 declares 1099511627776 float32 values \(4398046511104 bytes\), more than the whole file/,
    );
  });

  it('a tensor that reaches past its storage', () => {
    throws(legacy(tensorDict(storagePid('0', int4(4)), 2, 4)), /tensor \[4\] \(offset 2, stride \[1\]\) reaches element 5 of a 4-element storage 0/);
  });

  it('a storage the pickle uses but the stream never stores', () => {
    throws(legacy(tensorDict(storagePid('0', int4(4)), 0, 4)), /storage 0 is used by a tensor but not stored/);
  });

  it('a stored storage shorter than its count', () => {
    const keys = bytes(0x80, 2, 0x5d, 0x28, [...str('0')], 0x65, 0x2e);
    const data = bytes([4, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0x80, 0x3f]);
    throws(
      legacy(tensorDict(storagePid('0', int4(4)), 0, 4), new Uint8Array([...keys, ...data])),
      /storage 0 needs 16 bytes at byte \d+, but the file ends/,
    );
  });

  it('a memo read of an entry never put, and an empty stack', () => {
    throws(legacy(bytes(0x68, 9, 0x2e)), /gets memo entry 9, which was never put/);
    throws(legacy(bytes(0x2e)), /pops an empty stack/);
  });

  it('a string length past the end of the file', () => {
    throws(legacy(bytes(0x58, [0xff, 0xff, 0xff, 0x7f], 'abc')), /needs 2147483647 more bytes but the file ends \d+ bytes later \(truncated\?\)/);
  });

  it('a top-level object that is not a state_dict', () => {
    throws(legacy(bytes(0x7d, [...str('epoch')], [...int4(3)], 0x73, 0x2e)), /holds no state_dict: entry "epoch" is 3, not a tensor \(keys: epoch\)/);
  });

  for (const file of ['drn_c_26_w8.legacy.pth', 'drn_d_22_w8.zip.pth', 'tiny.legacy.pth', 'tiny.zip.pth', 'tiny.py2.pth']) {
    it(`${file} cut short at several points`, () => {
      const whole = fixture(file);
      for (const cut of [20, 64, 200, Math.floor(whole.length / 3), Math.floor(whole.length / 2), whole.length - 30, whole.length - 1]) {
        throws(whole.subarray(0, cut), /truncated/, file);
      }
    });
  }

  it('a zip checkpoint missing one storage entry', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const entries = unzipSync(fixture('tiny.zip.pth'));
    const name = Object.keys(entries).find((n) => n.endsWith('/data/0'))!;
    delete entries[name];
    throws(zipSync(entries, { level: 0 }), /zip entry tiny\.zip\/data\/0 \(storage 0\) is missing/, 'tiny.zip.pth');
  });

  it('a zip entry that claims to inflate to 4 GB (a zip bomb) is refused before inflating', async () => {
    const { zipSync } = await import('fflate');
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array(1000) }, { level: 9 });
    const view = new DataView(zip.buffer);
    const dir = zip.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(dir + 24, 0xfffffff0, true); // uncompressed size in the central directory
    throws(zip, /not a readable zip archive \(entry archive\/data\.pkl would inflate to 4294967280 bytes/);
  });

  it('a zip without data.pkl, and one that is corrupt', async () => {
    const { zipSync } = await import('fflate');
    throws(zipSync({ 'a/readme.txt': bytes('hi') }), /a zip archive without data\.pkl/);
    throws(bytes(0x50, 0x4b, 3, 4, [...new Array(60).fill(7)]), /not a readable zip archive/);
  });

  it('random bytes, an empty file, and other formats', () => {
    let seed = 12345;
    const random = new Uint8Array(4096).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    throws(random, /not a PyTorch checkpoint \(4096 bytes, starting [0-9a-f ]+\)/);
    throws(new Uint8Array(0), /empty file/);
    throws(bytes(0x80, 2, 0x4e, 0x2e), /a bare pickle, not a file written by torch\.save/);
  });

  it('corrupted copies of real files either read or throw a CheckpointError, quickly', () => {
    let seed = 99;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (const file of ['tiny.legacy.pth', 'tiny.zip.pth', 'tiny.py2.pth']) {
      const whole = fixture(file);
      for (let trial = 0; trial < 400; trial++) {
        const bad = whole.slice();
        for (let k = 1 + rand(4); k > 0; k--) bad[rand(bad.length)] = rand(256);
        try {
          readCheckpoint(bad, file);
        } catch (e) {
          if (!(e instanceof CheckpointError)) throw new Error(`${file} trial ${trial}: ${(e as Error).stack}`, { cause: e });
        }
      }
    }
  });
});
