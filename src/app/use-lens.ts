// The page's one hook: the store (state + reducer), the controller (effects), and the URL
// parameters that pick a backend (?backend=webgpu|webgl|wasm|cpu) or a model (?model=ID).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { Controller } from './controller';
import { BUILTIN_MODELS, DRN_KEY, initialState, type State } from './state';
import { Store } from './store';
import { readHash, syncUrl, viewOf } from './url-sync';
import { BACKENDS, type BackendChoice, type BackendName } from './worker/protocol';

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

export function useLens(): { state: State; controller: Controller } {
  // A shared link (the hash) wins over the older ?backend= and ?model= parameters.
  const { store, link } = useMemo(() => {
    const c = urlChoices(location.search);
    const link = readHash(
      location.hash,
      BUILTIN_MODELS.map((m) => m.key),
    );
    const s = initialState(link.view.backend ?? c.backend, link.view.model ?? c.model);
    return { store: new Store({ ...s, view: { ...s.view, ...viewOf(link.view, s.view), shown: [], gt: [] } }), link };
  }, []);
  const controller = useMemo(() => new Controller(store.dispatch, store.get), [store]);
  useEffect(() => {
    let stopSync = () => {};
    let live = true;
    void controller
      .start()
      .then(() => controller.applyLink(link, true))
      .then(() => {
        if (live) stopSync = syncUrl(store.subscribe, store.get, (d) => void controller.applyLink(d));
      });
    window.drnLensLoseDevice = () => controller.loseDevice();
    return () => {
      live = false;
      stopSync();
      controller.dispose();
    };
  }, [controller, store, link]);
  const state = useSyncExternalStore(store.subscribe, store.get);
  return { state, controller };
}
