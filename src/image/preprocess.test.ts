import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { boxDownsample, channelMap, toInputTensor } from './preprocess';
import { CAFFE, TORCH_IMAGENET, inputToImage, inputTransform, type Preprocessing, type RGBAImage } from './geometry';
import { decodeImage } from './decode-node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function image(w: number, h: number, f: (x: number, y: number) => [number, number, number]): RGBAImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...f(x, y), 255], 4 * (y * w + x));
  return { width: w, height: h, data };
}

describe('preprocessing', () => {
  it('uses a 224x224 photo pixel for pixel, even under centre-crop preprocessing', () => {
    const img = image(224, 224, (x, y) => [x, y, (x * y) % 256]);
    const { input, transform } = toInputTensor(img, { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } });
    expect(transform).toMatchObject({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, prepool: 1 });
    const px = input.slice([0, 10, 20, 0], [1, 1, 1, 3]).dataSync();
    expect(px[0]).toBeCloseTo((20 / 255 - 0.485) / 0.229, 5);
    expect(px[1]).toBeCloseTo((10 / 255 - 0.456) / 0.224, 5);
    input.dispose();
  });

  it('feeds Keras BGR minus the Caffe mean', () => {
    const img = image(224, 224, () => [200, 100, 50]);
    const { input } = toInputTensor(img, { ...CAFFE, resize: { mode: 'stretch', size: 224 } });
    expect(Array.from(input.slice([0, 0, 0, 0], [1, 1, 1, 3]).dataSync()).map((v) => Number(v.toFixed(3)))).toEqual(
      [50 - 103.939, 100 - 116.779, 200 - 123.68].map((v) => Number(v.toFixed(3))),
    );
    input.dispose();
  });

  it('box-filters huge photos before resizing, and accounts for the dropped edge', () => {
    const t = inputTransform({ mode: 'stretch', size: 224 }, 8000, 5001);
    expect(t.prepool).toBe(11); // floor(min(8000/224, 5001/224) / 2)
    const [x, y] = inputToImage(t, 224, 224);
    expect(x).toBeCloseTo(Math.floor(8000 / 11) * 11, 6);
    expect(y).toBeCloseTo(Math.floor(5001 / 11) * 11, 6);
    const small = boxDownsample(
      image(4, 2, (x) => [x * 10, 0, 0]),
      2,
    );
    expect(Array.from(small.data)).toEqual([5, 0, 0, 25, 0, 0]);
  });

  /** The same input by tfjs's own ops: box filter, tf.image.resizeBilinear (half-pixel centres), crop, channel map. */
  function reference(img: RGBAImage, prep: Preprocessing): Float32Array {
    const t = inputTransform(prep.resize, img.width, img.height);
    const pooled = boxDownsample(img, t.prepool);
    const map = channelMap(prep);
    return tf.tidy(() => {
      const x = tf.image.resizeBilinear(tf.tensor3d(pooled.data, [pooled.height, pooled.width, 3]), [t.resizedHeight, t.resizedWidth], false, true);
      const crop = tf.slice(x, [t.offsetY, t.offsetX, 0], [t.inputSize, t.inputSize, 3]);
      return tf.add(tf.mul(tf.gather(crop, map.channel, 2), map.mul), map.add).dataSync() as Float32Array;
    });
  }

  it.each([
    ['a landscape photo, centre crop', 640, 480, { ...TORCH_IMAGENET, resize: { mode: 'center-crop', resize: 256, crop: 224 } }],
    ['a portrait photo, Keras BGR', 300, 517, { ...CAFFE, resize: { mode: 'center-crop', resize: 256, crop: 224 } }],
    ['a photo box-filtered first, stretched', 1500, 997, { ...TORCH_IMAGENET, resize: { mode: 'stretch', size: 224 } }],
    ['a small photo, upsampled to 448', 120, 90, { ...CAFFE, resize: { mode: 'center-crop', resize: 512, crop: 448 } }],
  ] as const)('computes what tfjs resize and crop ops compute: %s', (_, w, h, prep) => {
    const img = image(w, h, (x, y) => [(x * 7 + y) % 256, (x * y) % 256, (3 * y) % 256]);
    const { input } = toInputTensor(img, prep);
    const ours = input.dataSync();
    const ref = reference(img, prep);
    input.dispose();
    expect(ours.length).toBe(ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('decoding', () => {
  it('names the file and the problem', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello, not a photo'), 'notes.jpg')).toThrow(/^notes\.jpg: not a PNG or JPEG image/);
    expect(() => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]), 'cut.jpg')).toThrow(/^cut\.jpg: corrupt or truncated JPEG/);
    expect(() => decodeImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0]), 'cut.png')).toThrow(/^cut\.png: corrupt or truncated PNG/);
  });
});
