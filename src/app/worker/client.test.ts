import { describe, expect, it } from 'vitest';
import { isAbort } from '../orchestration/lens-client';
import { WorkerLensClient, type Port } from './client';
import type { PageMessage, WorkerMessage } from './protocol';

/** A worker that records what the page posts; the test answers by hand. */
function fakePort() {
  const posted: PageMessage[] = [];
  const port: Port = {
    postMessage: (m) => posted.push(m),
    onmessage: null,
    onerror: null,
    terminate: () => {},
  };
  const reply = (m: unknown) => port.onmessage!({ data: m } as MessageEvent);
  return { port, posted, reply };
}

const info = { key: 'k', title: 'K', numClasses: 1, classes: ['a'], bytes: 1, cachedBytes: 0, ms: 1, warmUpMs: 0 };

describe('the worker client', () => {
  it('resolves a reply that fits the protocol and rejects a malformed one with a clear error', async () => {
    const { port, reply } = fakePort();
    const c = new WorkerLensClient(port);
    const good = c.call('load', { key: 'k', source: { kind: 'idb', key: 'k' } });
    reply({ type: 'ok', id: 1, result: info } satisfies WorkerMessage);
    await expect(good).resolves.toEqual(info);
    const bad = c.call('load', { key: 'k', source: { kind: 'idb', key: 'k' } });
    reply({ type: 'ok', id: 2, result: { ...info, classes: 'a' } });
    await expect(bad).rejects.toThrow("The inference worker's reply to load was malformed: the model info.classes is missing or of the wrong type.");
    const mem = c.call('memory', {});
    reply({ type: 'ok', id: 3, result: { numTensors: 'many' } });
    await expect(mem).rejects.toThrow(/reply to memory was malformed/);
    const odd = c.call('memory', {});
    reply({ type: 'progress', id: 4, loaded: 'x' });
    await expect(odd).rejects.toThrow('a malformed progress message');
  });

  it('an aborted signal posts a cancel, and the aborted answer rejects with an AbortError', async () => {
    const { port, posted, reply } = fakePort();
    const c = new WorkerLensClient(port);
    const ac = new AbortController();
    const p = c.call('memory', {}, { signal: ac.signal });
    ac.abort();
    expect(posted.at(-1)).toEqual({ cancel: 1 });
    reply({ type: 'error', id: 1, message: 'memory cancelled', aborted: true } satisfies WorkerMessage);
    const e = await p.catch((x: unknown) => x);
    expect(isAbort(e)).toBe(true);
    // Already aborted: never posted.
    const n = posted.length;
    expect(isAbort(await c.call('memory', {}, { signal: ac.signal }).catch((x: unknown) => x))).toBe(true);
    expect(posted).toHaveLength(n);
    // A plain error stays one.
    const q = c.call('memory', {});
    reply({ type: 'error', id: 2, message: 'out of memory' });
    const err = await q.catch((x: unknown) => x);
    expect(isAbort(err)).toBe(false);
    expect((err as Error).message).toBe('out of memory');
  });
});
