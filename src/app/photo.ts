// A file from the user -> the pixels the network sees, with every failure said in words.
import { describeContent, fitPixels, sniffImage, truncation } from '../image/file-check';
import { downscaleNote, flattenAlpha, tooSmallNote, toOriginalPixels } from '../image/photo-rules';
import type { Photo } from './state';

export class PhotoError extends Error {
  override name = 'PhotoError';
}

let nextId = 1;

export async function decodePhoto(blob: Blob, name: string): Promise<Photo> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const kind = sniffImage(bytes);
  if (!kind) throw new PhotoError(`${name} is not an image: ${describeContent(bytes)}.`);
  const cut = truncation(bytes, kind);
  if (cut) throw new PhotoError(`${name} is a truncated ${kind.toUpperCase()} file (${cut}); it was not analysed.`);
  let bitmap: ImageBitmap;
  try {
    // No colour management: the network was trained on the files' raw values, as the CLI reads them.
    bitmap = await createImageBitmap(new Blob([bytes]), { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError(`${name}: the browser could not decode this ${kind.toUpperCase()} file (corrupt or unsupported).`);
  }
  const { width, height } = bitmap;
  const fit = fitPixels(width, height);
  if (fit.width !== width || fit.height !== height) {
    const big = bitmap;
    bitmap = await createImageBitmap(big, { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' });
    big.close();
  }
  const notes = [downscaleNote(name, width, height), tooSmallNote(name, width, height)].filter(Boolean);
  const note = notes.length ? notes.join(' ') : null;
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new PhotoError(`${name}: no 2D canvas to read its pixels`);
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  // Transparency over white, as the CLI does (photo-rules.ts); the photo shown is the one analysed.
  if (flattenAlpha(pixels.data)) {
    bitmap.close();
    bitmap = await createImageBitmap(pixels);
  }
  return { id: nextId++, name, bitmap, pixels, width, height, note, sample: null };
}

// Shared with the CLI (image/photo-rules.ts); callers here import it from this module.
export { toOriginalPixels };
