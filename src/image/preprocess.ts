// From a decoded photo to the network's input tensor. The geometry it follows (and that maps
// boxes back to photo pixels) lives in geometry.ts.
import * as tf from '@tensorflow/tfjs';
import { inputTransform, type InputTransform, type Preprocessing, type RGBAImage } from './geometry';

/** Per network input channel c: value = photo[channel[c]] * mul[c] + add[c]. */
interface ChannelMap {
  channel: [number, number, number];
  mul: [number, number, number];
  add: [number, number, number];
}

const IDENTITY: ChannelMap = { channel: [0, 1, 2], mul: [1, 1, 1], add: [0, 0, 0] };

/** Channel order, scale, mean and std as one affine map per channel. */
export function channelMap(prep: Omit<Preprocessing, 'resize'>): ChannelMap {
  const order: [number, number, number] = prep.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  return {
    channel: order,
    mul: [0, 1, 2].map((c) => prep.scale / prep.std[c]) as [number, number, number],
    add: [0, 1, 2].map((c) => -prep.mean[c] / prep.std[c]) as [number, number, number],
  };
}

/** A photo, or its box-filtered copy: `channels` values a pixel, red, green and blue first. */
interface Pixels {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array;
}

/**
 * The photo box-filtered by an integer factor (the mean of each factor x factor block), as
 * floats: one pass over the pixels, so a 40-megapixel photo never becomes a 40-megapixel float array.
 */
export function boxDownsample(image: RGBAImage, factor: number): Pixels & { data: Float32Array } {
  const w = Math.floor(image.width / factor);
  const h = Math.floor(image.height / factor);
  const out = new Float32Array(w * h * 3);
  const src = image.data;
  const norm = 1 / (factor * factor);
  const stride = image.width * 4;
  for (let y = 0, o = 0; y < h; y++) {
    const row = y * factor * stride;
    for (let x = 0; x < w; x++, o += 3) {
      let r = 0,
        g = 0,
        b = 0;
      for (let dy = 0, q = row + x * factor * 4; dy < factor; dy++, q += stride) {
        for (let dx = 0, p = q; dx < factor; dx++, p += 4) {
          r += src[p];
          g += src[p + 1];
          b += src[p + 2];
        }
      }
      out[o] = r * norm;
      out[o + 1] = g * norm;
      out[o + 2] = b * norm;
    }
  }
  return { width: w, height: h, channels: 3, data: out };
}

/** Where each output row (or column) samples its source: tf.image.resizeBilinear's half-pixel rule. */
function taps(outSize: number, srcSize: number, first: number, count: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const lo = new Int32Array(count);
  const hi = new Int32Array(count);
  const frac = new Float64Array(count);
  const ratio = srcSize / outSize;
  for (let i = 0; i < count; i++) {
    const at = (first + i + 0.5) * ratio - 0.5;
    lo[i] = Math.max(0, Math.floor(at));
    hi[i] = Math.min(srcSize - 1, Math.ceil(at));
    frac[i] = at - lo[i];
  }
  return { lo, hi, frac };
}

/**
 * The network input as floats [S, S, 3]: the (box-filtered) photo resized bilinearly to
 * resizedWidth x resizedHeight with half-pixel centres (what tf.image.resizeBilinear computes), but
 * only inside the crop window, with the channel map applied last (it is affine, so it commutes with
 * the interpolation). Done here rather than as backend ops because on a GPU the upload of a
 * full-size float photo and its page faults cost more than the network's kernels (15 ms against
 * 6 ms for DRN-A-50 on an H100); the S x S input is a few hundred kB.
 */
export function inputPixels(image: RGBAImage, t: InputTransform, map: ChannelMap = IDENTITY): Float32Array {
  const src: Pixels = t.prepool > 1 ? boxDownsample(image, t.prepool) : { ...image, channels: 4 };
  const size = t.inputSize;
  const rows = taps(t.resizedHeight, src.height, t.offsetY, size);
  const cols = taps(t.resizedWidth, src.width, t.offsetX, size);
  const out = new Float32Array(size * size * 3);
  const { data, channels } = src;
  const stride = src.width * channels;
  const [c0, c1, c2] = map.channel;
  const [m0, m1, m2] = map.mul;
  const [a0, a1, a2] = map.add;
  for (let y = 0, o = 0; y < size; y++) {
    const top = rows.lo[y] * stride;
    const bottom = rows.hi[y] * stride;
    const fy = rows.frac[y];
    for (let x = 0; x < size; x++, o += 3) {
      const tl = top + cols.lo[x] * channels;
      const tr = top + cols.hi[x] * channels;
      const bl = bottom + cols.lo[x] * channels;
      const br = bottom + cols.hi[x] * channels;
      const fx = cols.frac[x];
      // Output channel i interpolates photo channel c_i, the same way tf.image.resizeBilinear does.
      let u = data[tl + c0] + (data[tr + c0] - data[tl + c0]) * fx;
      let v = data[bl + c0] + (data[br + c0] - data[bl + c0]) * fx;
      out[o] = (u + (v - u) * fy) * m0 + a0;
      u = data[tl + c1] + (data[tr + c1] - data[tl + c1]) * fx;
      v = data[bl + c1] + (data[br + c1] - data[bl + c1]) * fx;
      out[o + 1] = (u + (v - u) * fy) * m1 + a1;
      u = data[tl + c2] + (data[tr + c2] - data[tl + c2]) * fx;
      v = data[bl + c2] + (data[br + c2] - data[bl + c2]) * fx;
      out[o + 2] = (u + (v - u) * fy) * m2 + a2;
    }
  }
  return out;
}

/** The normalized network input [1, S, S, 3] for one photo: computed on the CPU, then one small upload. Caller disposes. */
export function toInputTensor(image: RGBAImage, prep: Preprocessing): { input: tf.Tensor4D; transform: InputTransform } {
  const transform = inputTransform(prep.resize, image.width, image.height);
  const size = transform.inputSize;
  return { input: tf.tensor4d(inputPixels(image, transform, channelMap(prep)), [1, size, size, 3]), transform };
}
