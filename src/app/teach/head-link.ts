// A taught class inside a share link: its name and its head's numbers (the weights, then the bias)
// as float16 in base64url, followed by a 32-bit checksum, so that a link cut short or edited by
// hand is refused with the problem named rather than giving a silently different class. Pure.
//
// float16 keeps ~3 significant digits; a head's map is a sum of 2048 products, so the rounding
// errors mostly cancel: the tests bound the change of a map against the float32 head.
import { float16Bits, halfToFloat } from '../../weights/float16';

export interface LinkHead {
  name: string;
  weights: Float32Array;
  bias: number;
}

export class HeadLinkError extends Error {
  override name = 'HeadLinkError';
}

/** Between the name and the numbers: not a character encodeURIComponent leaves alone in a name. */
const SEP = '~';
const MAX_NAME = 100;
const CHECK_BYTES = 4;

/** FNV-1a over the bytes: enough to catch an edit or a cut, not meant against forgery. */
function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const bad = text.match(/[^A-Za-z0-9_-]/);
  if (bad) throw new HeadLinkError(`its numbers contain "${bad[0]}", which base64url never does (the link was edited or mangled)`);
  if (text.length % 4 === 1) throw new HeadLinkError('its numbers were cut short (a base64url text cannot have that length)');
  const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * The numbers' text per weights array: the page writes the link on every state change, and a
 * head's 2048 numbers took about a millisecond each time, several times on the way from a trained
 * head to its map. A head's weights are never changed in place (a retrained class is a new array).
 */
const encoded = new WeakMap<Float32Array, { bias: number; text: string }>();

/** The link field's value for one taught class: NAME~NUMBERS. */
export function encodeHead(h: LinkHead): string {
  const known = encoded.get(h.weights);
  if (known && Object.is(known.bias, h.bias)) return `${h.name}${SEP}${known.text}`;
  const n = h.weights.length + 1;
  const bytes = new Uint8Array(2 * n + CHECK_BYTES);
  const view = new DataView(bytes.buffer);
  h.weights.forEach((w, i) => view.setUint16(2 * i, float16Bits(w), true));
  view.setUint16(2 * h.weights.length, float16Bits(h.bias), true);
  view.setUint32(2 * n, checksum(bytes.subarray(0, 2 * n)), true);
  const text = toBase64Url(bytes);
  encoded.set(h.weights, { bias: h.bias, text });
  return `${h.name}${SEP}${text}`;
}

/**
 * Reads a value made by encodeHead; throws HeadLinkError naming what is wrong. `features` (when
 * known) is the length the receiving model's heads must have.
 */
export function decodeHead(value: string, features?: number): LinkHead {
  const at = value.lastIndexOf(SEP);
  if (at < 0) throw new HeadLinkError(`expected NAME${SEP}NUMBERS, found no "${SEP}"`);
  const name = value.slice(0, at).trim();
  if (!name) throw new HeadLinkError('the taught class has no name');
  if (name.length > MAX_NAME) throw new HeadLinkError(`its name is ${name.length} characters long (at most ${MAX_NAME})`);
  const bytes = fromBase64Url(value.slice(at + 1));
  if (bytes.length < 2 * 2 + CHECK_BYTES || bytes.length % 2)
    throw new HeadLinkError(`its numbers are ${bytes.length} bytes, which no head has (cut short?)`);
  const n = (bytes.length - CHECK_BYTES) / 2;
  const view = new DataView(bytes.buffer);
  if (view.getUint32(2 * n, true) !== checksum(bytes.subarray(0, 2 * n)))
    throw new HeadLinkError('its numbers do not match their checksum (the link was edited or cut short)');
  const values = Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new HeadLinkError(`number ${bad + 1} of ${n} is not finite`);
  if (features !== undefined && n - 1 !== features)
    throw new HeadLinkError(`it has ${n - 1} weights, and this model's heads have ${features} (it was taught on another backbone)`);
  return { name, weights: values.subarray(0, n - 1), bias: values[n - 1] };
}

/** A link's size in bytes as sent (UTF-8), and in words for the page. */
export function linkSize(href: string): { bytes: number; words: string } {
  const bytes = new TextEncoder().encode(href).length;
  const words = bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
  return { bytes, words };
}
