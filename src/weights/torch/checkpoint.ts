// readCheckpoint: a torch.save file (legacy stream or zip) to its state_dict as float32 arrays.
// Browser-safe (no node: imports), synchronous and pure, so the page runs it in a worker.
import { CheckpointError } from './errors';
import { isLegacy, readLegacy } from './legacy';
import { PyDict, describe, type PyValue } from './pickle';
import { ELEMENT_BYTES, TensorRef, tensorValues } from './tensor';
import type { Container } from './torch-pickle';
import { isZip, readZip } from './zip';

export { CheckpointError } from './errors';

export interface CheckpointTensor {
  shape: number[];
  data: Float32Array;
}
/** Parameter and buffer names (without any `module.` prefix) in the file's order. */
export type StateDict = Map<string, CheckpointTensor>;

export interface ReadOptions {
  /** Called with the fraction of tensor bytes decoded so far. */
  onProgress?: (fraction: number) => void;
}

const hex = (b: Uint8Array) => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ');

function container(bytes: Uint8Array, file: string): Container {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${file}: ${msg}`);
  };
  if (bytes.length === 0) fail('empty file');
  if (isZip(bytes)) return readZip(bytes, file);
  if (isLegacy(bytes)) return readLegacy(bytes, file);
  if (bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    fail('a tar archive (the format of PyTorch before 0.1.10): load and re-save it with a newer PyTorch');
  }
  if (bytes.length > 9 && bytes[8] === 0x7b && bytes[9] === 0x22) fail('looks like a safetensors file, not a PyTorch checkpoint');
  if (bytes[0] === 0x80) fail('a bare pickle, not a file written by torch.save');
  return fail(`not a PyTorch checkpoint (${bytes.length} bytes, starting ${hex(bytes)})`);
}

/** The state_dict: the object itself, or its 'state_dict' entry (training checkpoints). */
function stateDictObject(value: PyValue, file: string): PyDict {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${file}: ${msg}`);
  };
  if (!(value instanceof PyDict)) return fail(`holds ${describe(value)}, not a state_dict`);
  const inner = value.map.get('state_dict');
  if (inner !== undefined) return inner instanceof PyDict ? inner : fail(`its 'state_dict' is ${describe(inner)}, not a dict`);
  const [k, v] = [...value.map].find(([, x]) => !(x instanceof TensorRef)) ?? [];
  if (k !== undefined) {
    const keys = [...value.map.keys()].slice(0, 8).map(String).join(', ');
    fail(
      `holds no state_dict: entry ${JSON.stringify(k)} is ${describe(v ?? null)}, not a tensor (keys: ${keys}${value.map.size > 8 ? ', ...' : ''})`,
    );
  }
  return value;
}

export function readCheckpoint(bytes: Uint8Array, name: string, options: ReadOptions = {}): StateDict {
  const c = container(bytes, name);
  const dict = stateDictObject(c.value, name);
  const entries: [string, TensorRef][] = [];
  for (const [key, v] of dict.map) {
    if (typeof key !== 'string') throw new CheckpointError(`${name}: state_dict key ${describe(key)} is not a string`);
    if (!(v instanceof TensorRef)) throw new CheckpointError(`${name}: state_dict entry ${key} is ${describe(v)}, not a tensor`);
    entries.push([key.startsWith('module.') ? key.slice('module.'.length) : key, v]);
  }
  const total = entries.reduce((n, [, t]) => n + t.numel * ELEMENT_BYTES[t.storage.dtype], 0);
  const out: StateDict = new Map();
  let done = 0;
  for (const [key, t] of entries) {
    if (out.has(key)) throw new CheckpointError(`${name}: ${key} appears twice (with and without 'module.'?)`);
    out.set(key, { shape: t.shape, data: tensorValues(t, c.data.get(t.storage.key)!) });
    done += t.numel * ELEMENT_BYTES[t.storage.dtype];
    options.onProgress?.(total ? done / total : 1);
  }
  return out;
}
