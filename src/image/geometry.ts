// The photo <-> network-input geometry and preprocessing settings: pure, tfjs-free, so the page's
// main thread, the localization math and the import worker can use them without loading tfjs.

export interface RGBAImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export type Resize =
  /** Resize both sides to `size` (Keras ImageNet models were evaluated this way). */
  | { mode: 'stretch'; size: number }
  /** Shorter side to `resize`, then a centred `crop` square (the official DRN evaluation). */
  | { mode: 'center-crop'; resize: number; crop: number };

export interface Preprocessing {
  resize: Resize;
  channelOrder: 'RGB' | 'BGR';
  /** Pixel values (0-255) are multiplied by this before mean and std apply. */
  scale: number;
  /** Per network input channel, i.e. after channel reordering (Caffe's mean is in BGR). */
  mean: [number, number, number];
  std: [number, number, number];
}

export const CAFFE: Omit<Preprocessing, 'resize'> = {
  channelOrder: 'BGR',
  scale: 1,
  mean: [103.939, 116.779, 123.68],
  std: [1, 1, 1],
};

export const TORCH_IMAGENET: Omit<Preprocessing, 'resize'> = {
  channelOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** Network input sides the models run at: DRN and ResNet need a multiple of their output stride (32 covers both). */
export const INPUT_SIZE = { min: 224, max: 896, step: 32 } as const;

/** Why `size` cannot be a network input side, or null when it can. */
export function inputSizeError(size: number): string | null {
  const { min, max, step } = INPUT_SIZE;
  if (!Number.isInteger(size) || size < min || size > max || size % step !== 0)
    return `input size ${size} must be a multiple of ${step} from ${min} to ${max}`;
  return null;
}

/**
 * The same resize rule at another input side: the crop keeps its share of the resized photo
 * (256 -> 224 becomes 512 -> 448), so a larger input sees the same part of the photo in finer detail.
 */
export function resizeAt(resize: Resize, size: number): Resize {
  const err = inputSizeError(size);
  if (err) throw new RangeError(err);
  if (resize.mode === 'stretch') return { mode: 'stretch', size };
  return { mode: 'center-crop', resize: Math.round((resize.resize * size) / resize.crop), crop: size };
}

/**
 * input_x = image_x * scaleX - offsetX (and likewise for y), in continuous pixel-edge
 * coordinates. `prepool` is the integer box-filter factor applied before the bilinear resize.
 */
export interface InputTransform {
  imageWidth: number;
  imageHeight: number;
  inputSize: number;
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  prepool: number;
  /** Size of the resized image before cropping. */
  resizedWidth: number;
  resizedHeight: number;
}

export function inputTransform(resize: Resize, imageWidth: number, imageHeight: number): InputTransform {
  const inputSize = resize.mode === 'stretch' ? resize.size : resize.crop;
  let rw: number, rh: number;
  if (imageWidth === inputSize && imageHeight === inputSize) {
    // Already the input size: used pixel for pixel, no resize or crop.
    rw = inputSize;
    rh = inputSize;
  } else if (resize.mode === 'stretch') {
    rw = inputSize;
    rh = inputSize;
  } else {
    const s = resize.resize / Math.min(imageWidth, imageHeight);
    rw = Math.max(inputSize, Math.round(imageWidth * s));
    rh = Math.max(inputSize, Math.round(imageHeight * s));
  }
  // Downscaling by more than 2x with bilinear sampling aliases badly, so box-filter first by
  // an integer factor; the few edge pixels that factor drops are accounted for in the scale.
  const prepool = Math.max(1, Math.floor(Math.min(imageWidth / rw, imageHeight / rh) / 2));
  const usedW = Math.floor(imageWidth / prepool) * prepool;
  const usedH = Math.floor(imageHeight / prepool) * prepool;
  return {
    imageWidth,
    imageHeight,
    inputSize,
    prepool,
    resizedWidth: rw,
    resizedHeight: rh,
    scaleX: rw / usedW,
    scaleY: rh / usedH,
    offsetX: Math.round((rw - inputSize) / 2),
    offsetY: Math.round((rh - inputSize) / 2),
  };
}

/** Input-pixel coordinates back to photo pixels, clamped to the photo. */
export function inputToImage(t: InputTransform, x: number, y: number): [number, number] {
  const ix = (x + t.offsetX) / t.scaleX;
  const iy = (y + t.offsetY) / t.scaleY;
  return [Math.min(t.imageWidth, Math.max(0, ix)), Math.min(t.imageHeight, Math.max(0, iy))];
}
