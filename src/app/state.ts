// All of the page's state and every way it changes, as one pure reducer. Effects (the worker,
// decoding, storage) live in orchestration/ and report back through these actions; anything new
// an action brings (a notice's id included) comes in the action, so the same action on the same
// state always gives the same state.
import type { ColorScale } from '../draw/composite';
import { DEFAULT_RULE, DEFAULT_THRESHOLD, type Box, type BoxRule } from '../localize/boxes';
import type { Inference } from '../models/class-maps';
import type { FaithfulnessCurves } from '../localize/faithfulness';
import { folderReducer, type FolderAction, type FolderState } from './folder-state';
import { initialTeach, teachReducer, type TeachAction, type TeachState } from './teach/teach-state';
import { taughtScore } from './teach/taught-scores';
import { labelReducer, type LabelAction, type LabelState } from './teach/label-state';
import { BUILTIN_MODELS as BUILTIN, DRN_A_50_IMAGENET, RESNET_50_IMAGENET, manifestPath } from '../models/registry';
import type { ImportStage } from '../weights/import-messages';
import type { BackendChoice, BackendInfo, MemoryInfo, ModelInfo, ModelSource } from './worker/protocol';

export interface ModelEntry {
  key: string;
  title: string;
  source: ModelSource;
  /** Imported by the user (stored in IndexedDB, deletable). */
  imported: boolean;
}

export const DRN_KEY: string = DRN_A_50_IMAGENET.id;
export const RESNET_KEY: string = RESNET_50_IMAGENET.id;

export const BUILTIN_MODELS: ModelEntry[] = BUILTIN.map((m) => ({
  key: m.id,
  title: m.title,
  source: { kind: 'url', manifestUrl: manifestPath(m.id) },
  imported: false,
}));

export type LoadState =
  | { status: 'loading'; loaded: number; total: number }
  /**
   * Usable. `preparing` says the model is warming up (shader compilation or a first run) after
   * its load or for a new input size: a photo then waits for it, but the classes are known.
   */
  | { status: 'ready'; info: ModelInfo; preparing?: string }
  | { status: 'error'; message: string };

export interface Photo {
  id: number;
  name: string;
  bitmap: ImageBitmap;
  /** The pixels the network sees (the downscaled copy for very large photos). */
  pixels: ImageData;
  /** The file's own size, which boxes and exports are given in. */
  width: number;
  height: number;
  /** Said in the page, e.g. that a huge photo was downscaled. */
  note: string | null;
  /** The sample's file name when this is a sample photo (a shared link can name it). */
  sample: string | null;
  /** A webcam frame: the URL is updated in place for these, not once per frame in the history. */
  fromCamera?: boolean;
}

export interface RunResult {
  modelKey: string;
  photoId: number;
  inference: Inference;
  /** Page-side time from posting the photo to holding the maps. */
  roundTripMs: number;
}

