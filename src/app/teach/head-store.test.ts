import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { browserHeadStore as store } from './head-store';
import type { TaughtClass } from './teach-state';

const head = (id: string, modelKey: string, createdAt: string): TaughtClass => ({
  id,
  modelKey,
  name: `class ${id}`,
  weights: Float32Array.from([1, -2, 3.5]),
  bias: 0.25,
  inputSize: 224,
  examples: { positives: 5, negatives: 0 },
  createdAt,
});

describe('taught classes in IndexedDB', () => {
  it('keeps them per model, in the order they were taught, replaces by id and deletes', async () => {
    await store.save(head('b', 'drn', '2026-01-02T00:00:00Z'));
    await store.save(head('a', 'drn', '2026-01-01T00:00:00Z'));
    await store.save(head('c', 'resnet', '2026-01-01T00:00:00Z'));
    expect((await store.list('drn')).map((h) => h.id)).toEqual(['a', 'b']);
    expect((await store.list('resnet')).map((h) => h.id)).toEqual(['c']);
    const [a] = await store.list('drn');
    expect(a.weights).toBeInstanceOf(Float32Array);
    expect([...a.weights]).toEqual([1, -2, 3.5]);
    await store.save({ ...head('a', 'drn', '2026-01-01T00:00:00Z'), name: 'renamed' });
    expect((await store.list('drn')).map((h) => h.name)).toEqual(['renamed', 'class b']);
    await store.remove('a');
    await store.remove('nonexistent');
    expect((await store.list('drn')).map((h) => h.id)).toEqual(['b']);
    expect(await store.list('other')).toEqual([]);
  });
});
