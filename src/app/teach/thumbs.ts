// Example photos for the Teach panel: the pixels the network sees and a small thumbnail as a data:
// URL (kept in state, no object URL to revoke). Browser-only.
import type { RGBAImage } from '../../image/geometry';
import { decodePhoto } from '../photo';

const THUMB_SIDE = 96;

async function thumbFrom(source: CanvasImageSource, width: number, height: number): Promise<string> {
  const s = Math.min(1, THUMB_SIDE / Math.max(width, height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s)));
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => resolve('');
    reader.readAsDataURL(blob);
  });
}

/** A photo file as an example: refused in words (decodePhoto's errors) when it is not one. */
export async function decodeExample(file: Blob, name: string): Promise<{ image: RGBAImage; thumb: string }> {
  const photo = await decodePhoto(file, name);
  try {
    const thumb = await thumbFrom(photo.bitmap, photo.bitmap.width, photo.bitmap.height);
    return { image: { width: photo.pixels.width, height: photo.pixels.height, data: photo.pixels.data }, thumb };
  } finally {
    photo.bitmap.close();
  }
}

/** A camera frame's thumbnail. */
export async function frameThumb(frame: RGBAImage): Promise<string> {
  const bitmap = await createImageBitmap(new ImageData(Uint8ClampedArray.from(frame.data), frame.width, frame.height));
  try {
    return await thumbFrom(bitmap, frame.width, frame.height);
  } finally {
    bitmap.close();
  }
}
