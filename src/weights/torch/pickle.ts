// A restricted unpickler. A pickle is a program for a stack machine that may import and call any
// Python function; this one only builds data (numbers, strings, tuples, lists, dicts) and resolves
// the few globals its caller allowlists, each to a plain TypeScript function. Nothing named in the
// file is ever looked up or run, and every read is bounds-checked, so a hostile file can only make
// it throw. Opcodes are those of protocols 2 to 4 that checkpoints use (Python 2 and 3 writers).
import { CheckpointError } from './errors';

/** A value a caller's function builds (a storage, a tensor): opaque to the unpickler. */
export interface Opaque {
  readonly opaque: string;
}

export type PyKey = string | number | boolean | null;
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PyGlobal | Opaque;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PyList {
  constructor(readonly items: PyValue[]) {}
}
/** dict and OrderedDict alike; Map keeps insertion order, which is what a state_dict relies on. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
}
/** An allowlisted global by its qualified name (module.name). */
export class PyGlobal {
  constructor(readonly name: string) {}
}

export interface UnpickleOptions {
  /** Names the file in messages. */
  file: string;
  /** What the part being read is, for messages (e.g. "data.pkl"). */
  part?: string;
  /** Allowlisted globals: a function to call on REDUCE, or null for a name that may only be referenced. */
  globals: ReadonlyMap<string, ((args: PyValue[]) => PyValue) | null>;
  /** Resolves a persistent id (PyTorch's storage references); absent: persistent ids are refused. */
  persistentLoad?: (pid: PyValue) => PyValue;
}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

const isOpaque = (v: PyValue): v is Opaque => typeof v === 'object' && v !== null && 'opaque' in v;

