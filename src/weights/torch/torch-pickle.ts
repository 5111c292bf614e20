// The pickle vocabulary of a PyTorch checkpoint: the only globals it may name, and its persistent
// ids, which stand for storages whose bytes live outside the pickle (after it in the legacy
// stream, in data/<key> entries of the zip format).
import { orderedDict, PyGlobal, PyTuple, describe, unpickle, type PyValue } from './pickle';
import { ELEMENT_BYTES, STORAGE_TYPES, StorageRef, rebuildTensor } from './tensor';

const GLOBALS: ReadonlyMap<string, ((args: PyValue[]) => PyValue) | null> = new Map<string, ((args: PyValue[]) => PyValue) | null>([
  ['collections.OrderedDict', orderedDict],
  ['torch._utils._rebuild_tensor', rebuildTensor],
  ['torch._utils._rebuild_tensor_v2', rebuildTensor],
  ...[...STORAGE_TYPES.keys()].map((name) => [name, null] as [string, null]),
]);

/** A checkpoint's object and the bytes of every root storage it refers to. */
export interface Container {
  value: PyValue;
  storages: Map<string, StorageRef>;
  data: Map<string, Uint8Array>;
}

export interface TorchPickle {
  value: PyValue;
  end: number;
  /** Root storages the pickle refers to, by key, in order of first reference. */
  storages: Map<string, StorageRef>;
}

/**
 * Reads one pickle of a checkpoint. `fileBytes` bounds every declared storage size: no storage
 * can hold more bytes than the whole file.
 */
export function unpickleTorch(bytes: Uint8Array, start: number, file: string, part: string, fileBytes: number): TorchPickle {
  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: PyValue): PyValue => {
    // ('storage', StorageClass, key, location, size) and, in the legacy stream, view metadata:
    // None or (view_key, offset, view_size).
    const items = pid instanceof PyTuple ? pid.items : [];
    const [tag, type, key, location, size, view] = items;
    if (tag !== 'storage' || (items.length !== 5 && items.length !== 6)) {
      throw new Error(`persistent id ${describe(pid)} is not a storage reference`);
    }
    if (!(type instanceof PyGlobal) || !STORAGE_TYPES.has(type.name)) throw new Error(`storage type ${describe(type)} is not a tensor storage type`);
    if (typeof key !== 'string' || key.length > 100 || key.includes('/')) throw new Error(`storage key ${describe(key)} is not a plain name`);
    if (typeof location !== 'string') throw new Error(`storage location ${describe(location)} is not a string`);
    const dtype = STORAGE_TYPES.get(type.name)!;
    if (!Number.isSafeInteger(size) || (size as number) < 0) throw new Error(`storage ${key} has size ${describe(size)}`);
    const n = size as number;
    if (n * ELEMENT_BYTES[dtype] > fileBytes) {
      throw new Error(
        `storage ${key} declares ${n} ${dtype} values (${n * ELEMENT_BYTES[dtype]} bytes), more than the whole file (${fileBytes} bytes)`,
      );
    }
    const known = storages.get(key);
    if (known && (known.dtype !== dtype || known.rootSize !== n)) throw new Error(`storage ${key} is declared twice with different types or sizes`);
    const root = known ?? new StorageRef(key, dtype, n, 0, n);
    storages.set(key, root);
    if (view === undefined || view === null) return root;
    const v = view instanceof PyTuple ? view.items : [];
    const [, offset, length] = v;
    if (
      v.length !== 3 ||
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      (offset as number) < 0 ||
      (length as number) < 0 ||
      (offset as number) + (length as number) > n
    ) {
      throw new Error(`storage view ${describe(view)} does not lie inside storage ${key} of ${n} elements`);
    }
    return new StorageRef(key, dtype, n, offset as number, length as number);
  };
  const { value, end } = unpickle(bytes, start, { file, part, globals: GLOBALS, persistentLoad });
  return { value, end, storages };
}
