import { describe, expect, it } from 'vitest';
import { setFigures } from '../localize/eval-report';
import { folderReducer } from './folder-state';

describe('folderReducer', () => {
  it('keeps no figures when nothing was evaluated, so no 0.0% stands for "no images"', () => {
    let s = folderReducer(null, { type: 'start', modelKey: 'm', format: 'annotations.json', taught: null, total: 2, problems: [] });
    s = folderReducer(s, { type: 'failed', problem: { path: 'a.jpg', problem: 'no such image' } });
    s = folderReducer(s, { type: 'failed', problem: { path: 'b.jpg', problem: 'no such image' } });
    s = folderReducer(s, { type: 'figures', figures: setFigures([]), seconds: 0 });
    s = folderReducer(s, { type: 'status', status: 'done' });
    expect(s?.figures).toBeNull();
    expect(s?.problems).toHaveLength(2);
    expect(s?.handled).toBe(2);
  });
});
