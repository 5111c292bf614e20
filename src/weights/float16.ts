// float32 -> IEEE 754 binary16 bits, rounding to nearest, ties to even (what a hardware cast does),
// for storing weight shards at half the size. Decoding back to float32 is tfjs's own
// (tf.io.decodeWeights with `quantization: { dtype: 'float16' }`), so the page and the CLI read
// the bytes the way every TF.js model with float16 weights is read.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern nearest to x (x is first rounded to float32, as a Float32Array holds it). */
export function float16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  // NaN stays NaN (quiet, top payload bits kept), Inf stays Inf.
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Below 2^-14 binary16 is subnormal: value = h * 2^-24; half of 2^-24 and less rounds to zero.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && h & 1)) h++;
    return sign | h; // a carry into bit 10 is the smallest normal number, as it should be
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // a carry may reach 0x7c00: Inf, correctly
  return sign | h;
}

/** The largest finite binary16 value; finite weights beyond it would become Inf. */
export const FLOAT16_MAX = 65504;

/** float32 values -> binary16 bit patterns. */
export function toFloat16(data: Float32Array): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = float16Bits(data[i]);
  return out;
}

/** IEEE half to float: exact, including subnormals, infinities and NaN. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
