// Test photos with an EXIF orientation, made from an upright image: the pixels are stored turned
// so that a viewer honouring the tag shows the upright image again. Used by the unit and e2e tests.
import jpeg from 'jpeg-js';
import { applyOrientation, type Orientation } from './exif';
import type { RGBAImage } from './geometry';

/** The orientation that undoes `o` (the rotations by 90° go opposite ways; the rest undo themselves). */
const INVERSE: Record<Orientation, Orientation> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6 };

/** An APP1 segment holding only IFD0's Orientation tag, in big- or little-endian TIFF. */
export function exifSegment(orientation: number, littleEndian = false): Uint8Array {
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
  const body = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], [...new Uint8Array(tiff.buffer)]);
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
  const stored = applyOrientation(upright, INVERSE[orientation]);
  const encoded = jpeg.encode({ width: stored.width, height: stored.height, data: stored.data }, 100).data;
  return orientation === 1 ? new Uint8Array(encoded) : insertSegment(new Uint8Array(encoded), exifSegment(orientation, littleEndian));
}