export interface View {
  /** Class indices (any of the model's) whose heatmap and box are shown, in the order switched on. */
  shown: number[];
  opacity: number;
  rule: BoxRule;
  thresholds: Record<BoxRule, number>;
  /** Each class's colours scaled to its own peak, or all shown classes to one shared peak. */
  scale: ColorScale;
  rawGrid: boolean;
  compare: boolean;
  /** Ground-truth boxes in photo pixels, drawn or loaded by the user (or a sample's own). */
  gt: Box[];
  /** Classes added from the search box: listed below the top ones until removed, shown or not. */
  added: number[];
  /** (teach) One box per separate region above the threshold, with the count ("3 x dog"). */
  instances?: boolean;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface ImportState {
  name: string;
  stage: ImportStage;
  fraction: number;
}

/** The faithfulness curves of one class on the current photo: running (passes done of total) or done. */
export interface FaithState {
  modelKey: string;
  photoId: number;
  classIndex: number;
  steps: number;
  done: number;
  total: number;
  result: FaithfulnessCurves | null;
}

export interface State {
  backendChoice: BackendChoice;
  backend: BackendInfo | null;
  /** Switching backends (or starting the first one). */
  backendBusy: boolean;
  models: ModelEntry[];
  modelKey: string;
  loads: Record<string, LoadState>;
  photo: Photo | null;
  running: boolean;
  /** Results for the current photo by model key. */
  results: Record<string, RunResult>;
  view: View;
  notices: Notice[];
  memory: MemoryInfo | null;
  importing: ImportState | null;
  /** Faithfulness curves asked for on this photo (null: none, or the photo or model changed). */
  faith: FaithState | null;
  /** The folder evaluation (research mode), its own small reducer: folder-state.ts. */
  folder: FolderState | null;
  /** Network input side and flip averaging for every run. */
  input: { size: number; flip: boolean };
  /** (teach) The Teach panel and the taught classes of the shown model: teach/teach-state.ts. */
  teach: TeachState;
  /** (teach) Labelling a folder with the shown and taught classes: teach/label-state.ts. */
  label: LabelState | null;
}

export const initialView = (): View => ({
  shown: [],
  opacity: 0.6,
  rule: DEFAULT_RULE,
  thresholds: { ...DEFAULT_THRESHOLD },
  scale: 'class',
  rawGrid: false,
  compare: false,
  gt: [],
  added: [],
});

export const initialState = (backendChoice: BackendChoice = 'auto', modelKey = DRN_KEY): State => ({
  backendChoice,
  backend: null,
  backendBusy: true,
  models: BUILTIN_MODELS,
  modelKey,
  loads: {},
  photo: null,
  running: false,
  results: {},
  view: initialView(),
  notices: [],
  memory: null,
  importing: null,
  faith: null,
  folder: null,
  input: { size: 224, flip: false },
  teach: initialTeach(),
  label: null,
});

export type Action =
  | { type: 'backendChoice'; choice: BackendChoice }
  | { type: 'backendReady'; info: BackendInfo }
  /** The backend changed without being asked (a lost GPU); the reason is said in a notice. */
  | { type: 'backendChanged'; info: BackendInfo }
  /** No backend started; why is said in a notice. */
  | { type: 'backendFailed' }
  | { type: 'selectModel'; key: string }
  | { type: 'loadProgress'; key: string; loaded: number; total: number }
  | { type: 'warmStart'; key: string; message: string }
  /** The network's input side (224 ... 896) and flip averaging: both change what the network computes. */
  | { type: 'input'; size: number; flip: boolean }
  | { type: 'loadDone'; info: ModelInfo }
  | { type: 'warmDone'; key: string; ms: number }
  | { type: 'loadFailed'; key: string; message: string }
  /** A new photo; `view` carries settings to keep (a shared link's), else the shown list restarts. */
  | { type: 'photo'; photo: Photo; view?: Partial<View> }
  | { type: 'runStart' }
  | { type: 'runDone'; result: RunResult }
  | { type: 'runEnd' }
  | { type: 'showClass'; index: number }
  | { type: 'hideClass'; index: number }
  | { type: 'removeClass'; index: number }
  /** More class planes for a result, fetched from the worker without running the network. */
  | { type: 'mapsAdded'; modelKey: string; photoId: number; classes: number[]; data: Float32Array }
  | { type: 'scale'; scale: ColorScale }
  | { type: 'gt'; boxes: Box[] }
  /** A view from the URL (a shared link, or Back/Forward). */
  | { type: 'applyView'; view: Partial<View> }
  | { type: 'opacity'; value: number }
  | { type: 'rule'; rule: BoxRule }
  | { type: 'threshold'; value: number }
  | { type: 'rawGrid'; on: boolean }
  | { type: 'compare'; on: boolean }
  /** `id` is new for every notice (the page's effects number them: notices.ts). */
  | { type: 'notice'; id: number; kind: Notice['kind']; text: string }
  | { type: 'dismiss'; id: number }
  | { type: 'memory'; info: MemoryInfo }
  | { type: 'importing'; state: ImportState | null }
  | { type: 'modelsAdded'; models: ModelEntry[] }
  | { type: 'modelRemoved'; key: string }
  | { type: 'faithStart'; modelKey: string; photoId: number; classIndex: number; steps: number }
  | { type: 'faithProgress'; done: number; total: number }
  | { type: 'faithDone'; result: FaithfulnessCurves }
  /** A run failed or was cancelled: its partial state goes. */
  | { type: 'faithEnd' }
  | { type: 'folder'; action: FolderAction }
  // --- teach (issue 18) ---
  | { type: 'teach'; action: TeachAction }
  /** Planes a result holds that are now stale (a retrained taught class), dropped before fresh ones are added. */
  | { type: 'mapsDropped'; modelKey: string; photoId: number; classes: number[] }
  | { type: 'instances'; on: boolean }
  | { type: 'label'; action: LabelAction };

export function reducer(s: State, a: Action): State {
  switch (a.type) {
    case 'backendChoice':
      return { ...s, backendChoice: a.choice, backendBusy: true, loads: {}, results: {} };
    case 'backendReady':
      return { ...s, backend: a.info, backendBusy: false };
    case 'backendChanged':
      return { ...s, backend: a.info, loads: {} };
    case 'backendFailed':
      return { ...s, backendBusy: false };
    case 'selectModel':
      return { ...s, modelKey: a.key, faith: s.faith?.modelKey === a.key ? s.faith : null };
    case 'loadProgress':
      return { ...s, loads: { ...s.loads, [a.key]: { status: 'loading', loaded: a.loaded, total: a.total } } };
    case 'warmStart': {
      const load = s.loads[a.key];
      return load?.status === 'ready' ? { ...s, loads: { ...s.loads, [a.key]: { ...load, preparing: a.message } } } : s;
    }
    case 'input':
      return { ...s, input: { size: a.size, flip: a.flip } };
    case 'loadDone':
      return { ...s, loads: { ...s.loads, [a.info.key]: { status: 'ready', info: a.info } } };
    case 'warmDone': {
      const load = s.loads[a.key];
      if (load?.status !== 'ready') return s;
      return { ...s, loads: { ...s.loads, [a.key]: { status: 'ready', info: { ...load.info, warmUpMs: a.ms } } } };
    }
    case 'loadFailed':
      return { ...s, loads: { ...s.loads, [a.key]: { status: 'error', message: a.message } } };
    case 'photo':
      return { ...s, photo: a.photo, results: {}, faith: null, view: { ...s.view, shown: [], gt: [], added: [], ...a.view } };
    case 'runStart':
      return { ...s, running: true };
    case 'runEnd':
      return { ...s, running: false };
    case 'runDone': {
      if (s.photo?.id !== a.result.photoId) return s;
      const results = { ...s.results, [a.result.modelKey]: a.result };
      // A first result shows its top class at once: one click gives a heatmap and a box.
      const top = a.result.inference.top[0];
      const primary = a.result.modelKey === s.modelKey;
      const shownValid = s.view.shown.filter((c) => a.result.inference.maps.classes.includes(c));
      const shown = !primary ? s.view.shown : shownValid.length ? shownValid : top ? [top.index] : [];
      // (teach) A taught class present in the photo is shown with the rest: the person taught it to find it.
      const load = s.loads[s.modelKey];
      const maps = a.result.inference.maps;
      const present =
        primary && load?.status === 'ready'
          ? maps.classes.filter((c) => c >= load.info.numClasses && !shown.includes(c) && taughtScore(maps, c)?.present)
          : [];
      return { ...s, results, view: { ...s.view, shown: [...shown, ...present] } };
    }
    case 'showClass': {
      const v = s.view;
      if (v.shown.includes(a.index)) return s;
      return { ...s, view: { ...v, shown: [...v.shown, a.index], added: v.added.includes(a.index) ? v.added : [...v.added, a.index] } };
    }
    case 'hideClass':
      return { ...s, view: { ...s.view, shown: s.view.shown.filter((c) => c !== a.index) } };
    case 'removeClass':
      return { ...s, view: { ...s.view, shown: s.view.shown.filter((c) => c !== a.index), added: s.view.added.filter((c) => c !== a.index) } };
    case 'mapsAdded': {
      const r = s.results[a.modelKey];
      if (!r || r.photoId !== a.photoId) return s;
      const maps = r.inference.maps;
      const n = maps.width * maps.height;
      const fresh = a.classes.map((c, i) => [c, i] as const).filter(([c]) => !maps.classes.includes(c));
      if (!fresh.length) return s;
      const data = new Float32Array(maps.data.length + fresh.length * n);
      data.set(maps.data);
      fresh.forEach(([, i], k) => data.set(a.data.subarray(i * n, (i + 1) * n), maps.data.length + k * n));
      const inference = { ...r.inference, maps: { ...maps, classes: [...maps.classes, ...fresh.map(([c]) => c)], data } };
      return { ...s, results: { ...s.results, [a.modelKey]: { ...r, inference } } };
    }
    case 'scale':
      return { ...s, view: { ...s.view, scale: a.scale } };
    case 'gt':
      return { ...s, view: { ...s.view, gt: a.boxes } };
    case 'applyView':
      return { ...s, view: { ...s.view, ...a.view } };
    case 'opacity':
      return { ...s, view: { ...s.view, opacity: a.value } };
    case 'rule':
      return { ...s, view: { ...s.view, rule: a.rule } };
    case 'threshold':
      return { ...s, view: { ...s.view, thresholds: { ...s.view.thresholds, [s.view.rule]: a.value } } };
    case 'rawGrid':
      return { ...s, view: { ...s.view, rawGrid: a.on } };
    case 'compare':
      return { ...s, view: { ...s.view, compare: a.on } };
    case 'notice':
      // The same message twice in a row is said once.
      if (s.notices.at(-1)?.text === a.text) return s;
      return { ...s, notices: [...s.notices.slice(-4), { id: a.id, kind: a.kind, text: a.text }] };
    case 'dismiss':
      return { ...s, notices: s.notices.filter((n) => n.id !== a.id) };
    case 'memory':
      return { ...s, memory: a.info };
    case 'importing':
      return { ...s, importing: a.state };
    case 'modelsAdded': {
      const known = new Set(s.models.map((m) => m.key));
      return { ...s, models: [...s.models, ...a.models.filter((m) => !known.has(m.key))] };
    }
    case 'faithStart':
      return {
        ...s,
        faith: { modelKey: a.modelKey, photoId: a.photoId, classIndex: a.classIndex, steps: a.steps, done: 0, total: 2 * a.steps - 1, result: null },
      };
    case 'faithProgress':
      return s.faith && !s.faith.result ? { ...s, faith: { ...s.faith, done: a.done, total: a.total } } : s;
    case 'faithDone':
      // A result for another photo, model or class than the one waited for (the user moved on) is dropped.
      return s.faith && !s.faith.result && s.faith.classIndex === a.result.classIndex
        ? { ...s, faith: { ...s.faith, done: s.faith.total, result: a.result } }
        : s;
    case 'faithEnd':
      return s.faith && !s.faith.result ? { ...s, faith: null } : s;
    case 'folder':
      return { ...s, folder: folderReducer(s.folder, a.action) };
    // --- teach (issue 18) ---
    case 'teach':
      return { ...s, teach: teachReducer(s.teach, a.action) };
    case 'label':
      return { ...s, label: labelReducer(s.label, a.action) };
    case 'instances':
      return { ...s, view: { ...s.view, instances: a.on } };
    case 'mapsDropped': {
      const r = s.results[a.modelKey];
      if (!r || r.photoId !== a.photoId) return s;
      const maps = r.inference.maps;
      const n = maps.width * maps.height;
      const keep = maps.classes.map((c, i) => [c, i] as const).filter(([c]) => !a.classes.includes(c));
      if (keep.length === maps.classes.length) return s;
      const data = new Float32Array(keep.length * n);
      keep.forEach(([, i], k) => data.set(maps.data.subarray(i * n, (i + 1) * n), k * n));
      const inference = { ...r.inference, maps: { ...maps, classes: keep.map(([c]) => c), data } };
      return { ...s, results: { ...s.results, [a.modelKey]: { ...r, inference } } };
    }
    case 'modelRemoved': {
      const models = s.models.filter((m) => m.key !== a.key);
      const { [a.key]: _gone, ...results } = s.results;
      return { ...s, models, results, modelKey: s.modelKey === a.key ? DRN_KEY : s.modelKey };
    }
  }
}

const NO_NAMES: readonly string[] = [];
const NO_TAUGHT: readonly { index: number; name: string }[] = [];
const taughtLists = new WeakMap<object, { numClasses: number; list: readonly { index: number; name: string }[] }>();

/** The shown model's taught classes with their class indices; the same array while nothing changes. */
export function taughtClassList(s: State): readonly { index: number; name: string }[] {
  const load = s.loads[s.modelKey];
  if (load?.status !== 'ready' || s.teach.modelKey !== s.modelKey || !s.teach.heads.length) return NO_TAUGHT;
  const known = taughtLists.get(s.teach.heads);
  if (known?.numClasses === load.info.numClasses) return known.list;
  const list = s.teach.heads.map((h, j) => ({ index: load.info.numClasses + j, name: h.name }));
  taughtLists.set(s.teach.heads, { numClasses: load.info.numClasses, list });
  return list;
}

/**
 * The names with taught classes last given per model (by its class list): the same array while
 * they read the same, also across a retrained class's new head list, so that what depends on the
 * names (the viewer's scene) is not made and drawn again for nothing.
 */
const lastNames = new WeakMap<readonly string[], readonly string[]>();

/**
 * The class names of a loaded model (empty until it has loaded), its taught classes' after its own
 * (head j is class numClasses + j); the same array while they read the same.
 */
export function classNames(s: State, key: string = s.modelKey): readonly string[] {
  const load = s.loads[key];
  if (load?.status !== 'ready') return NO_NAMES;
  const own = load.info.classes;
  if (s.teach.modelKey !== key || !s.teach.heads.length) return own;
  const heads = s.teach.heads;
  const last = lastNames.get(own);
  if (last && last.length === own.length + heads.length && heads.every((h, j) => last[own.length + j] === h.name)) return last;
  const names = [...own, ...heads.map((h) => h.name)];
  lastNames.set(own, names);
  return names;
}
