// The page's one hook: the session's state for rendering, and its orchestration for callbacks.
// The session (store, worker) is made outside render (main.tsx); the effect only attaches it.
import { useEffect, useSyncExternalStore } from 'react';
import type { LensSession } from './lens-session';
import type { Lens } from './orchestration/lens';
import type { State } from './state';

export function useLens(session: LensSession): { state: State; lens: Lens } {
  useEffect(() => session.attach(), [session]);
  const state = useSyncExternalStore(session.store.subscribe, session.store.get);
  return { state, lens: session.lens };
}
