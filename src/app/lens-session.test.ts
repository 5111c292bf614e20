import { describe, expect, it } from 'vitest';
import { createSession } from './lens-session';
import type { Lens } from './orchestration/lens';
import type { Action, State } from './state';
import type { Decoded } from './url-state';

/** A session around a lens that only counts what the session asks of it. */
function counted(hash = '') {
  const made: number[] = [];
  const starts: number[] = [];
  const links: { d: Decoded; initial: boolean }[] = [];
  const syncs = { active: 0, total: 0 };
  const session = createSession({
    location: { search: '?backend=wasm', hash },
    makeLens(_dispatch: (a: Action) => void, _state: () => State) {
      made.push(1);
      return {
        start: async () => void starts.push(1),
        link: { applyLink: async (d: Decoded, initial = false) => void links.push({ d, initial }) },
        models: { loseDevice: async () => false },
      } as unknown as Lens;
    },
    syncUrl: () => {
      syncs.active++;
      syncs.total++;
      return () => void syncs.active--;
    },
  });
  return { session, made, starts, links, syncs };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('the page session', () => {
  it("StrictMode's mount, unmount, mount: one lens (one worker), one start, one URL subscription", async () => {
    const c = counted('#v=1&opacity=0.3');
    expect(c.made).toHaveLength(1);
    const detach = c.session.attach();
    detach();
    const detach2 = c.session.attach();
    await settle();
    expect(c.made).toHaveLength(1);
    expect(c.starts).toHaveLength(1);
    expect(c.links).toHaveLength(1);
    expect(c.links[0].initial).toBe(true);
    expect(c.syncs).toEqual({ active: 1, total: 1 });
    detach2();
    expect(c.syncs.active).toBe(0);
  });

  it('reads the backend from the query and the view from the hash before anything renders', () => {
    const c = counted('#v=1&opacity=0.3');
    const s = c.session.store.get();
    expect(s.backendChoice).toBe('wasm');
    expect(s.view.opacity).toBe(0.3);
  });
});
