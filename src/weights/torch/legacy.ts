// The stream format torch.save wrote before PyTorch 1.6 (the official DRN models of 2017): five
// pickles back to back (magic number, protocol version, system info, the object, the sorted list
// of storage keys), then each storage in that order as an int64 element count and its raw
// little-endian bytes.
import { CheckpointError } from './errors';
import { PyDict, PyList, describe, unpickle, type PyValue } from './pickle';
import { ELEMENT_BYTES } from './tensor';
import { unpickleTorch, type Container } from './torch-pickle';

export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** The first bytes of a legacy checkpoint: PROTO 2, LONG1 of 10 bytes, the magic number. */
export function isLegacy(bytes: Uint8Array): boolean {
  const head = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return bytes.length >= head.length && head.every((b, i) => bytes[i] === b);
}

export function readLegacy(bytes: Uint8Array, file: string): Container {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${file}: ${msg}`);
  };
  const plain = (start: number, part: string) => unpickle(bytes, start, { file, part, globals: new Map() });
  const magic = plain(0, 'magic number');
  if (magic.value !== LEGACY_MAGIC) fail('not a PyTorch checkpoint (wrong magic number)');
  const version = plain(magic.end, 'protocol version');
  if (version.value !== PROTOCOL_VERSION) fail(`legacy protocol version ${describe(version.value)}, expected ${PROTOCOL_VERSION}`);
  const sys = plain(version.end, 'system info');
  if (sys.value instanceof PyDict && sys.value.map.get('little_endian') === false) fail('written on a big-endian machine; not supported');
  const main = unpickleTorch(bytes, sys.end, file, 'main pickle', bytes.length);
  const list = plain(main.end, 'storage key list');
  const keys: PyValue[] = list.value instanceof PyList ? list.value.items : fail(`storage key list is ${describe(list.value)}, not a list`);

  const data = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = list.end;
  for (const key of keys) {
    if (typeof key !== 'string') return fail(`storage key ${describe(key)} is not a string`);
    const s = main.storages.get(key) ?? fail(`storage ${key} is stored but no tensor refers to it`);
    if (data.has(key)) fail(`storage ${key} is stored twice`);
    if (pos + 8 > bytes.length) fail(`file ends at byte ${bytes.length}, before storage ${key} (truncated?)`);
    const count = view.getUint32(pos + 4, true) * 2 ** 32 + view.getUint32(pos, true);
    if (count !== s.rootSize) fail(`storage ${key} holds ${count} elements, the pickle says ${s.rootSize}`);
    const n = count * ELEMENT_BYTES[s.dtype];
    if (pos + 8 + n > bytes.length)
      fail(`storage ${key} needs ${n} bytes at byte ${pos + 8}, but the file ends at byte ${bytes.length} (truncated?)`);
    data.set(key, bytes.subarray(pos + 8, pos + 8 + n));
    pos += 8 + n;
  }
  for (const key of main.storages.keys()) if (!data.has(key)) fail(`storage ${key} is used by a tensor but not stored in the file`);
  return { value: main.value, storages: main.storages, data };
}
