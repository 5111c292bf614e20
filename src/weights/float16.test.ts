import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { FLOAT16_MAX, float16Bits, toFloat16 } from './float16';
import { decodeWeights } from './load-package';

/** binary16 bits -> value, straight from the IEEE 754 definition (independent of tfjs's tables). */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

const f32 = (x: number) => Math.fround(x);
/** The next float32 above / below x (x > 0). */
const bits = new Float32Array(1);
const words = new Uint32Array(bits.buffer);
const step = (x: number, d: 1 | -1) => {
  bits[0] = x;
  words[0] += d;
  return bits[0];
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('float16Bits', () => {
  it('encodes known values to their IEEE 754 binary16 bit patterns', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [1 / 3, 0x3555],
      [0.1, 0x2e66],
      [FLOAT16_MAX, 0x7bff],
      [-FLOAT16_MAX, 0xfbff],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [1023 * 2 ** -24, 0x03ff],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [1e10, 0x7c00],
      [-1e10, 0xfc00],
      [1e-10, 0x0000],
      [-1e-10, 0x8000],
    ];
    for (const [x, h] of cases) expect(float16Bits(x).toString(16), String(x)).toBe(h.toString(16));
  });

  it('rounds ties to even, in the normal and subnormal range and at the overflow edge', () => {
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway 0x3c00/0x3c01: even is 0x3c00
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway 0x3c01/0x3c02: even is 0x3c02
    expect(float16Bits(2 ** -25)).toBe(0x0000); // halfway 0 / smallest subnormal
    expect(float16Bits(step(2 ** -25, 1))).toBe(0x0001);
    expect(float16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(float16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // largest subnormal's upper tie carries into the exponent
    expect(float16Bits(65519)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00); // halfway 65504 / 65536: even (0x7c00) is Inf
  });

  it('keeps NaN a NaN, with its sign and top payload bits', () => {
    expect(float16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float16Bits(NaN) & 0x3ff).not.toBe(0);
    bits[0] = NaN;
    words[0] = 0xff800001; // negative signalling NaN whose payload is only in the low bits
    const h = float16Bits(bits[0]);
    expect(half(h)).toBeNaN();
    expect(h & 0x8000).toBe(0x8000);
  });

  it('maps every binary16 value to itself and every midpoint to the even neighbour', () => {
    // One expect at the end: 65536 x 4 expect() calls take seconds.
    const wrong: string[] = [];
    const check = (x: number, want: number) => {
      if (float16Bits(x) !== want) wrong.push(`${x} -> ${float16Bits(x).toString(16)}, want ${want.toString(16)}`);
    };
    for (let h = 0; h < 0x10000; h++) {
      const v = half(h);
      if (Number.isNaN(v)) {
        if (!Number.isNaN(half(float16Bits(v)))) wrong.push(`NaN ${h.toString(16)}`);
        continue;
      }
      check(v, h);
      const mag = h & 0x7fff;
      if (mag >= 0x7bff) continue; // no finite upper neighbour
      const up = half(h + 1); // same sign, one step further from zero
      const mid = (v + up) / 2;
      if (f32(mid) !== mid) wrong.push(`midpoint ${mid} not exact in float32`);
      check(mid, h & 1 ? h + 1 : h);
      if (mag === 0) continue;
      // Just inside / outside the midpoint (in magnitude) goes to the nearer value.
      check(Math.sign(mid) * step(Math.abs(mid), -1), h);
      check(Math.sign(mid) * step(Math.abs(mid), 1), h + 1);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("is undone exactly by tfjs's float16 decoding, which the loader uses", () => {
    const all = Uint16Array.from({ length: 0x10000 }, (_, h) => h);
    const specs = [{ name: 'x', shape: [all.length], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } }];
    const decoded = tf.io.decodeWeights(all.buffer, specs).x;
    const values = decoded.dataSync() as Float32Array;
    decoded.dispose();
    const wrong = Array.from(values.keys()).filter((h) => !Object.is(values[h], half(h)) && !(Number.isNaN(values[h]) && Number.isNaN(half(h))));
    expect(wrong.map((h) => h.toString(16)).slice(0, 5)).toEqual([]);
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 6));
    const back = tf.io.decodeWeights(toFloat16(x).buffer, [{ ...specs[0], shape: [x.length] }]).x;
    const y = back.dataSync();
    back.dispose();
    // Rounding to nearest: relative error at most 2^-11 for normal values.
    x.forEach((v, i) => {
      if (Math.abs(v) >= 2 ** -14) expect(Math.abs(y[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    });
  });
});

describe('decodeWeights on wasm through a Float16Array', () => {
  /** A Float16Array stand-in for Node 20, which has none: the IEEE 754 definition above. */
  class Float16Definition {
    [i: number]: number;
    length: number;
    constructor(buffer: ArrayBuffer, byteOffset: number, length: number) {
      const bits = new Uint16Array(buffer, byteOffset, length);
      this.length = length;
      bits.forEach((h, i) => (this[i] = half(h)));
    }
  }

  it("gives tfjs's own decoding, for tensors that span shards and sit at any offset", async () => {
    await tf.setBackend('wasm');
    const shapes = [[3, 5], [7], [2, 2, 3], [1], [11, 2]];
    const values = shapes.map((s, t) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 10 * t) * 30));
    const bytes = new Uint8Array(values.flatMap((v) => Array.from(new Uint8Array(toFloat16(v).buffer))));
    // Cut at odd and even places, so that tensors straddle shards and some start at an odd byte.
    const cuts = [0, 9, 31, 32, 57, 101, bytes.length];
    const shards = cuts.slice(1).map((end, i) => bytes.slice(cuts[i], end).buffer);
    const specs = shapes.map((shape, i) => ({ name: `t${i}`, shape, dtype: 'float32' as const, quantization: { dtype: 'float16' as const } }));
    const ours = decodeWeights(shards, specs, Float16Definition);
    const theirs = tf.io.decodeWeights(bytes.buffer, specs);
    for (const { name, shape } of specs) {
      expect(ours.get(name)!.shape).toEqual(shape);
      expect(Array.from(ours.get(name)!.dataSync())).toEqual(Array.from(theirs[name].dataSync()));
    }
    tf.dispose([...ours.values(), ...Object.values(theirs)]);
  });
});
