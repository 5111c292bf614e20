// What every orchestration module shares: the worker client, the store's dispatch and current
// state, and the page's voice (notices, numbered here so that the reducer stays pure).
import type { Action, Notice, State } from '../state';
import type { LensClient } from './lens-client';

export interface Page {
  readonly client: LensClient;
  dispatch(action: Action): void;
  /** The state the last action produced (the store's, not React's copy of it). */
  state(): State;
  /** Tells the user something in the page's notices. */
  say(kind: Notice['kind'], text: string): void;
}

export function createPage(client: LensClient, dispatch: (a: Action) => void, state: () => State): Page {
  let lastNotice = 0;
  return {
    client,
    dispatch,
    state,
    say: (kind, text) => dispatch({ type: 'notice', id: ++lastNotice, kind, text }),
  };
}
