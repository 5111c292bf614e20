// From a decoded photo to the network's input tensor. The geometry it follows (and that maps
// boxes back to photo pixels) lives in geometry.ts.
import * as tf from '@tensorflow/tfjs';
import { inputTransform, type InputTransform, type Preprocessing, type RGBAImage } from './geometry';

/**
 * RGB floats of the photo, box-filtered by an integer factor: one pass over the pixels, so a
 * 40-megapixel photo never becomes a 40-megapixel float tensor.
 */
export function boxDownsample(image: RGBAImage, factor: number): { width: number; height: number; data: Float32Array } {
  const w = Math.floor(image.width / factor);
  const h = Math.floor(image.height / factor);
  const out = new Float32Array(w * h * 3);
  const src = image.data;
  const norm = 1 / (factor * factor);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let p = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, p += 4) {
          r += src[p]; g += src[p + 1]; b += src[p + 2];
        }
      }
      const o = (y * w + x) * 3;
      out[o] = r * norm; out[o + 1] = g * norm; out[o + 2] = b * norm;
    }
  }
  return { width: w, height: h, data: out };
}

/** The normalized network input [1, S, S, 3] for one photo. Caller disposes. */
export function toInputTensor(image: RGBAImage, prep: Preprocessing): { input: tf.Tensor4D; transform: InputTransform } {
  const t = inputTransform(prep.resize, image.width, image.height);
  const small = boxDownsample(image, t.prepool);
  const input = tf.tidy(() => {
    let x = tf.tensor4d(small.data, [1, small.height, small.width, 3]);
    if (small.height !== t.resizedHeight || small.width !== t.resizedWidth) {
      x = tf.image.resizeBilinear(x, [t.resizedHeight, t.resizedWidth], false, true);
    }
    if (t.resizedWidth !== t.inputSize || t.resizedHeight !== t.inputSize) {
      x = tf.slice(x, [0, t.offsetY, t.offsetX, 0], [1, t.inputSize, t.inputSize, 3]);
    }
    if (prep.channelOrder === 'BGR') x = tf.reverse(x, 3);
    return tf.div(tf.sub(tf.mul(x, prep.scale), tf.tensor1d(prep.mean)), tf.tensor1d(prep.std)) as tf.Tensor4D;
  });
  return { input, transform: t };
}
