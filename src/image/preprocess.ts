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

/**
 * The photo box-filtered by an integer factor, as floats, with each channel mapped by `map`: one
 * pass over the pixels, so a 40-megapixel photo never becomes a 40-megapixel float tensor, and the
 * normalization costs no backend op (it commutes with the bilinear resize that follows).
 */
export function boxDownsample(image: RGBAImage, factor: number, map: ChannelMap = IDENTITY): { width: number; height: number; data: Float32Array } {
  const w = Math.floor(image.width / factor);
  const h = Math.floor(image.height / factor);
  const out = new Float32Array(w * h * 3);
  const src = image.data;
  const norm = 1 / (factor * factor);
  const [c0, c1, c2] = map.channel;
  const [m0, m1, m2] = map.mul.map((m) => m * norm);
  const [a0, a1, a2] = map.add;
  const sum = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      sum[0] = 0;
      sum[1] = 0;
      sum[2] = 0;
      for (let dy = 0; dy < factor; dy++) {
        let p = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, p += 4) {
          sum[0] += src[p];
          sum[1] += src[p + 1];
          sum[2] += src[p + 2];
        }
      }
      const o = (y * w + x) * 3;
      out[o] = sum[c0] * m0 + a0;
      out[o + 1] = sum[c1] * m1 + a1;
      out[o + 2] = sum[c2] * m2 + a2;
    }
  }
  return { width: w, height: h, data: out };
}

/** The normalized network input [1, S, S, 3] for one photo: one upload, then at most a resize and a crop. Caller disposes. */
export function toInputTensor(image: RGBAImage, prep: Preprocessing): { input: tf.Tensor4D; transform: InputTransform } {
  const t = inputTransform(prep.resize, image.width, image.height);
  const small = boxDownsample(image, t.prepool, channelMap(prep));
  const input = tf.tidy(() => {
    let x = tf.tensor4d(small.data, [1, small.height, small.width, 3]);
    if (small.height !== t.resizedHeight || small.width !== t.resizedWidth) {
      x = tf.image.resizeBilinear(x, [t.resizedHeight, t.resizedWidth], false, true);
    }
    if (t.resizedWidth !== t.inputSize || t.resizedHeight !== t.inputSize) {
      x = tf.slice(x, [0, t.offsetY, t.offsetX, 0], [1, t.inputSize, t.inputSize, 3]);
    }
    return x as tf.Tensor4D;
  });
  return { input, transform: t };
}
