import { afterEach, describe, expect, it, vi } from 'vitest';
import { MARK_PREFIX, mark, markAtNextFrame } from './timeline';

const marks = (name: string) => performance.getEntriesByName(`${MARK_PREFIX}${name}`, 'mark') as PerformanceMark[];

afterEach(() => {
  vi.unstubAllGlobals();
  performance.clearMarks();
});

describe('the page timeline', () => {
  it('marks under the lens: prefix with its detail', () => {
    mark('head-ready', { key: 'm', heads: 2 });
    expect(marks('head-ready').map((m) => m.detail)).toEqual([{ key: 'm', heads: 2 }]);
  });

  it('marks at the next frame, not before', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
    markAtNextFrame('taught-maps', { key: 'm', classes: 1, workerMs: 3, renderMs: 4 });
    expect(marks('taught-maps')).toEqual([]);
    frames.forEach((f) => f(0));
    expect(marks('taught-maps').map((m) => m.detail)).toEqual([{ key: 'm', classes: 1, workerMs: 3, renderMs: 4 }]);
  });

  it('marks nothing where there are no frames', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    markAtNextFrame('maps', { key: 'm', ms: 1 });
    expect(marks('maps')).toEqual([]);
  });
});
