// The `*.head.json` file: a taught class (one linear head on a backbone's frozen final features),
// the backbone it was taught on, and how it was taught. Pure and tfjs-free, so the page, its
// worker and the CLI read and refuse files alike; every refusal is a HeadFileError whose message
// names the file and the problem.
import type { ModelManifest } from '../models/package';
import { sha256Hex } from '../weights/sha256';

export const HEAD_FORMAT = 'drn-lens-head';
export const HEAD_VERSION = 1;

/** What a head's numbers are only meaningful on: the model, its architecture and its exact weights. */
export interface Backbone {
  /** The model package's id, e.g. drn-a-50-imagenet. */
  model: string;
  /** The architecture's official name, e.g. drn_a_50. */
  architecture: string;
  /**
   * SHA-256 (hex) of the package's weight files: of their own sha256 values, sorted, each followed by
   * a newline. Sorted, so the order of the manifest's file list does not matter.
   */
  weightsSha256: string;
}

export interface TaughtHead {
  name: string;
  backbone: Backbone;
  /** Network input side the examples were taught at. */
  inputSize: number;
  /** Feature channels F (= weights.length). */
  features: number;
  weights: Float32Array;
  bias: number;
  examples: { positives: number; negatives: number };
  /** ISO 8601. */
  createdAt: string;
}

export class HeadFileError extends Error {
  override name = 'HeadFileError';
}

/** The feature count of a package's backbone: the input channels of its 1x1 classifier. */
export function featureCount(manifest: ModelManifest): number {
  for (const group of manifest.weightsManifest) {
    for (const w of group.weights) {
      // fc.kernel is [1, 1, F, C] (conv) ; a linear fc.weight is [C, F].
      if (w.name === 'fc.kernel' && w.shape.length === 4) return w.shape[2];
      if (w.name === 'fc.weight' && w.shape.length === 2) return w.shape[1];
    }
  }
  throw new Error(`${manifest.id}: the package has no fc.kernel, so its feature count is unknown`);
}

export async function backboneOf(manifest: ModelManifest): Promise<Backbone> {
  const list = manifest.files.map((f) => f.sha256.toLowerCase()).sort();
  const bytes = new TextEncoder().encode(list.map((s) => `${s}\n`).join(''));
  return { model: manifest.id, architecture: manifest.architecture.name, weightsSha256: await sha256Hex(bytes) };
}

/** Refuses, in words, a head taught on another backbone than `backbone`. */
export function checkHeadAgainst(head: TaughtHead, backbone: Backbone, features: number): void {
  const b = head.backbone;
  const taughtOn = `"${head.name}" was taught on ${b.model} (${b.architecture})`;
  if (b.model !== backbone.model || b.architecture !== backbone.architecture) {
    throw new HeadFileError(`${taughtOn}, not on ${backbone.model} (${backbone.architecture}): switch to that model to use it`);
  }
  if (b.weightsSha256 !== backbone.weightsSha256) {
    throw new HeadFileError(
      `${taughtOn} with other weights (sha256 ${b.weightsSha256.slice(0, 12)}..., this package's are ${backbone.weightsSha256.slice(0, 12)}...)`,
    );
  }
  if (head.features !== features) throw new HeadFileError(`${taughtOn} with ${head.features} features, this model has ${features}`);
}

export async function checkHeadFor(head: TaughtHead, manifest: ModelManifest): Promise<void> {
  checkHeadAgainst(head, await backboneOf(manifest), featureCount(manifest));
}

export function serializeHead(head: TaughtHead): string {
  // JSON would write NaN and Infinity as null: refuse here rather than write a file that cannot be read.
  const bad = head.weights.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0 || !Number.isFinite(head.bias))
    throw new HeadFileError(`"${head.name}": ${bad >= 0 ? `weight ${bad}` : 'the bias'} is not a finite number`);
  return JSON.stringify({
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    name: head.name,
    backbone: head.backbone,
    inputSize: head.inputSize,
    features: head.features,
    weights: Array.from(head.weights),
    bias: head.bias,
    examples: head.examples,
    createdAt: head.createdAt,
  });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 40));

/** Reads a head file; `source` (a file name, "the link") starts every error message. */
export function parseHeadFile(text: string, source: string): TaughtHead {
  const fail = (what: string): never => {
    throw new HeadFileError(`${source}: ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(json)) return fail('not a head file (expected a JSON object)');
  if (json.format !== HEAD_FORMAT) return fail(`not a head file ("format" is ${show(json.format)}, expected "${HEAD_FORMAT}")`);
  if (json.version !== HEAD_VERSION) return fail(`head file version ${show(json.version)} is not supported (this version reads ${HEAD_VERSION})`);
  const str = (obj: Record<string, unknown>, key: string, path: string): string =>
    typeof obj[key] === 'string' && (obj[key] as string).trim() !== ''
      ? (obj[key] as string)
      : fail(`"${path}" must be a non-empty string, got ${show(obj[key])}`);
  const int = (obj: Record<string, unknown>, key: string, path: string, min: number): number =>
    Number.isInteger(obj[key]) && (obj[key] as number) >= min
      ? (obj[key] as number)
      : fail(`"${path}" must be an integer >= ${min}, got ${show(obj[key])}`);
  const name = str(json, 'name', 'name');
  if (!isObj(json.backbone)) return fail(`"backbone" must be an object, got ${show(json.backbone)}`);
  const sha = str(json.backbone, 'weightsSha256', 'backbone.weightsSha256');
  if (!/^[0-9a-f]{64}$/.test(sha)) fail(`"backbone.weightsSha256" must be 64 lowercase hex digits, got ${show(sha)}`);
  const backbone: Backbone = {
    model: str(json.backbone, 'model', 'backbone.model'),
    architecture: str(json.backbone, 'architecture', 'backbone.architecture'),
    weightsSha256: sha,
  };
  const inputSize = int(json, 'inputSize', 'inputSize', 1);
  const features = int(json, 'features', 'features', 1);
  if (!Array.isArray(json.weights)) return fail(`"weights" must be a list of ${features} numbers, got ${show(json.weights)}`);
  if (json.weights.length !== features) fail(`"weights" has ${json.weights.length} numbers, "features" says ${features}`);
  const bad = json.weights.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) fail(`"weights"[${bad}] is not a finite number (${show(json.weights[bad])})`);
  if (typeof json.bias !== 'number' || !Number.isFinite(json.bias)) fail(`"bias" must be a finite number, got ${show(json.bias)}`);
  if (!isObj(json.examples)) return fail(`"examples" must be {"positives": n, "negatives": n}, got ${show(json.examples)}`);
  const examples = {
    positives: int(json.examples, 'positives', 'examples.positives', 1),
    negatives: int(json.examples, 'negatives', 'examples.negatives', 0),
  };
  const createdAt = str(json, 'createdAt', 'createdAt');
  if (Number.isNaN(Date.parse(createdAt))) fail(`"createdAt" must be a date (ISO 8601), got ${show(createdAt)}`);
  return {
    name,
    backbone,
    inputSize,
    features,
    weights: Float32Array.from(json.weights as number[]),
    bias: json.bias as number,
    examples,
    createdAt,
  };
}
