// The page's store and orchestration, made once per page outside React's render (main.tsx), and
// attached to the React tree by an effect. Attaching is idempotent: StrictMode's mount, unmount
// and mount again start the backend once, keep one worker, and leave one URL subscription.
import type { Lens } from './orchestration/lens';
import { BUILTIN_MODELS, DRN_KEY, initialState, type Action, type State } from './state';
import { Store } from './store';
import type { Decoded } from './url-state';
import { readHash, syncUrl, viewOf } from './url-sync';
import { BACKENDS, type BackendChoice, type BackendName } from './worker/protocol';

/** ?backend=webgpu|webgl|wasm|cpu and ?model=ID, the older way to pick them. */
export function urlChoices(search: string): { backend: BackendChoice; model: string } {
  const p = new URLSearchParams(search);
  const b = p.get('backend');
  const m = p.get('model');
  return {
    backend: b && (BACKENDS as readonly string[]).includes(b) ? (b as BackendName) : 'auto',
    model: m && BUILTIN_MODELS.some((e) => e.key === m) ? m : DRN_KEY,
  };
}

declare global {
  interface Window {
    /** For end-to-end tests: make the WebGPU device be lost, as a driver reset would. */
    drnLensLoseDevice?: () => Promise<boolean>;
  }
}

export interface LensSession {
  readonly store: Store;
  readonly lens: Lens;
  /** Starts the page once, and follows the URL until the returned function is called. */
  attach(): () => void;
}

export interface SessionDeps {
  makeLens(dispatch: (a: Action) => void, state: () => State): Lens;
  /** The page's URL: its query and hash. */
  location: { search: string; hash: string };
  syncUrl: typeof syncUrl;
}

export function createSession({ makeLens, location, syncUrl: sync }: SessionDeps): LensSession {
  // A shared link (the hash) wins over the older ?backend= and ?model= parameters.
  const c = urlChoices(location.search);
  const link: Decoded = readHash(
    location.hash,
    BUILTIN_MODELS.map((m) => m.key),
  );
  const s = initialState(link.view.backend ?? c.backend, link.view.model ?? c.model);
  const store = new Store({ ...s, view: { ...s.view, ...viewOf(link.view, s.view), shown: [], gt: [] } });
  const lens = makeLens(store.dispatch, store.get);
  let started: Promise<void> | null = null;
  return {
    store,
    lens,
    attach() {
      let live = true;
      let stopSync = () => {};
      started ??= lens.start().then(() => lens.link.applyLink(link, true));
      void started.then(() => {
        if (live) stopSync = sync(store.subscribe, store.get, (d) => void lens.link.applyLink(d));
      });
      if (typeof window !== 'undefined') window.drnLensLoseDevice = () => lens.models.loseDevice();
      return () => {
        live = false;
        stopSync();
      };
    },
  };
}
