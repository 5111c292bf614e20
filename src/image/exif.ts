// EXIF orientation of a JPEG or PNG, read and applied the way Chromium's createImageBitmap(...,
// { imageOrientation: 'from-image' }) does, so the CLI analyses the photo the page shows.
// Chromium reads IFD0's Orientation tag (0x0112, SHORT, count 1) from a JPEG's APP1 "Exif"
// segments, or from a PNG's eXIf chunk when it comes before the image data and its CRC holds
// (checked in Chromium 156); it ignores values outside 1-8. Anything malformed means "upright",
// never an error.
import type { RGBAImage } from './geometry';

/** EXIF orientation: 1 upright, 2 mirrored, 3 rotated 180°, 4 flipped, 5-8 the same with rows and columns swapped. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** The orientation tag of a TIFF block (the bytes after "Exif\0\0"): null when it has none; 1 for a value outside 1-8. */
export function tiffOrientation(tiff: Uint8Array): Orientation | null {
  if (tiff.length < 8) return null;
  const order = String.fromCharCode(tiff[0], tiff[1]);
  if (order !== 'II' && order !== 'MM') return null;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const le = order === 'II';
  if (view.getUint16(2, le) !== 42) return null;
  const ifd = view.getUint32(4, le);
  if (ifd < 8 || ifd + 2 > tiff.length) return null;
  const count = view.getUint16(ifd, le);
  // As Chromium does, an IFD that claims more entries than the block holds is ignored whole.
  if (ifd + 2 + 12 * count > tiff.length) return null;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (view.getUint16(entry, le) !== ORIENTATION_TAG || view.getUint16(entry + 2, le) !== SHORT || view.getUint32(entry + 4, le) !== 1) continue;
    const value = view.getUint16(entry + 8, le);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return null;
}

const EXIF_SIGNATURE = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The EXIF orientation of a JPEG file: 1 when it has none or its EXIF is malformed. */
export function jpegOrientation(bytes: Uint8Array): Orientation {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  let at = 2;
  // Metadata segments come before the image data (SOS); each is FF, marker, 16-bit length.
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return 1;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    } // fill byte
    if (marker === 0xda || marker === 0xd9) return 1; // start of scan, end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    } // no length
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) return 1;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && body.length >= 6 && EXIF_SIGNATURE.every((b, i) => body[i] === b)) {
      const o = tiffOrientation(body.subarray(6));
      if (o !== null) return o;
    }
    at += 2 + length;
  }
  return 1;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The EXIF orientation of a PNG file (its eXIf chunk): 1 when it has none or it is malformed. */
export function pngOrientation(bytes: Uint8Array): Orientation {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8; // after the signature
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT' || type === 'IEND' || at + 12 + length > bytes.length) return 1;
    if (type === 'eXIf') {
      const chunk = bytes.subarray(at + 4, at + 8 + length);
      if (crc32(chunk) !== view.getUint32(at + 8 + length)) return 1;
      return tiffOrientation(chunk.subarray(4)) ?? 1;
    }
    at += 12 + length;
  }
  return 1;
}

/** The pixels as displayed: `image` (stored pixels) turned by its EXIF orientation. */
export function applyOrientation(image: RGBAImage, orientation: Orientation): RGBAImage {
  if (orientation === 1) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const W = swap ? h : w,
    H = swap ? w : h;
  const out = new Uint8Array(W * H * 4);
  // For each displayed pixel (x, y), the stored pixel it shows.
  const source: (x: number, y: number) => number = {
    2: (x: number, y: number) => y * w + (w - 1 - x),
    3: (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x),
    4: (x: number, y: number) => (h - 1 - y) * w + x,
    5: (x: number, y: number) => x * w + y,
    6: (x: number, y: number) => (h - 1 - x) * w + y,
    7: (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y),
    8: (x: number, y: number) => x * w + (w - 1 - y),
  }[orientation];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = source(x, y) * 4,
        d = (y * W + x) * 4;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
      out[d + 3] = data[s + 3];
    }
  }
  return { width: W, height: H, data: out };
}
