// Worker replies read against the protocol at run time: TypeScript types both sides, but a reply
// crosses a structured clone, so the page checks what arrives (its shape and each call's result)
// before it trusts it. A malformed reply rejects that one call with a message naming what is wrong.
import { BACKENDS, type CallName, type PageMessage, type WorkerMessage } from './protocol';

type Obj = Record<string, unknown>;
/** A problem in words, or null when the value fits. */
type Check = (v: unknown) => string | null;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const every = (v: unknown, is: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(is);

/** The fields of an object, each with its own test; the first that fails is named. */
function fields(what: string, tests: Record<string, (v: unknown) => boolean>): Check {
  return (v) => {
    if (!isObj(v)) return `${what} is not an object`;
    for (const [k, is] of Object.entries(tests)) if (!is(v[k])) return `${what}.${k} is missing or of the wrong type`;
    return null;
  };
}

const backendInfo = fields('the backend info', {
  name: (v) => (BACKENDS as readonly unknown[]).includes(v),
  device: isStr,
  software: isBool,
  notes: (v) => every(v, isStr),
});

const modelInfo = fields('the model info', {
  key: isStr,
  title: isStr,
  numClasses: isInt,
  classes: (v) => every(v, isStr),
  bytes: isNum,
  cachedBytes: isNum,
  ms: isNum,
  warmUpMs: isNum,
});

const classMaps = fields('maps', {
  width: isInt,
  height: isInt,
  cellSize: isNum,
  classes: (v) => every(v, isInt),
  data: (v) => v instanceof Float32Array,
  winner: (v) => v instanceof Int32Array,
});

const transform = fields('the input transform', {
  imageWidth: isNum,
  imageHeight: isNum,
  inputSize: isNum,
  scaleX: isNum,
  scaleY: isNum,
  offsetX: isNum,
  offsetY: isNum,
  prepool: isNum,
  resizedWidth: isNum,
  resizedHeight: isNum,
});

const prediction = fields('a prediction', { index: isInt, name: isStr, logit: isNum, probability: isNum });

const inference: Check = (v) => {
  const own = fields('the inference', {
    top: Array.isArray,
    logits: (x) => x instanceof Float32Array,
    backend: isStr,
    ms: isNum,
  })(v);
  if (own) return own;
  const inf = v as Obj;
  const maps = classMaps(inf.maps) ?? transform(inf.transform);
  if (maps) return maps;
  for (const p of inf.top as unknown[]) {
    const bad = prediction(p);
    if (bad) return bad;
  }
  const m = inf.maps as { width: number; height: number; classes: number[]; data: Float32Array };
  if (m.data.length !== m.width * m.height * m.classes.length)
    return `maps hold ${m.data.length} values for ${m.classes.length} planes of ${m.width}x${m.height}`;
  return null;
};

const mapPlanes: Check = (v) =>
  fields('the map planes', { classes: (x) => every(x, isInt), data: (x) => x instanceof Float32Array })(v) ??
  ((v as { data: Float32Array; classes: number[] }).data.length % Math.max(1, (v as { classes: number[] }).classes.length) === 0
    ? null
    : 'the map planes do not divide into their classes');

const curves = fields('the faithfulness curves', {
  classIndex: isInt,
  fractions: (v) => every(v, isNum),
  deletion: (v) => every(v, isNum),
  insertion: (v) => every(v, isNum),
  deletionAuc: isNum,
  insertionAuc: isNum,
  blurSigma: isNum,
  passes: isInt,
  ms: isNum,
});

const boolean: Check = (v) => (isBool(v) ? null : 'not true or false');
const number: Check = (v) => (isNum(v) ? null : 'not a number');

/** Each call's result, as protocol.ts's Calls types it. */
const RESULTS: Record<CallName, Check> = {
  init: backendInfo,
  load: modelInfo,
  warmUp: number,
  infer: inference,
  maps: mapPlanes,
  memory: fields('the memory info', { numTensors: isInt, numBytes: isNum }),
  faithfulness: curves,
  unload: boolean,
  loseDevice: boolean,
  embed: (v) => (v instanceof Float32Array ? null : 'the pooled features are not a Float32Array'),
  setHeads: (v) => (isInt(v) ? null : 'not a whole number'),
  train: fields('the trained head', { weights: (x) => x instanceof Float32Array, bias: isNum, figures: isObj }),
};

/** What is wrong with a result of `call`, or null when it is what the protocol says. */
export function resultProblem(call: CallName, result: unknown): string | null {
  return RESULTS[call](result);
}

/** A message from the worker if it has one of the protocol's shapes, else what is wrong with it. */
export function readWorkerMessage(m: unknown): WorkerMessage | string {
  if (!isObj(m)) return 'a message that is not an object';
  switch (m.type) {
    case 'backend':
      return backendInfo(m.info) ?? (isStr(m.reason) ? (m as WorkerMessage) : 'a backend change without its reason');
    case 'ok':
      return isInt(m.id) ? (m as WorkerMessage) : 'an answer without a request id';
    case 'error':
      return isInt(m.id) && isStr(m.message) && (m.aborted === undefined || isBool(m.aborted)) ? (m as WorkerMessage) : 'a malformed error';
    case 'progress':
      return isInt(m.id) && isNum(m.loaded) && isNum(m.total) ? (m as WorkerMessage) : 'a malformed progress message';
    case 'phase':
      return isInt(m.id) && m.phase === 'preparing' && isStr(m.message) ? (m as WorkerMessage) : 'a malformed phase message';
    default:
      return `a message of unknown type ${JSON.stringify(m.type)}`;
  }
}

const isArr = Array.isArray;
/** Each call's arguments that a request must carry, with their tests (the optional ones are checked where they are used). */
const ARGS: Record<CallName, Record<string, (v: unknown) => boolean>> = {
  init: { backend: isStr },
  load: { key: isStr, source: isObj },
  warmUp: { key: isStr },
  infer: { key: isStr, image: isObj, topK: isInt, extraClasses: isArr },
  maps: { key: isStr, classes: isArr },
  memory: {},
  faithfulness: { key: isStr, image: isObj, classIndex: isInt, steps: isInt },
  unload: { key: isStr },
  loseDevice: {},
  embed: { key: isStr, image: isObj },
  setHeads: { key: isStr, heads: isArr },
  train: { key: isStr, positives: isArr, negatives: isArr },
};

/**
 * A message from the page if it has one of the protocol's shapes, else what is wrong with it (and
 * the request id, when it has one, so that the request can be answered with the problem).
 */
export function readPageMessage(m: unknown): PageMessage | { problem: string; id: number | null } {
  if (!isObj(m)) return { problem: 'a message that is not an object', id: null };
  if ('cancel' in m) return isInt(m.cancel) ? { cancel: m.cancel } : { problem: 'a cancel without a request id', id: null };
  const id = isInt(m.id) ? m.id : null;
  if (id === null) return { problem: 'a request without an id', id };
  if (!isStr(m.call) || !Object.hasOwn(ARGS, m.call)) return { problem: `a request for an unknown call ${JSON.stringify(m.call)}`, id };
  const bad = isObj(m.args) ? fields(`the arguments of ${m.call}`, ARGS[m.call as CallName])(m.args) : `the arguments of ${m.call} are not an object`;
  return bad ? { problem: bad, id } : (m as unknown as PageMessage);
}
