// The zip format of torch.save (PyTorch >= 1.6): <archive>/data.pkl holds the object, each
// storage is an entry <archive>/data/<key> of raw little-endian bytes. PyTorch stores entries
// uncompressed; deflated ones are accepted within a bound, so a zip bomb cannot exhaust memory.
import { unzipSync } from 'fflate';
import { CheckpointError } from './errors';
import { ELEMENT_BYTES } from './tensor';
import { unpickleTorch, type Container } from './torch-pickle';

const MAX_INFLATED = 1 << 30;
/** The smallest central directory record: a zip cannot list more entries than this allows. */
const MIN_RECORD_BYTES = 46;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readZip(bytes: Uint8Array, file: string): Container {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${file}: ${msg}`);
  };
  let entries: Record<string, Uint8Array>;
  const sizes = new Map<string, number>();
  try {
    let seen = 0;
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (++seen > bytes.length / MIN_RECORD_BYTES) throw new Error('the zip directory lists more entries than the file can hold');
        if (!Number.isSafeInteger(f.size) || !Number.isSafeInteger(f.originalSize)) throw new Error(`entry ${f.name} has no valid size`);
        if (f.compression !== 0 && f.compression !== 8) throw new Error(`entry ${f.name} uses compression method ${f.compression}`);
        if (f.compression === 8 && f.originalSize > MAX_INFLATED) throw new Error(`entry ${f.name} would inflate to ${f.originalSize} bytes`);
        if (f.compression === 0 && f.size !== f.originalSize) throw new Error(`entry ${f.name} is stored with inconsistent sizes`);
        sizes.set(f.name, f.originalSize);
        return /(^|\/)(data\.pkl|byteorder|data\/[^/]+)$/.test(f.name);
      },
    });
  } catch (e) {
    return fail(`not a readable zip archive (${(e as Error).message}; truncated or corrupt?)`);
  }
  // A short entry means the archive ends early: fflate clips rather than complains.
  for (const [name, data] of Object.entries(entries)) {
    if (data.length !== sizes.get(name)) fail(`zip entry ${name} has ${data.length} of its ${sizes.get(name)} bytes (truncated?)`);
  }
  const pkls = Object.keys(entries).filter((n) => n === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length === 0) fail('a zip archive without data.pkl: not a PyTorch checkpoint');
  if (pkls.length > 1) fail(`a zip archive with ${pkls.length} data.pkl entries`);
  const prefix = pkls[0].slice(0, -'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little') fail('storages saved big-endian; not supported');

  const main = unpickleTorch(entries[pkls[0]], 0, file, `${prefix}data.pkl`, bytes.length);
  const data = new Map<string, Uint8Array>();
  for (const [key, s] of main.storages) {
    const name = `${prefix}data/${key}`;
    const d = entries[name] ?? fail(`zip entry ${name} (storage ${key}) is missing`);
    const n = s.rootSize * ELEMENT_BYTES[s.dtype];
    if (d.length < n) fail(`zip entry ${name} has ${d.length} bytes, storage ${key} needs ${n}`);
    data.set(key, d);
  }
  return { value: main.value, storages: main.storages, data };
}
