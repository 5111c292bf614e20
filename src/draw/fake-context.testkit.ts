// A 2D context over plain pixels for drawScene in tests: pixels are read and put as a canvas would;
// text is measured as 7 px a character and not drawn.
import type { Ctx2D, ImageDataLike } from './scene';

export function fakeContext(width: number, height: number): Ctx2D & { pixels: Uint8ClampedArray } {
  const pixels = new Uint8ClampedArray(4 * width * height);
  return {
    pixels,
    font: '',
    fillStyle: '',
    textBaseline: '',
    getImageData: (x, y, w, h): ImageDataLike => ({ width: w, height: h, data: pixels.slice(4 * (y * width + x), 4 * ((y + h) * width + x)) }),
    putImageData: (image, x, y) => pixels.set(image.data, 4 * (y * width + x)),
    fillRect: () => {},
    fillText: () => {},
    measureText: (text) => ({ width: 7 * text.length }),
  };
}
