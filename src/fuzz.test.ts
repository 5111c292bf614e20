// Issue 20, item 4: a fuzz test that stays. Thousands of seeded random and mutated inputs
// (truncations, bit flips, huge numbers, deep nesting, junk) go into every reader of outside
// input: the image sniffer and decoders, the share link's reader, the ground-truth readers, the
// folder annotations reader and the taught-head file reader. Each must return a value or throw its
// own named error, within a time bound; a TypeError, a RangeError or a hang is a bug.
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeView } from './app/url-state';
import { decodeImage } from './image/decode-node';
import { describeContent, sniffImage, truncation } from './image/file-check';
import { folderSet } from './localize/folder-set';
import { parseBoxArg, parseGroundTruth } from './localize/ground-truth';
import { parseHeadFile } from './teach/head-file';

/** One input may take this long (generous: the machine is shared); the suites stay well under it. */
const PER_INPUT_MS = 1500;

function rng(seed: number): () => number {
  // mulberry32: small, seeded, good enough to pick mutations.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = ['4294967295', '1e308', '-1e308', '9007199254740993', 'NaN', 'Infinity', '-0', '1e-400', '0x7fffffff', '99999999999999999999999'];

/** A mutated copy of `seed`: truncated, bit-flipped, spliced with itself, or with huge numbers and junk. */
function mutateBytes(seed: Uint8Array, r: () => number): Uint8Array {
  let b = seed.slice();
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    switch (Math.floor(r() * 6)) {
      case 0:
        b = b.slice(0, at);
        break;
      case 1:
        if (b.length) b[at % b.length] ^= 1 << Math.floor(r() * 8);
        break;
      case 2: {
        // A 32-bit field set to a huge or zero value (PNG sizes and chunk lengths, JPEG segment lengths).
        const v = [0xffffffff, 0x7fffffff, 0, 0x10000][Math.floor(r() * 4)];
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (v >>> (24 - 8 * i)) & 0xff;
        break;
      }
      case 3: {
        const junk = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
        b = Uint8Array.from([...b.subarray(0, at), ...junk, ...b.subarray(at)]);
        break;
      }
      case 4: {
        const from = Math.floor(r() * b.length);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(from, from + Math.floor(r() * 200)), ...b.subarray(at)]);
        break;
      }
      default:
        b = b.slice(Math.floor(r() * Math.min(16, b.length)));
    }
  }
  return b;
}

/** A mutated copy of a text: the byte mutations, plus huge numbers, deep nesting and junk characters. */
function mutateText(seed: string, r: () => number): string {
  const roll = r();
  if (roll < 0.5) return new TextDecoder().decode(mutateBytes(new TextEncoder().encode(seed), r));
  const at = Math.floor(r() * (seed.length + 1));
  if (roll < 0.7) {
    // A number in the text replaced by a huge or strange one.
    const m = [...seed.matchAll(/-?\d+(\.\d+)?/g)];
    if (!m.length) return seed;
    const pick = m[Math.floor(r() * m.length)];
    return seed.slice(0, pick.index) + HUGE[Math.floor(r() * HUGE.length)] + seed.slice(pick.index! + pick[0].length);
  }
  if (roll < 0.8) {
    const depth = [10, 1000, 100_000][Math.floor(r() * 3)];
    const [open, close] = [
      ['[', ']'],
      ['{"a":', '}'],
      ['<object>', '</object>'],
    ][Math.floor(r() * 3)];
    return seed.slice(0, at) + open.repeat(depth) + (r() < 0.5 ? close.repeat(depth) : '') + seed.slice(at);
  }
  if (roll < 0.9) return seed.slice(0, at) + String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(r() * 0x2fff))) + seed.slice(at);
  return seed.repeat(1 + Math.floor(r() * 50));
}

/** Runs `read` on each input; each must return or throw an error named in `named`, within the bound. */
function fuzz<T>(inputs: Iterable<T>, read: (input: T) => unknown, named: string[]): { returned: number; refused: number } {
  let returned = 0,
    refused = 0;
  for (const input of inputs) {
    const t0 = performance.now();
    try {
      read(input);
      returned++;
    } catch (e) {
      const name = (e as Error)?.name;
      if (!named.includes(name)) {
        const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 200)) : `${(input as Uint8Array).length} bytes`;
        throw new Error(`unnamed failure on ${shown}: ${name}: ${(e as Error)?.message}`, { cause: e });
      }
      refused++;
    }
    const ms = performance.now() - t0;
    if (ms > PER_INPUT_MS) throw new Error(`an input took ${ms.toFixed(0)} ms (bound ${PER_INPUT_MS})`);
  }
  return { returned, refused };
}

function* generate<T>(n: number, seed: number, make: (r: () => number, i: number) => T): Generator<T> {
  const r = rng(seed);
  for (let i = 0; i < n; i++) yield make(r, i);
}

