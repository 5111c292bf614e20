// Test photos with an EXIF orientation, made from an upright image: the pixels are stored turned
// so that a viewer honouring the tag shows the upright image again. Used by the unit and e2e tests.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { applyOrientation, type Orientation } from './exif';
import type { RGBAImage } from './geometry';

/** The orientation that undoes `o` (the rotations by 90° go opposite ways; the rest undo themselves). */
const INVERSE: Record<Orientation, Orientation> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6 };

/** A TIFF block holding only IFD0's Orientation tag, in big- or little-endian byte order. */
export function exifTiff(orientation: number, littleEndian = false): Uint8Array {
  const tiff = new DataView(new ArrayBuffer(26));
  tiff.setUint16(0, littleEndian ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, littleEndian);
  tiff.setUint32(4, 8, littleEndian); // IFD0 right after the header
  tiff.setUint16(8, 1, littleEndian); // one entry
  tiff.setUint16(10, 0x0112, littleEndian);
  tiff.setUint16(12, 3, littleEndian); // SHORT
  tiff.setUint32(14, 1, littleEndian);
  tiff.setUint16(18, orientation, littleEndian);
  tiff.setUint32(22, 0, littleEndian); // no next IFD
  return new Uint8Array(tiff.buffer);
}

/** An APP1 segment holding only IFD0's Orientation tag. */
export function exifSegment(orientation: number, littleEndian = false): Uint8Array {
  const body = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], [...exifTiff(orientation, littleEndian)]);
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

/** `jpegBytes` with `segment` inserted right after the start-of-image marker. */
export function insertSegment(jpegBytes: Uint8Array, segment: Uint8Array): Uint8Array {
  const out = new Uint8Array(jpegBytes.length + segment.length);
  out.set(jpegBytes.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpegBytes.subarray(2), 2 + segment.length);
  return out;
}

/**
 * A JPEG (quality 100) that displays as `upright` under EXIF `orientation`. With quality 100 and
 * sides that are multiples of 8, each 8x8 block is coded turned, so the stored and the upright
 * encodings differ only by rounding (a few levels at most).
 */
export function orientedJpeg(upright: RGBAImage, orientation: Orientation, littleEndian = false): Uint8Array {
  const stored = storedFor(upright, orientation);
  const encoded = jpeg.encode({ width: stored.width, height: stored.height, data: stored.data }, 100).data;
  return orientation === 1 ? new Uint8Array(encoded) : insertSegment(new Uint8Array(encoded), exifSegment(orientation, littleEndian));
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG chunk; `crc` replaces the right checksum (to make a damaged one). */
export function pngChunk(type: string, data: Uint8Array, crc?: number): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(
    [...type].map((c) => c.charCodeAt(0)),
    4,
  );
  out.set(data, 8);
  view.setUint32(8 + data.length, crc ?? crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** `pngBytes` with `chunk` inserted after IHDR (`afterImage`: just before IEND instead). */
export function insertPngChunk(pngBytes: Uint8Array, chunk: Uint8Array, afterImage = false): Uint8Array {
  const at = afterImage ? pngBytes.length - 12 : 8 + 25; // signature, IHDR; IEND is the last 12 bytes
  return Uint8Array.from([...pngBytes.subarray(0, at), ...chunk, ...pngBytes.subarray(at)]);
}

export function encodePng(image: RGBAImage): Uint8Array {
  return new Uint8Array(PNG.sync.write(Object.assign(new PNG({ width: image.width, height: image.height }), { data: Buffer.from(image.data) })));
}

/** The pixels to store so that a viewer applying `orientation` shows `upright`. */
export const storedFor = (upright: RGBAImage, orientation: Orientation): RGBAImage => applyOrientation(upright, INVERSE[orientation]);

/** A PNG (lossless) that displays as `upright` under the EXIF `orientation` of its eXIf chunk. */
export function orientedPng(upright: RGBAImage, orientation: Orientation): Uint8Array {
  const bytes = encodePng(storedFor(upright, orientation));
  return orientation === 1 ? bytes : insertPngChunk(bytes, pngChunk('eXIf', exifTiff(orientation)));
}
