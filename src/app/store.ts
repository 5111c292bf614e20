// The reducer's state held outside React, so the orchestration always reads the state its last
// action produced (React's copy updates only on the next render).
import { reducer, type Action, type State } from './state';

export class Store {
  private listeners = new Set<() => void>();
  constructor(private state: State) {}

  get = (): State => this.state;

  dispatch = (a: Action): void => {
    this.state = reducer(this.state, a);
    for (const l of this.listeners) l();
  };

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
}