function smallPng(alpha: boolean): Uint8Array {
  const png = new PNG({ width: 9, height: 7, colorType: alpha ? 6 : 2 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 0xff;
  return new Uint8Array(PNG.sync.write(png));
}

function smallJpeg(): Uint8Array {
  const data = Buffer.alloc(12 * 10 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 0xff;
  return new Uint8Array(jpeg.encode({ data, width: 12, height: 10 }, 80).data);
}

/** A PNG whose header claims width x height (CRC fixed, so decoders believe it), with the seed's tiny data. */
function pngClaiming(width: number, height: number): Uint8Array {
  const b = smallPng(false);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(b.subarray(12, 29)));
  return b;
}

/** A JPEG whose frame header claims width x height. */
function jpegClaiming(width: number, height: number): Uint8Array {
  const b = smallJpeg();
  for (let i = 2; i + 9 < b.length;) {
    const marker = b[i + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      b[i + 5] = height >> 8;
      b[i + 6] = height & 0xff;
      b[i + 7] = width >> 8;
      b[i + 8] = width & 0xff;
      break;
    }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return b;
}

describe('fuzz: every reader of outside input returns or refuses by name, in bounded time', () => {
  it('image sniffer and decoders (2,000 mutated PNG and JPEG files plus random bytes)', () => {
    const seeds = [smallPng(false), smallPng(true), smallJpeg()];
    const inputs = generate(2000, 20, (r, i) =>
      i % 10 === 0 ? Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)) : mutateBytes(seeds[i % seeds.length], r),
    );
    const { returned, refused } = fuzz(
      inputs,
      (b: Uint8Array) => {
        const kind = sniffImage(b);
        describeContent(b);
        if (kind) truncation(b, kind);
        const img = decodeImage(b, 'fuzz');
        // What comes back is a whole image.
        if (img.data.length !== 4 * img.width * img.height) throw new Error(`decoded ${img.width}x${img.height} with ${img.data.length} bytes`);
      },
      ['ImageError'],
    );
    expect(returned).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('images that claim enormous sizes are refused by name, not by running out of memory', () => {
    const claims = [pngClaiming(100_000, 100_000), pngClaiming(0x7fffffff, 1), pngClaiming(0, 0), jpegClaiming(65535, 65535), jpegClaiming(0, 10)];
    const { returned } = fuzz(claims, (b: Uint8Array) => decodeImage(b, 'fuzz'), ['ImageError']);
    expect(returned).toBe(0);
  });

  it('the share link reader (3,000 mutated and random hashes): it never throws', () => {
    const known = { models: ['drn-a-50-imagenet', 'resnet-50-imagenet'], samples: ['chelsea.png'] };
    const seed =
      '#v=1&model=drn-a-50-imagenet&backend=wasm&photo=chelsea.png&classes=285,281&rule=cam&t=0.2&opacity=0.6&scale=class&raw=1&gt=10,20,300,200;1,2,3,4';
    const inputs = generate(3000, 21, (r, i) =>
      i % 10 === 0 ? `#${String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(r() * 0xffff)))}` : mutateText(seed, r),
    );
    const { refused } = fuzz(
      inputs,
      (h: string) => {
        const d = decodeView(h, known);
        if (!Array.isArray(d.problems)) throw new Error('no problems list');
      },
      [],
    );
    expect(refused).toBe(0);
  });

  it('the ground-truth readers: VOC XML, JSON and typed boxes (3,000 inputs)', () => {
    const voc =
      '<annotation><size><width>500</width><height>375</height></size><object><name>n02123045</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>300</xmax><ymax>200</ymax></bndbox></object></annotation>';
    const json = '{"boxes": [[10, 20, 300, 200], [1, 2, 3, 4]]}';
    const seeds = [voc, json, '[[10,20,300,200]]'];
    const inputs = generate(3000, 22, (r, i) => mutateText(seeds[i % seeds.length], r));
    const { returned, refused } = fuzz(
      inputs,
      (t: string) => {
        parseGroundTruth(t, 'fuzz');
        try {
          parseBoxArg(t.slice(0, 60));
        } catch (e) {
          if ((e as Error).name !== 'GroundTruthError') throw e;
        }
      },
      ['GroundTruthError'],
    );
    expect(returned).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("the folder's annotations reader (1,500 annotations.json and VOC sets): problems listed, never thrown", () => {
    const annotations = JSON.stringify({
      images: [
        { file: 'a.jpg', class_index: 3, boxes: [[1, 2, 30, 40]], width: 100, height: 80 },
        { file: 'b.jpg', class_index: 1, boxes: [[0, 0, 5, 5]] },
      ],
    });
    const voc =
      '<annotation><filename>a</filename><object><name>n01440764</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object></annotation>';
    const inputs = generate(1500, 23, (r, i) =>
      i % 2 ? { file: 'set/annotations.json', text: mutateText(annotations, r) } : { file: 'set/a.xml', text: mutateText(voc, r) },
    );
    const { refused } = fuzz(
      inputs,
      ({ file, text }: { file: string; text: string }) => {
        const texts = new Map([[file, text]]);
        if (file.endsWith('.xml')) texts.set('set/synsets.txt', 'n01440764 tench\nn02123045 tabby');
        const set = folderSet(['set/a.jpg', 'set/b.jpg', file], texts, ['tench', 'tabby']);
        if (!Array.isArray(set.items) || !Array.isArray(set.problems)) throw new Error('no items or problems');
      },
      [],
    );
    expect(refused).toBe(0);
  });

  it('the taught-head file reader (2,000 mutated head files)', () => {
    const head = JSON.stringify({
      format: 'drn-lens-head',
      version: 1,
      name: 'mug',
      backbone: { model: 'drn-a-50-imagenet', architecture: 'drn-a-50', weightsSha256: 'a'.repeat(64) },
      inputSize: 224,
      features: 4,
      weights: [0.5, -0.25, 1, 0],
      bias: -0.1,
      examples: { positives: 10, negatives: 20 },
      createdAt: '2026-12-03T14:00:00Z',
    });
    parseHeadFile(head, 'seed'); // the seed itself is a valid head file
    const inputs = generate(2000, 24, (r) => mutateText(head, r));
    const { returned, refused } = fuzz(inputs, (t: string) => parseHeadFile(t, 'fuzz'), ['HeadFileError']);
    expect(returned).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
