import { describe, expect, it } from 'vitest';
import { float16Bits as toHalf, halfToFloat as fromHalf } from '../../weights/float16';
import { decodeHead, encodeHead, HeadLinkError, linkSize } from './head-link';

function head(n = 2048, seed = 3) {
  const weights = Float32Array.from({ length: n }, (_, i) => 0.05 * Math.sin(seed * 7 + i * 1.3));
  return { name: 'my mug', weights, bias: -1.25 };
}

describe('float16', () => {
  it('rounds to the nearest half and back, exactly where a half can hold the value', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -65504, 2 ** -24, 1024.5 - 0.5]) expect(fromHalf(toHalf(v))).toBe(v);
    expect(fromHalf(toHalf(1 / 3))).toBeCloseTo(1 / 3, 3);
    expect(Math.abs(fromHalf(toHalf(0.01234)) - 0.01234)).toBeLessThan(0.01234 * 2 ** -10);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
    expect(fromHalf(toHalf(1e-9))).toBe(0);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });

  it('keeps a map of 2048 features within a small error of the float32 head', () => {
    const h = head();
    const back = decodeHead(encodeHead(h), 2048);
    const x = Float32Array.from({ length: 2048 }, (_, i) => Math.max(0, Math.cos(i * 0.37)) * 2);
    const dot = (w: Float32Array, b: number) => w.reduce((s, v, i) => s + v * x[i], b);
    expect(Math.abs(dot(back.weights, back.bias) - dot(h.weights, h.bias))).toBeLessThan(0.01);
  });
});

describe('a taught class in a link', () => {
  it('round-trips its name and numbers', () => {
    const h = head(16);
    const back = decodeHead(encodeHead(h), 16);
    expect(back.name).toBe('my mug');
    expect(back.bias).toBe(-1.25);
    back.weights.forEach((w, i) => expect(Math.abs(w - h.weights[i])).toBeLessThanOrEqual(Math.abs(h.weights[i]) * 2 ** -10 + 2 ** -24));
  });

  it('gives the same text again for the same head, renamed or with another bias as such', () => {
    const h = head(16);
    const text = encodeHead(h);
    expect(encodeHead({ ...h })).toBe(text);
    expect(encodeHead({ ...h, name: 'cup' })).toBe(text.replace(/^my mug~/, 'cup~'));
    const other = encodeHead({ ...h, bias: 2 });
    expect(decodeHead(other, 16).bias).toBe(2);
    expect(other).toBe(encodeHead({ ...h, weights: Float32Array.from(h.weights), bias: 2 }));
  });

  it('costs about 2.7 characters per weight: a 2048-feature head is under 6 KB', () => {
    const text = encodeHead(head());
    expect(text.length).toBeLessThan(6000);
    expect(linkSize(`#head=${text}`).words).toMatch(/^5\.\d KB$/);
  });

  it('refuses every kind of hand edit with the problem named', () => {
    const text = encodeHead(head(16));
    const [name, numbers] = text.split('~');
    const refusal = (v: string, features?: number) => {
      try {
        decodeHead(v, features);
      } catch (e) {
        expect(e).toBeInstanceOf(HeadLinkError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${v}`);
    };
    // One character changed: the checksum notices.
    const flipped = numbers.slice(0, 5) + (numbers[5] === 'A' ? 'B' : 'A') + numbers.slice(6);
    expect(refusal(`${name}~${flipped}`)).toMatch(/checksum/);
    expect(refusal(`${name}~${numbers.slice(0, -6)}`)).toMatch(/checksum|cut short/);
    expect(refusal(`${name}~${numbers.slice(0, 5)}`)).toMatch(/cut short|bytes/);
    expect(refusal(`${name}~${numbers}!`)).toMatch(/"!"/);
    expect(refusal(numbers)).toMatch(/no "~"/);
    expect(refusal(`~${numbers}`)).toMatch(/no name/);
    expect(refusal(`${'x'.repeat(101)}~${numbers}`)).toMatch(/101 characters/);
    expect(refusal(text, 2048)).toMatch(/16 weights.*2048.*another backbone/);
  });

  it('refuses numbers that are not finite, even with a right checksum', () => {
    const h = head(4);
    h.weights[2] = 1e9;
    expect(() => decodeHead(encodeHead(h))).toThrow(/number 3 of 5 is not finite/);
  });
});
