// PyTorch storages and tensor views as plain data, and their values as float32: what the
// pickle's rebuild functions produce, checked against the storage before a byte is read.
import type { Opaque, PyValue } from './pickle';
import { PyTuple, describe } from './pickle';
import { halfToFloat } from '../float16';

export type DType = 'float32' | 'float16' | 'float64' | 'int64';

export const ELEMENT_BYTES: Record<DType, number> = { float32: 4, float16: 2, float64: 8, int64: 8 };

/** Storage classes a checkpoint may name (CUDA ones too: the bytes are the same once saved). */
export const STORAGE_TYPES: ReadonlyMap<string, DType> = new Map(
  (['', 'cuda.'] as const).flatMap(
    (cuda) =>
      [
        [`torch.${cuda}FloatStorage`, 'float32'],
        [`torch.${cuda}HalfStorage`, 'float16'],
        [`torch.${cuda}DoubleStorage`, 'float64'],
        // num_batches_tracked of batch norm (PyTorch >= 0.4.1).
        [`torch.${cuda}LongStorage`, 'int64'],
      ] as [string, DType][],
  ),
);

/** A storage (or, in the legacy format, a view into one) that a tensor reads from. */
export class StorageRef implements Opaque {
  readonly opaque: string;
  constructor(
    /** Key of the stored root storage (zip entry data/<key>, or its place in the legacy list). */
    readonly key: string,
    readonly dtype: DType,
    /** Elements of the root storage as declared in the pickle. */
    readonly rootSize: number,
    /** Element offset and length of this view in the root storage (the whole root if not a view). */
    readonly viewOffset: number,
    readonly size: number,
  ) {
    this.opaque = `${dtype} storage ${key}`;
  }
}

export class TensorRef implements Opaque {
  readonly opaque: string;
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {
    this.opaque = `tensor ${JSON.stringify(shape)}`;
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple) || !v.items.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw new Error(`${what} ${describe(v)} is not a tuple of non-negative integers`);
  }
  return v.items as number[];
}

/**
 * torch._utils._rebuild_tensor(storage, offset, size, stride) and _rebuild_tensor_v2 (which adds
 * requires_grad, backward hooks and metadata, all irrelevant to inference), with the view
 * checked to lie inside the storage.
 */
export function rebuildTensor(args: PyValue[]): TensorRef {
  const [storage, offset, size, stride] = args;
  if (args.length < 4) throw new Error(`needs at least 4 arguments, got ${args.length}`);
  if (!(storage instanceof StorageRef)) throw new Error(`expects a storage, got ${describe(storage)}`);
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new Error(`storage offset ${describe(offset)} is not a non-negative integer`);
  const shape = intTuple(size, 'size');
  const strides = intTuple(stride, 'stride');
  if (shape.length !== strides.length) throw new Error(`size ${JSON.stringify(shape)} and stride ${JSON.stringify(strides)} differ in length`);
  const t = new TensorRef(storage, offset as number, shape, strides);
  if (t.numel > 0) {
    const last = t.offset + shape.reduce((s, n, i) => s + (n - 1) * strides[i], 0);
    if (last >= storage.size) {
      throw new Error(
        `tensor ${JSON.stringify(shape)} (offset ${t.offset}, stride ${JSON.stringify(strides)}) reaches element ${last} of a ${storage.size}-element storage ${storage.key}`,
      );
    }
  }
  return t;
}

let HALF_TABLE: Float32Array | null = null;
/** Every half value as a float (256 KB, built once): 10x faster than converting each. */
function halfTable(): Float32Array {
  HALF_TABLE ??= Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h));
  return HALF_TABLE;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `count` elements of `dtype` from little-endian bytes (any alignment) as float32. */
export function decodeElements(bytes: Uint8Array, dtype: DType, count: number): Float32Array {
  const need = count * ELEMENT_BYTES[dtype];
  if (bytes.length < need) throw new Error(`${need} bytes needed, ${bytes.length} present`);
  // One copy into aligned memory: storages in the legacy stream sit at arbitrary offsets.
  if (dtype === 'float32' && LITTLE_ENDIAN_HOST) return new Float32Array(bytes.slice(0, need).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, need);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'float16': {
      const table = halfTable();
      for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, true)];
      break;
    }
    case 'float64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'int64':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(8 * i + 4, true) * 2 ** 32 + view.getUint32(8 * i, true);
      break;
  }
  return out;
}

/**
 * The tensor's values in row-major order, from the bytes of its root storage. A strided
 * (e.g. transposed) view is gathered element by element.
 */
export function tensorValues(t: TensorRef, root: Uint8Array): Float32Array {
  const size = ELEMENT_BYTES[t.storage.dtype];
  const base = t.storage.viewOffset + t.offset;
  const n = t.numel;
  const contiguous = t.shape.every((dim, i) => dim <= 1 || t.stride[i] === t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  if (contiguous) return decodeElements(root.subarray(base * size), t.storage.dtype, n);
  const span = 1 + t.shape.reduce((s, dim, i) => s + (dim - 1) * t.stride[i], 0);
  const flat = decodeElements(root.subarray(base * size), t.storage.dtype, span);
  const out = new Float32Array(n);
  const index = new Array<number>(t.shape.length).fill(0);
  let at = 0;
  for (let i = 0; i < n; i++) {
    out[i] = flat[at];
    for (let d = t.shape.length - 1; d >= 0; d--) {
      if (++index[d] < t.shape[d]) {
        at += t.stride[d];
        break;
      }
      at -= (t.shape[d] - 1) * t.stride[d];
      index[d] = 0;
    }
  }
  return out;
}