/** A short description of a value for messages; never recursive, so never deep. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (v instanceof PyTuple) return `tuple(${v.items.length})`;
  if (v instanceof PyList) return `list(${v.items.length})`;
  if (v instanceof PyDict) return `dict(${v.map.size})`;
  if (v instanceof PyGlobal) return v.name;
  return isOpaque(v) ? v.opaque : 'object';
}

export function unpickle(bytes: Uint8Array, start: number, opts: UnpickleOptions): { value: PyValue; end: number } {
  const where = `${opts.file}: ${opts.part ?? 'pickle'}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let opPos = start;
  const fail = (msg: string): never => {
    throw new CheckpointError(`${where}: ${msg} (byte ${opPos})`);
  };
  const need = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length) {
      fail(`needs ${n} more bytes but the file ends ${bytes.length - pos} bytes later (truncated?)`);
    }
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const lo = view.getUint32(pos, true);
    const hi = view.getUint32(pos + 4, true);
    pos += 8;
    if (hi >= 2 ** 21) fail('declares a length beyond 2^53 bytes');
    return hi * 2 ** 32 + lo;
  };
  const take = (n: number) => {
    need(n);
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('ends inside a GLOBAL name (truncated?)');
    if (end - pos > 1000) fail('has a GLOBAL name over 1000 bytes long');
    const s = utf8.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  /** Little-endian two's-complement integer of n bytes (LONG1/LONG4). */
  const long = (n: number): number | bigint => {
    if (n > 64) fail(`integer of ${n} bytes; checkpoints never hold one`);
    const b = take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => {
    if (stack.length === 0) fail('pops an empty stack');
    const v = stack.pop()!;
    if (v === MARK) fail('pops a mark as a value');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('needs a value on the stack');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('has no mark to pop to');
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const key = (k: PyValue): PyKey => {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') return k;
    return fail(`uses ${describe(k)} as a dict key; checkpoints use strings and numbers`);
  };
  const setItems = (d: PyValue, kv: PyValue[]) => {
    if (!(d instanceof PyDict)) fail(`sets items on ${describe(d)}, not a dict`);
    if (kv.length % 2) fail('sets items from an odd number of values');
    for (let i = 0; i < kv.length; i += 2) (d as PyDict).map.set(key(kv[i]), kv[i + 1]);
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const q = `${module}.${name}`;
    if (!opts.globals.has(q)) {
      const allowed = [...opts.globals.keys()].join(', ');
      fail(`refuses the global ${q}: a checkpoint of weights never needs it (allowed: ${allowed}); nothing was executed`);
    }
    return new PyGlobal(q);
  };
  const call = (fn: PyValue, args: PyValue, op: string): PyValue => {
    if (!(fn instanceof PyGlobal)) return fail(`${op} calls ${describe(fn)}, which is not an allowed function`);
    const f = opts.globals.get(fn.name);
    if (!f) return fail(`${op} calls ${fn.name}, which may only be referenced, not called`);
    if (!(args instanceof PyTuple)) return fail(`${op} passes ${describe(args)} as the arguments of ${fn.name}`);
    return guarded(fn.name, () => f(args.items));
  };
  /** Runs a caller's function, turning its complaint into a CheckpointError that says where. */
  const guarded = (what: string, f: () => PyValue): PyValue => {
    try {
      return f();
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      return fail(`${what}: ${(e as Error).message}`);
    }
  };

  for (;;) {
    opPos = pos;
    if (pos >= bytes.length) fail('ends before its STOP opcode (truncated?)');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: {
        // PROTO
        const v = u8();
        if (v < 2 || v > 5) fail(`uses pickle protocol ${v}; only 2 to 5 are read`);
        break;
      }
      case 0x95:
        u64();
        break; // FRAME: a length hint only
      case 0x2e: {
        // STOP
        const value = pop();
        if (stack.length) fail(`stops with ${stack.length} values left on the stack`);
        return { value, end: pos };
      }
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4a:
        stack.push(i32());
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(long(u8()));
        break; // LONG1
      case 0x8b:
        stack.push(long(u32()));
        break; // LONG4
      case 0x47: {
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      } // BINFLOAT (big-endian)
      case 0x58:
        stack.push(utf8.decode(take(u32())));
        break; // BINUNICODE
      case 0x8c:
        stack.push(utf8.decode(take(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(utf8.decode(take(u64())));
        break; // BINUNICODE8
      // Python 2 str: torch.load decodes them as UTF-8 too.
      case 0x54: {
        const n = i32();
        if (n < 0) fail('negative string length');
        stack.push(utf8.decode(take(n)));
        break;
      } // BINSTRING
      case 0x55:
        stack.push(utf8.decode(take(u8())));
        break; // SHORT_BINSTRING
      case 0x42:
        stack.push(take(u32()).slice());
        break; // BINBYTES
      case 0x43:
        stack.push(take(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x8e:
        stack.push(take(u64()).slice());
        break; // BINBYTES8
      case 0x29:
        stack.push(new PyTuple([]));
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break; // TUPLE
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      } // TUPLE3
      case 0x5d:
        stack.push(new PyList([]));
        break; // EMPTY_LIST
      case 0x6c:
        stack.push(new PyList(popMark()));
        break; // LIST
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!(l instanceof PyList)) fail(`appends to ${describe(l)}, not a list`);
        (l as PyList).items.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!(l instanceof PyList)) fail(`appends to ${describe(l)}, not a list`);
        for (const v of items) (l as PyList).items.push(v);
        break;
      }
      case 0x7d:
        stack.push(new PyDict());
        break; // EMPTY_DICT
      case 0x64: {
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      } // DICT
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const kv = popMark();
        setItems(top(), kv);
        break;
      } // SETITEMS
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET, LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) fail(`gets memo entry ${i}, which was never put`);
        stack.push(memo.get(i)!);
        break;
      }
      case 0x63: {
        const module = line();
        stack.push(resolve(module, line()));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolve(module as string, name as string));
        break;
      }
      case 0x52: {
        const args = pop();
        stack.push(call(pop(), args, 'REDUCE'));
        break;
      } // REDUCE
      case 0x81: {
        const args = pop();
        stack.push(call(pop(), args, 'NEWOBJ'));
        break;
      } // NEWOBJ
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        // OrderedDict's state is its __dict__ (a state_dict's _metadata: versions, not weights).
        if (!(obj instanceof PyDict) || !(state instanceof PyDict || state === null)) {
          fail(`BUILD sets the state of ${describe(obj)}; only dicts take one here`);
        }
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) fail('holds a persistent id where none is expected');
        stack.push(guarded('persistent id', () => opts.persistentLoad!(pid)));
        break;
      }
      default:
        fail(
          `has opcode 0x${op.toString(16).padStart(2, '0')}${op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ''}, which this reader does not run`,
        );
    }
  }
}

/** collections.OrderedDict(), OrderedDict(dict) and Python 2's OrderedDict([[k, v], ...]). */
export function orderedDict(args: PyValue[]): PyDict {
  const d = new PyDict();
  if (args.length === 0) return d;
  const src = args[0];
  if (args.length > 1) throw new Error(`OrderedDict takes at most 1 argument, got ${args.length}`);
  if (src instanceof PyDict) {
    for (const [k, v] of src.map) d.map.set(k, v);
    return d;
  }
  if (!(src instanceof PyList || src instanceof PyTuple)) throw new Error(`OrderedDict of ${describe(src)}`);
  for (const pair of src.items) {
    const kv = pair instanceof PyList || pair instanceof PyTuple ? pair.items : null;
    const k = kv?.[0];
    if (!kv || kv.length !== 2 || !(k === null || ['string', 'number', 'boolean'].includes(typeof k))) {
      throw new Error(`OrderedDict item ${describe(pair ?? null)} is not a (key, value) pair`);
    }
    d.map.set(k as PyKey, kv[1]);
  }
  return d;
}
