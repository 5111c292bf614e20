// The Teach panel's state and its small reducer (the page's main reducer holds it under `teach`):
// the examples with their pooled features (so retraining never runs the network again), the
// training in progress and its figures in words, and the taught classes of the shown model, whose
// order fixes their class indices (head j is class numClasses + j, as in LensModel.setHeads).
// Pure: every id comes in its action.

/** One example photo: a positive ("this") or a negative ("not this"). */
export interface TeachExample {
  id: string;
  kind: 'positive' | 'negative';
  name: string;
  /** A small data: URL made when it was added (no object URL to revoke). */
  thumb: string;
  /** The backbone's pooled features of the photo; null while its forward pass runs. */
  features: Float32Array | null;
  /** Why it could not be used (not a photo, the pass failed); it is then left out of training. */
  error: string | null;
}

/** A taught class as the page keeps it (head-store.ts stores these per model). */
export interface TaughtClass {
  id: string;
  /** The model it was taught on: its heads only apply to that backbone. */
  modelKey: string;
  name: string;
  weights: Float32Array;
  bias: number;
  /** Network input side the examples were read at. */
  inputSize: number;
  /** How many photos taught it (0 and 0 for one that came in a link, which does not carry them). */
  examples: { positives: number; negatives: number };
  createdAt: string;
}

export interface TeachState {
  /** The name typed for the class being taught. */
  name: string;
  examples: TeachExample[];
  /** Training in progress: its step in words. */
  training: string | null;
  /** The last training's figures in words. */
  figures: string | null;
  /** Taught classes of `modelKey`, in class-index order. */
  heads: TaughtClass[];
  modelKey: string | null;
}

export type TeachAction =
  | { type: 'name'; name: string }
  | { type: 'exampleAdded'; id: string; kind: TeachExample['kind']; name: string; thumb: string }
  | { type: 'exampleEmbedded'; id: string; features: Float32Array }
  | { type: 'exampleFailed'; id: string; error: string }
  | { type: 'exampleRemoved'; id: string }
  | { type: 'examplesCleared' }
  | { type: 'trainStart'; step: string }
  | { type: 'trainDone'; figures: string }
  | { type: 'trainFailed' }
  /** The stored heads of a model (after a model switch or a reload). */
  | { type: 'headsLoaded'; modelKey: string; heads: TaughtClass[] }
  /** A new head is appended; one with the same id is replaced in place (its class index stays). */
  | { type: 'headSaved'; head: TaughtClass }
  | { type: 'headRemoved'; id: string };

export const initialTeach = (): TeachState => ({ name: '', examples: [], training: null, figures: null, heads: [], modelKey: null });

export function teachReducer(s: TeachState, a: TeachAction): TeachState {
  switch (a.type) {
    case 'name':
      return { ...s, name: a.name };
    case 'exampleAdded':
      if (s.examples.some((e) => e.id === a.id)) return s;
      return { ...s, examples: [...s.examples, { id: a.id, kind: a.kind, name: a.name, thumb: a.thumb, features: null, error: null }] };
    case 'exampleEmbedded':
      return { ...s, examples: s.examples.map((e) => (e.id === a.id ? { ...e, features: a.features, error: null } : e)) };
    case 'exampleFailed':
      return { ...s, examples: s.examples.map((e) => (e.id === a.id ? { ...e, error: a.error } : e)) };
    case 'exampleRemoved':
      return { ...s, examples: s.examples.filter((e) => e.id !== a.id) };
    case 'examplesCleared':
      return { ...s, examples: [], figures: null };
    case 'trainStart':
      return { ...s, training: a.step };
    case 'trainDone':
      return { ...s, training: null, figures: a.figures };
    case 'trainFailed':
      return { ...s, training: null };
    case 'headsLoaded':
      return { ...s, modelKey: a.modelKey, heads: a.heads.filter((h) => h.modelKey === a.modelKey) };
    case 'headSaved': {
      if (a.head.modelKey !== s.modelKey) return s;
      const at = s.heads.findIndex((h) => h.id === a.head.id);
      return { ...s, heads: at < 0 ? [...s.heads, a.head] : s.heads.map((h, i) => (i === at ? a.head : h)) };
    }
    case 'headRemoved':
      return { ...s, heads: s.heads.filter((h) => h.id !== a.id) };
  }
}

/** Examples ready to train on, by kind. */
export function trainingSet(s: TeachState): { positives: Float32Array[]; negatives: Float32Array[] } {
  const ready = (kind: TeachExample['kind']) => s.examples.filter((e) => e.kind === kind && e.features && !e.error).map((e) => e.features!);
  return { positives: ready('positive'), negatives: ready('negative') };
}

/** Examples whose forward pass is still running. */
export const pendingExamples = (s: TeachState): number => s.examples.filter((e) => !e.features && !e.error).length;

/**
 * Where class indices go when the head at `removed` (its position) is deleted: its own index is
 * dropped, the later heads' indices move down by one, ImageNet indices stay.
 */
export function shiftAfterRemoval(indices: readonly number[], numClasses: number, removed: number): number[] {
  const gone = numClasses + removed;
  return indices.filter((c) => c !== gone).map((c) => (c > gone ? c - 1 : c));
}

/** Numbers for a class score: sigmoid of the logit (the head's own probability). */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
