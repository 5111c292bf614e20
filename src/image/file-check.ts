// What a photo file is, before the page or the CLI decodes it: its format by magic bytes, and
// whether a JPEG or PNG was cut short (browsers and pure-JS decoders happily paint the part of a
// truncated file that arrived, which would put a half-grey photo through the network without a word).

export type ImageKind = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif';

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

export function sniffImage(b: Uint8Array): ImageKind | null {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 2 && ascii(b, 0, 2) === 'BM') return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && /avi[fs]/.test(ascii(b, 8, 4))) return 'avif';
  return null;
}

/** A few words on what a non-image file looks like, for the error message. */
export function describeContent(b: Uint8Array): string {
  if (b.length === 0) return 'the file is empty';
  const head = b.subarray(0, 64);
  const printable = head.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (printable) {
    const text = ascii(head, 0, head.length).replace(/\s+/g, ' ').trim();
    return `it contains text ("${text.slice(0, 24)}${text.length > 24 ? '…' : ''}")`;
  }
  return `it starts with bytes ${Array.from(b.subarray(0, 4), (c) => c.toString(16).padStart(2, '0')).join(' ')}`;
}

function jpegTruncation(b: Uint8Array): string | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return 'its marker structure is broken';
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) return null;
    if (marker >= 0xd0 && marker <= 0xd7) {
      i += 2;
      continue;
    }
    const length = (b[i + 2] << 8) | b[i + 3];
    if (i + 2 + length > b.length) return 'it ends inside a header segment';
    if (marker === 0xda) {
      // Entropy-coded data escapes 0xFF as FF 00, so an FF D9 after the scan header can only be
      // the end-of-image marker (progressive files have several scans before it).
      for (let j = b.length - 2; j >= i + 2 + length; j--) if (b[j] === 0xff && b[j + 1] === 0xd9) return null;
      return 'the end-of-image marker is missing';
    }
    i += 2 + length;
  }
  return 'it ends before the image data';
}

function pngTruncation(b: Uint8Array): string | null {
  let i = 8;
  while (i + 8 <= b.length) {
    const length = ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
    const type = ascii(b, i + 4, 4);
    if (i + 12 + length > b.length) return `it ends inside its ${type} chunk`;
    if (type === 'IEND') return null;
    i += 12 + length;
  }
  return 'the IEND chunk is missing';
}

/** Why the file is cut short, or null when it is complete (checked for JPEG and PNG only). */
export function truncation(b: Uint8Array, kind: ImageKind): string | null {
  if (kind === 'jpeg') return jpegTruncation(b);
  if (kind === 'png') return pngTruncation(b);
  return null;
}

/** Photos above this are downscaled before analysis (memory, not accuracy: the net sees 224 px). */
export const MAX_PIXELS = 20_000_000;

/** The largest size within maxPixels with the photo's aspect ratio (the photo's own if it fits). */
export function fitPixels(width: number, height: number, maxPixels = MAX_PIXELS): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const s = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) };
}
